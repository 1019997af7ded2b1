/**
 * The lookup task's serialisable spec and its validator. The spec alone rebuilds the identical task: the tables are
 * stored, not a table seed, so a spec stays valid if the table generator ever changes.
 */
import { ConfigError } from '../../util/errors';
import { requireInt, requireObject, requireOneOf } from '../../util/validate';
import { LOOKUP_ENCODINGS, LookupEncoding } from './encoding';
import { GeneratedSplit, validateGeneratedSplit } from './generate';
import { ExplicitSplit, validateExplicitSplit } from './splits';
import { MAX_BITS, MAX_TABLES } from './tables';

export const LOOKUP_REGIMES = ['atomic+composed', 'composed-only'] as const;
/** 'composed-only' drops the atomic (single-table) rows from train: the digest's composed-only regime (§A.6). */
export type LookupRegime = (typeof LOOKUP_REGIMES)[number];

export interface LookupSpec {
  kind: 'lookup';
  bits: number;
  /** tables[t][input] = output; each a permutation of 0..2^bits-1. */
  tables: number[][];
  split: ExplicitSplit | GeneratedSplit;
  encoding: LookupEncoding;
  regime: LookupRegime;
}

export { MAX_TABLES } from './tables';

const FIELDS = ['kind', 'bits', 'tables', 'split', 'encoding', 'regime'];

/**
 * Checks a spec from JSON (CLI, config file, user code) and returns it normalised: encoding defaults to 'final',
 * regime to 'atomic+composed', and a generated split gets its defaults written in. Every bad field raises a
 * ConfigError with its dotted path, e.g. `task.tables[2][5]` or `task.split.rows.train[3]`.
 */
export function validateLookupSpec(json: unknown, field = 'task'): LookupSpec {
  const o = requireObject(json, field);
  for (const key of Object.keys(o)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${FIELDS.join(', ')})`, o[key]);
  }
  if (o.kind !== 'lookup') throw new ConfigError(`${field}.kind`, '"lookup"', o.kind);
  const bits = requireInt(o.bits, `${field}.bits`, 1, MAX_BITS);
  const tables = validateTables(o.tables, `${field}.tables`, bits);
  const splitField = `${field}.split`;
  const split = requireObject(o.split, splitField);
  let checkedSplit: ExplicitSplit | GeneratedSplit;
  if (split.kind === 'explicit') checkedSplit = validateExplicitSplit(split, splitField, tables.length, bits);
  else if (split.kind === 'generated') checkedSplit = validateGeneratedSplit(split, splitField, tables.length, bits);
  else throw new ConfigError(`${splitField}.kind`, '"explicit" or "generated"', split.kind);
  return {
    kind: 'lookup',
    bits,
    tables,
    split: checkedSplit,
    encoding: requireOneOf(o.encoding ?? 'final', `${field}.encoding`, LOOKUP_ENCODINGS),
    regime: requireOneOf(o.regime ?? 'atomic+composed', `${field}.regime`, LOOKUP_REGIMES),
  };
}

function validateTables(value: unknown, field: string, bits: number): number[][] {
  const size = 2 ** bits;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TABLES) {
    throw new ConfigError(field, `an array of 1 to ${MAX_TABLES} tables`, value);
  }
  const seenTables = new Map<string, number>();
  return value.map((table, t) => {
    const tf = `${field}[${t}]`;
    // Two equal tables make compositions that name different tables the same function, so a "held-out"
    // composition could be a trained one under another name and zero-shot accuracy would measure nothing.
    const key = Array.isArray(table) ? table.join(',') : '';
    const same = seenTables.get(key);
    if (same !== undefined && Array.isArray(table) && table.length === size) {
      throw new ConfigError(tf, `a table different from ${field}[${same}] (equal tables make compositions ambiguous)`, table);
    }
    seenTables.set(key, t);
    if (!Array.isArray(table) || table.length !== size) {
      throw new ConfigError(tf, `an array of ${size} outputs (one per ${bits}-bit input)`, table);
    }
    const seen = new Set<number>();
    return table.map((v, i) => {
      requireInt(v, `${tf}[${i}]`, 0, size - 1);
      if (seen.has(v)) throw new ConfigError(`${tf}[${i}]`, `a value not used earlier in the table (tables are bijections)`, v);
      seen.add(v);
      return v as number;
    });
  });
}
