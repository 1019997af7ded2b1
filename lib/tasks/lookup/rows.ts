/**
 * The data model shared by the readers, the split generator and the task: a row is an input value plus the tables
 * applied to it (0-based, application order); targets are never stored, they follow from the tables.
 */
import { tableIndex, tableName, toBits } from './tables';

export interface LookupRow {
  input: number;
  /** Table indices in application order: [0, 5] is t6(t1(input)), written "t1 t6". */
  tables: number[];
}

/** The public sample's files, in the order `splitNames()` reports them (training split first). */
export const LOOKUP_SPLIT_NAMES = [
  'train',
  'validation',
  'heldout_inputs',
  'heldout_compositions',
  'heldout_tables',
  'new_compositions',
  'longer_compositions_seen',
  'longer_compositions_incremental',
  'longer_compositions_new',
] as const;

export type LookupSplitName = (typeof LOOKUP_SPLIT_NAMES)[number];

export function isLookupSplitName(name: string): name is LookupSplitName {
  return (LOOKUP_SPLIT_NAMES as readonly string[]).includes(name);
}

/** Rows of every split, keyed by split name; a dataset is everything needed to write a sample folder. */
export interface LookupDataset {
  bits: number;
  tables: number[][];
  splits: Partial<Record<LookupSplitName, LookupRow[]>>;
}

/** "t1 t6" for [0, 5]: the composition label, the example's probe group, and half of a row key. */
export function compositionName(tables: readonly number[]): string {
  return tables.map(tableName).join(' ');
}

/** The prompt part of a public line without the '.', e.g. "011 t1 t2": how explicit splits name their rows. */
export function formatRowKey(row: LookupRow, bits: number): string {
  return `${toBits(row.input, bits)} ${compositionName(row.tables)}`;
}

/** Parses a row key; returns a description of what is wrong instead of throwing, so callers can name the field/line. */
export function parseRowKey(key: string, bits: number, numTables: number): LookupRow | string {
  if (typeof key !== 'string') return `a string like "${'0'.repeat(bits)} t1 t2"`;
  const tokens = key.split(' ');
  if (tokens.length < 2) return `an input of ${bits} bits followed by at least one table name`;
  const [inputText, ...names] = tokens;
  if (!new RegExp(`^[01]{${bits}}$`).test(inputText)) return `a ${bits}-bit input such as "${'0'.repeat(bits)}" first`;
  const tables: number[] = [];
  for (const name of names) {
    const t = tableIndex(name);
    if (t < 0 || t >= numTables) return `table names t1..t${numTables} after the input (found "${name}")`;
    tables.push(t);
  }
  return { input: parseInt(inputText, 2), tables };
}

/** Canonical order (length, then tables, then input): generated splits use it so that row order carries no seed. */
export function compareRows(a: LookupRow, b: LookupRow): number {
  return compareCompositions(a.tables, b.tables) || a.input - b.input;
}

export function compareCompositions(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
