/**
 * The results store of every run folder (search, sweep, verdict validation; docs/experiments.md): an append-only
 * JSONL file, one row per finished unit of work (a trained model, a grid point), keyed by the schema's `keyOf`.
 * Why this and not SQLite or DuckDB: see docs/search.md ("The results store").
 *
 * - Writing: one process writes (the search coordinator; an out-dir lock keeps it so). Each row is one `write` of a
 *   whole line to an O_APPEND descriptor followed by `fsync`, so a row that `append` returned for survives a crash
 *   or power loss.
 * - Crashes: a write cut short leaves a last line without its newline (or one that does not parse). Readers ignore
 *   such a torn last line; the writer truncates it away when it opens the file, so the next row starts on a fresh
 *   line. The torn row's model was not recorded and is simply trained again.
 * - Idempotence: `append` refuses a key the store already holds, so recording the same result twice (a retried
 *   queue job, a restarted coordinator) writes it once. If duplicates ever reach the file (two files concatenated
 *   by hand), readers keep the first row of each key.
 * - Integrity: each row carries a checksum of its own text (`{"crc":"<8 hex>",…}`), so a row edited or bit-flipped
 *   after it was written is refused with its line number instead of silently changing a result. Rows from stores
 *   written before checksums existed (search stores: `{"v":…}`, the schema's `legacyPrefix`) still load, but only
 *   before the first checksummed row.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError } from '../util/errors';

/** What a store's rows are: how to key one, and how to tell a row from other JSON. */
export interface RowSchema<R> {
  /** Named in errors: "not a <what>". */
  what: string;
  keyOf(row: R): string;
  isRow(value: unknown): value is R;
  /** How unchecksummed rows of stores written before checksums existed start, if there are such stores. */
  legacyPrefix?: string;
}

export interface StoreReadReport<R> {
  rows: R[];
  /** A last line that was cut short (a crash mid-write) and was ignored. */
  tornTail: boolean;
  /** Byte offset where the valid content ends (the start of the torn line, or the file size). */
  validBytes: number;
  /** Rows ignored because an earlier row had the same key. */
  duplicates: number;
}

const CRC_PREFIX = '{"crc":"';
const CRC_END = CRC_PREFIX.length + 8;

function rowChecksum(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 8);
}

/** The line `append` writes for `row`: the row's JSON with its checksum as the first field. */
export function formatStoreLine(row: object): string {
  const body = JSON.stringify(row);
  if (body.includes('\n')) throw new Error('a results row must not contain a newline');
  return `${CRC_PREFIX}${rowChecksum(body)}",${body.slice(1)}\n`;
}

/** Reads a store file without changing it. A missing file is an empty store. */
export function readRowStore<R>(file: string, schema: RowSchema<R>): StoreReadReport<R> {
  let buffer: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) throw new FileFormatError(file, 'is a folder; expected the results store (a JSONL file)');
    buffer = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { rows: [], tornTail: false, validBytes: 0, duplicates: 0 };
    throw new FileFormatError(file, `cannot read the results store (${code ?? (err as Error).message})`);
  }
  return parseStore(buffer, file, schema);
}

function parseStore<R>(buffer: Buffer, file: string, schema: RowSchema<R>): StoreReadReport<R> {
  const rows: R[] = [];
  const keys = new Set<string>();
  let duplicates = 0;
  let offset = 0;
  let line = 0;
  let checksummed = false;
  while (offset < buffer.length) {
    const nl = buffer.indexOf(0x0a, offset);
    line++;
    const end = nl < 0 ? buffer.length : nl;
    const isLast = nl < 0 || nl === buffer.length - 1;
    const text = buffer.toString('utf8', offset, end);
    let row: R | undefined;
    let problem = `not a ${schema.what} (the store is append-only JSONL; only its last line may be torn)`;
    if (nl >= 0) {
      const parsed: { row: R; checksummed: boolean } | string = parseLine(text, checksummed, schema);
      if (typeof parsed === 'string') problem = parsed;
      else {
        row = parsed.row;
        checksummed ||= parsed.checksummed;
      }
    }
    if (!row) {
      // A torn last line (no newline, or garbage from an interrupted write): ignored, the model is retrained.
      if (isLast) return { rows, tornTail: true, validBytes: offset, duplicates };
      if (text.trim() === '') {
        offset = end + 1;
        continue;
      }
      throw new FileFormatError(`${file}:${line}`, problem);
    }
    const key = schema.keyOf(row);
    if (keys.has(key)) duplicates++;
    else {
      keys.add(key);
      rows.push(row);
    }
    offset = end + 1;
  }
  return { rows, tornTail: false, validBytes: buffer.length, duplicates };
}

