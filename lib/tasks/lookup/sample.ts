/**
 * Sample folders on disk: the nine split files of the public data. Reading validates every line and infers the
 * tables from all of them together (the files never list the tables; each row witnesses k table entries), so a
 * corrupt or inconsistent copy fails loudly instead of training on wrong targets.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../../util/atomic';
import { ConfigError, FileFormatError } from '../../util/errors';
import { findSplitViolation } from './invariants';
import { resolveSampleDir } from './paths';
import { LOOKUP_SPLIT_NAMES, LookupDataset, LookupRow, LookupSplitName } from './rows';
import { isBijection, tableName, toBits } from './tables';
import { formatLookupTsv, parseLookupTsv, ParsedLookupLine } from './tsv';

export interface ReadLookupSampleOptions {
  /** Default true: all nine split files must exist. When false, only train.tsv must; absent splits are left out. */
  requireAllSplits?: boolean;
}

/** Reads `dirOrName` ("sample1" is looked up in the data folder, see paths.ts). */
export function readLookupSample(dirOrName: string, options: ReadLookupSampleOptions = {}): LookupDataset {
  const requireAll = options.requireAllSplits ?? true;
  const dir = resolveSampleDir(dirOrName);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new FileFormatError(
      dir,
      `no such sample folder (a bare name such as "sample1" is looked up in the lookup-tables data folder; ` +
        `or set COMPLENS_DATA_DIR to a data folder that contains lookup-tables/)`,
    );
  }
  let bits: number | undefined;
  const parsed: { file: string; split: LookupSplitName; lines: ParsedLookupLine[] }[] = [];
  for (const split of LOOKUP_SPLIT_NAMES) {
    const file = path.join(dir, `${split}.tsv`);
    if (!fs.existsSync(file)) {
      if (requireAll || split === 'train') {
        throw new FileFormatError(file, `missing: a lookup sample folder holds ${LOOKUP_SPLIT_NAMES.map((n) => n + '.tsv').join(', ')}`);
      }
      continue;
    }
    const result = parseLookupTsv(readSplitFile(file), file, { bits });
    bits = result.bits;
    parsed.push({ file, split, lines: result.lines });
  }
  if (bits === undefined) throw new FileFormatError(dir, 'no rows in any split file: cannot tell the bit length or the tables');
  const tables = inferTables(parsed, bits, dir);
  const splits: Partial<Record<LookupSplitName, LookupRow[]>> = {};
  for (const p of parsed) splits[p.split] = p.lines.map((l) => l.row);
  const bySplit = new Map(parsed.map((p) => [p.split, p]));
  const violation = findSplitViolation(splits, bits, (split, i) => {
    const p = bySplit.get(split);
    const file = p?.file ?? path.join(dir, `${split}.tsv`);
    return i === undefined || !p ? file : `${file}:${p.lines[i].line}`;
  });
  if (violation) {
    const got = violation.got.length > 60 ? `${violation.got.slice(0, 57)}...` : violation.got;
    throw new FileFormatError(violation.at, `expected ${violation.expected}, got ${JSON.stringify(got)}`);
  }
  return { bits, tables, splits };
}

/** A split file far larger than any lookup domain could need is refused before it is read into one string. */
export const MAX_SPLIT_FILE_BYTES = 64 * 1024 * 1024;

function readSplitFile(file: string): string {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new FileFormatError(file, 'expected a file of tab-separated rows, found a directory or special file');
    if (stat.size > MAX_SPLIT_FILE_BYTES) throw new FileFormatError(file, `${stat.size} bytes: expected at most ${MAX_SPLIT_FILE_BYTES} for a lookup split`);
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(file, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Tables t1..tN from every (value, table, next value) step the lines state. A table that maps one input to two
 * outputs, a gap in the numbering, an entry no line witnesses, or a non-bijective result are all errors.
 */
export function inferTables(files: { file: string; lines: ParsedLookupLine[] }[], bits: number, where: string): number[][] {
  const size = 2 ** bits;
  const entries: ({ value: number; at: string } | undefined)[][] = [];
  // Where each table is first named: errors about a table blame that line, not the whole folder.
  const firstSeen: string[] = [];
  for (const { file, lines } of files) {
    for (const { line, row, values } of lines) {
      row.tables.forEach((t, s) => {
        const slot = (entries[t] ??= new Array(size).fill(undefined));
        const prev = slot[values[s]];
        const at = `${file}:${line}`;
        firstSeen[t] ??= at;
        if (!prev) slot[values[s]] = { value: values[s + 1], at };
        else if (prev.value !== values[s + 1]) {
          throw new FileFormatError(
            at,
            `inconsistent target: ${tableName(t)} maps ${toBits(values[s], bits)} to ${toBits(values[s + 1], bits)} here ` +
              `but to ${toBits(prev.value, bits)} at ${prev.at}`,
          );
        }
      });
    }
  }
  const tables: number[][] = [];
  for (let t = 0; t < entries.length; t++) {
    const slot = entries[t];
    if (!slot) {
      throw new FileFormatError(firstSeen[entries.length - 1] ?? where, `${tableName(t)} never occurs although ${tableName(entries.length - 1)} does: expected tables t1..tN without gaps`);
    }
    const missing = slot.findIndex((e) => e === undefined);
    if (missing >= 0) {
      throw new FileFormatError(firstSeen[t] ?? where, `cannot infer ${tableName(t)}: no row applies it to ${toBits(missing, bits)} (${tableName(t)} is first named here)`);
    }
    const table = slot.map((e) => e!.value);
    if (!isBijection(table, size)) {
      throw new FileFormatError(firstSeen[t] ?? where, `${tableName(t)} as the rows define it is not a bijection: ${table.map((v) => toBits(v, bits)).join(' ')}`);
    }
    const twin = tables.findIndex((other) => other.every((v, i) => v === table[i]));
    if (twin >= 0) {
      throw new FileFormatError(firstSeen[t] ?? where, `${tableName(t)} (first named here) equals ${tableName(twin)}: expected distinct tables (equal tables make compositions ambiguous)`);
    }
    tables.push(table);
  }
  return tables;
}

/**
 * Writes all nine split files (a split the dataset lacks becomes an empty file, so the folder always reads back).
 * Each file is written atomically; the public samples come out byte for byte.
 */
export function writeLookupSample(dir: string, dataset: LookupDataset): void {
  checkDataset(dataset);
  for (const split of LOOKUP_SPLIT_NAMES) {
    const rows = dataset.splits[split] ?? [];
    writeFileAtomic(path.join(dir, `${split}.tsv`), formatLookupTsv(rows, dataset.tables, dataset.bits));
  }
}

function checkDataset({ bits, tables, splits }: LookupDataset): void {
  const size = 2 ** bits;
  tables.forEach((table, t) => {
    if (!isBijection(table, size)) throw new ConfigError(`dataset.tables[${t}]`, `a permutation of 0..${size - 1}`, table);
  });
  for (const [split, rows] of Object.entries(splits)) {
    rows?.forEach((row, i) => {
      const ok =
        Number.isInteger(row.input) && row.input >= 0 && row.input < size && row.tables.length > 0 &&
        row.tables.every((t) => Number.isInteger(t) && t >= 0 && t < tables.length);
      if (!ok) throw new ConfigError(`dataset.splits.${split}[${i}]`, `an input in 0..${size - 1} and table indices in 0..${tables.length - 1}`, row);
    });
  }
}
