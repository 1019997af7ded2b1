/**
 * Split specs: serialisable descriptions that, together with the tables, fully determine every split's rows.
 * An explicit split lists its rows (how a public sample is represented); a generated one is a seed plus options.
 */
import { ConfigError } from '../../util/errors';
import { requireObject } from '../../util/validate';
import { generateSplitRows, GeneratedSplit } from './generate';
import { findSplitViolation } from './invariants';
import {
  formatRowKey,
  isLookupSplitName,
  LOOKUP_SPLIT_NAMES,
  LookupDataset,
  LookupRow,
  LookupSplitName,
  parseRowKey,
} from './rows';
import { readLookupSample } from './sample';

export interface ExplicitSplit {
  kind: 'explicit';
  /** Row keys per split, e.g. { train: ["011 t1", ...], heldout_compositions: ["010 t1 t6", ...] }. */
  rows: Partial<Record<LookupSplitName, string[]>>;
}

export type LookupSplitSpec = ExplicitSplit | GeneratedSplit;

/** The explicit split of a sample folder, rows in file order (see paths.ts for how a bare name resolves). */
export function splitFromSample(dirOrName: string): ExplicitSplit {
  return explicitSplitOf(readLookupSample(dirOrName));
}

export function explicitSplitOf(dataset: LookupDataset): ExplicitSplit {
  const rows: Partial<Record<LookupSplitName, string[]>> = {};
  for (const name of LOOKUP_SPLIT_NAMES) {
    const split = dataset.splits[name];
    if (split) rows[name] = split.map((row) => formatRowKey(row, dataset.bits));
  }
  return { kind: 'explicit', rows };
}

/** Validates an explicit split against the table count and bit length; ConfigErrors name e.g. `field.rows.train[3]`. */
export function validateExplicitSplit(value: unknown, field: string, numTables: number, bits: number): ExplicitSplit {
  const o = requireObject(value, field);
  for (const key of Object.keys(o)) {
    if (key !== 'kind' && key !== 'rows') throw new ConfigError(`${field}.${key}`, 'no such field (known: kind, rows)', o[key]);
  }
  const rowsField = `${field}.rows`;
  const rows = requireObject(o.rows, rowsField);
  const out: Partial<Record<LookupSplitName, string[]>> = {};
  const parsed: Partial<Record<LookupSplitName, LookupRow[]>> = {};
  for (const [name, keys] of Object.entries(rows)) {
    if (!isLookupSplitName(name)) throw new ConfigError(`${rowsField}.${name}`, `a split name (${LOOKUP_SPLIT_NAMES.join(', ')})`, name);
    if (!Array.isArray(keys)) throw new ConfigError(`${rowsField}.${name}`, 'an array of row strings', keys);
    parsed[name] = keys.map((key, i) => {
      const row = parseRowKey(key, bits, numTables);
      if (typeof row === 'string') throw new ConfigError(`${rowsField}.${name}[${i}]`, row, key);
      return row;
    });
    out[name] = keys.slice();
  }
  if (!out.train || out.train.length === 0) throw new ConfigError(`${rowsField}.train`, 'a non-empty list of training rows', out.train);
  const violation = findSplitViolation(parsed, bits, (split, i) => `${rowsField}.${split}${i === undefined ? '' : `[${i}]`}`);
  if (violation) throw new ConfigError(violation.at, violation.expected, violation.got);
  return { kind: 'explicit', rows: out };
}

/** Rows of each split a spec describes (only the splits it has; generated splits drop the empty ones). */
export function resolveSplitRows(
  split: LookupSplitSpec,
  numTables: number,
  bits: number,
  field = 'split',
): Partial<Record<LookupSplitName, LookupRow[]>> {
  const out: Partial<Record<LookupSplitName, LookupRow[]>> = {};
  if (split.kind === 'generated') {
    const rows = generateSplitRows(split, numTables, bits, field);
    for (const name of LOOKUP_SPLIT_NAMES) if (rows[name].length > 0) out[name] = rows[name];
    return out;
  }
  const checked = validateExplicitSplit(split, field, numTables, bits);
  for (const name of LOOKUP_SPLIT_NAMES) {
    const keys = checked.rows[name];
    if (keys) out[name] = keys.map((key) => parseRowKey(key, bits, numTables) as LookupRow);
  }
  return out;
}

/** A whole dataset (tables, bits and rows), e.g. to write as a sample folder with writeLookupSample. */
export function buildLookupDataset(tables: number[][], bits: number, split: LookupSplitSpec): LookupDataset {
  return { bits, tables, splits: resolveSplitRows(split, tables.length, bits) };
}