/** A row, or what is wrong with the line. */
function parseLine<R>(text: string, afterChecksummed: boolean, schema: RowSchema<R>): { row: R; checksummed: boolean } | string {
  if (text.startsWith(CRC_PREFIX) && text.slice(CRC_END, CRC_END + 2) === '",') {
    const expected = text.slice(CRC_PREFIX.length, CRC_END);
    const body = '{' + text.slice(CRC_END + 2);
    if (rowChecksum(body) !== expected) return `row checksum mismatch (expected ${expected}): the row was changed after it was written`;
    const row = parseRow(body, schema);
    return row !== undefined ? { row, checksummed: true } : `not a ${schema.what} (its checksum matches, but its fields are not a row's)`;
  }
  // Rows written before checksums existed start with their format version; a row whose checksum field was
  // damaged starts with neither, and is refused rather than read as an old row.
  const legacy = schema.legacyPrefix;
  if (legacy === undefined || !text.startsWith(legacy)) {
    return `not a ${schema.what} (expected {"crc":…}${legacy ? ` or, in an older store, ${legacy}…}` : ''})`;
  }
  if (afterChecksummed) return 'a row without a checksum after checksummed rows: expected {"crc":…}';
  const row = parseRow(text, schema);
  return row !== undefined ? { row, checksummed: false } : `not a ${schema.what} (the store is append-only JSONL; only its last line may be torn)`;
}

function parseRow<R>(text: string, schema: RowSchema<R>): R | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const row: unknown = JSON.parse(text);
    return schema.isRow(row) ? row : undefined;
  } catch {
    return undefined;
  }
}

/** The writer side: open once, `append` rows, `close`. */
export class RowStore<R> {
  private readonly byKey = new Map<string, R>();
  private readonly ordered: R[] = [];
  private fd: number | undefined;
  /** What opening found: a torn tail that was truncated away, duplicate rows. */
  readonly opened: { tornTail: boolean; duplicates: number };

  protected constructor(readonly file: string, readonly schema: RowSchema<R>, report: StoreReadReport<R>) {
    for (const row of report.rows) {
      this.byKey.set(schema.keyOf(row), row);
      this.ordered.push(row);
    }
    this.opened = { tornTail: report.tornTail, duplicates: report.duplicates };
  }

  /** Opens (creating folders and the file) for appending; a torn last line is truncated away first. */
  static openStore<R>(file: string, schema: RowSchema<R>): RowStore<R> {
    const fsStep = <T>(step: () => T): T => {
      try {
        return step();
      } catch (err) {
        throw new FileFormatError(file, `cannot open the results store for appending (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    };
    fsStep(() => fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true }));
    const report = readRowStore(file, schema);
    const store = new RowStore(file, schema, report);
    if (report.tornTail) fsStep(() => fs.truncateSync(file, report.validBytes));
    store.fd = fsStep(() => fs.openSync(file, 'a'));
    if (report.tornTail) fs.fsyncSync(store.fd);
    return store;
  }

  get size(): number {
    return this.ordered.length;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): R | undefined {
    return this.byKey.get(key);
  }

  /** Rows in the order they were recorded. */
  rows(): readonly R[] {
    return this.ordered;
  }

  /** Appends and fsyncs one row; returns false (and writes nothing) if the key is already stored. */
  append(row: R): boolean {
    if (this.fd === undefined) throw new Error(`results store ${this.file} is closed`);
    const key = this.schema.keyOf(row);
    if (this.byKey.has(key)) return false;
    const line = formatStoreLine(row as object);
    fs.writeSync(this.fd, line);
    fs.fsyncSync(this.fd);
    this.byKey.set(key, row);
    this.ordered.push(row);
    return true;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
