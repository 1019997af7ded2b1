/**
 * The results store: an append-only JSONL file, one row per trained model, keyed by `row.key`
 * ((initSeed, dataSeed, regime)). Why this and not SQLite or DuckDB: see docs/search.md ("The results store").
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
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError } from '../util/errors';
import { SearchRow } from './types';

export interface StoreReadReport {
  rows: SearchRow[];
  /** A last line that was cut short (a crash mid-write) and was ignored. */
  tornTail: boolean;
  /** Byte offset where the valid content ends (the start of the torn line, or the file size). */
  validBytes: number;
  /** Rows ignored because an earlier row had the same key. */
  duplicates: number;
}

/** Reads a store file without changing it. A missing file is an empty store. */
export function readStoreFile(file: string): StoreReadReport {
  if (!fs.existsSync(file)) return { rows: [], tornTail: false, validBytes: 0, duplicates: 0 };
  const buffer = fs.readFileSync(file);
  return parseStore(buffer, file);
}

function parseStore(buffer: Buffer, file: string): StoreReadReport {
  const rows: SearchRow[] = [];
  const keys = new Set<string>();
  let duplicates = 0;
  let offset = 0;
  let line = 0;
  while (offset < buffer.length) {
    const nl = buffer.indexOf(0x0a, offset);
    line++;
    const end = nl < 0 ? buffer.length : nl;
    const isLast = nl < 0 || nl === buffer.length - 1;
    const text = buffer.toString('utf8', offset, end);
    let row: SearchRow | undefined;
    if (nl >= 0) row = parseRow(text);
    if (!row) {
      // A torn last line (no newline, or garbage from an interrupted write): ignored, the model is retrained.
      if (isLast) return { rows, tornTail: true, validBytes: offset, duplicates };
      if (text.trim() === '') {
        offset = end + 1;
        continue;
      }
      throw new FileFormatError(`${file}:${line}`, 'not a results row (the store is append-only JSONL; only its last line may be torn)');
    }
    if (keys.has(row.key)) duplicates++;
    else {
      keys.add(row.key);
      rows.push(row);
    }
    offset = end + 1;
  }
  return { rows, tornTail: false, validBytes: buffer.length, duplicates };
}

function parseRow(text: string): SearchRow | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const row = JSON.parse(text) as SearchRow;
    // zeroShot is null when it was not finite (JSON has no NaN).
    if (typeof row !== 'object' || row === null || typeof row.key !== 'string' || !(typeof row.zeroShot === 'number' || row.zeroShot === null)) return undefined;
    return row;
  } catch {
    return undefined;
  }
}

/** The writer side: open once, `append` rows, `close`. */
export class ResultsStore {
  private readonly byKey = new Map<string, SearchRow>();
  private readonly ordered: SearchRow[] = [];
  private fd: number | undefined;
  /** What opening found: a torn tail that was truncated away, duplicate rows. */
  readonly opened: { tornTail: boolean; duplicates: number };

  private constructor(readonly file: string, report: StoreReadReport) {
    for (const row of report.rows) {
      this.byKey.set(row.key, row);
      this.ordered.push(row);
    }
    this.opened = { tornTail: report.tornTail, duplicates: report.duplicates };
  }

  /** Opens (creating folders and the file) for appending; a torn last line is truncated away first. */
  static open(file: string): ResultsStore {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const report = readStoreFile(file);
    const store = new ResultsStore(file, report);
    if (report.tornTail) {
      fs.truncateSync(file, report.validBytes);
    }
    store.fd = fs.openSync(file, 'a');
    if (report.tornTail) fs.fsyncSync(store.fd);
    return store;
  }

  get size(): number {
    return this.ordered.length;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): SearchRow | undefined {
    return this.byKey.get(key);
  }

  /** Rows in the order they were recorded. */
  rows(): readonly SearchRow[] {
    return this.ordered;
  }

  /** Appends and fsyncs one row; returns false (and writes nothing) if the key is already stored. */
  append(row: SearchRow): boolean {
    if (this.fd === undefined) throw new Error(`results store ${this.file} is closed`);
    if (this.byKey.has(row.key)) return false;
    const line = JSON.stringify(row) + '\n';
    if (line.indexOf('\n') !== line.length - 1) throw new Error('a results row must not contain a newline');
    fs.writeSync(this.fd, line);
    fs.fsyncSync(this.fd);
    this.byKey.set(row.key, row);
    this.ordered.push(row);
    return true;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
