/**
 * Lookup tables: bijections on the 2^bits values of a bit string, named t1..tN. Values are plain integers; bit
 * strings only appear at the text boundary (files, vocab, labels), most significant bit first as in the public data.
 */
import { Rng } from '../../util/random';
import { ConfigError } from '../../util/errors';
import { requireInt } from '../../util/validate';

/** Upper bound on `bits`: tables and per-state arrays grow as 2^bits, and 2^10 states is already far past the domain. */
export const MAX_BITS = 10;

/** Vocab and label arrays grow with the table count; far beyond any lookup experiment. */
export const MAX_TABLES = 256;

/** "011" for (3, 3): fixed width, most significant bit first. */
export function toBits(value: number, bits: number): string {
  requireInt(bits, 'bits', 1, MAX_BITS);
  requireInt(value, 'value', 0, 2 ** bits - 1);
  return value.toString(2).padStart(bits, '0');
}

/** 3 for "011". The width is the string's length, so leading zeros are significant only to callers that check it. */
export function fromBits(text: string): number {
  if (typeof text !== 'string' || !/^[01]+$/.test(text) || text.length > MAX_BITS) {
    throw new ConfigError('bits', `a string of 1 to ${MAX_BITS} characters 0/1`, text);
  }
  return parseInt(text, 2);
}

/** "t1" for table index 0: names are 1-based, indices 0-based, everywhere in complens. */
export function tableName(index: number): string {
  return `t${index + 1}`;
}

/** 0 for "t1"; -1 when the token is not a table name (t0, t01, x3...). */
export function tableIndex(name: string): number {
  const m = /^t([1-9][0-9]*)$/.exec(name);
  return m ? Number(m[1]) - 1 : -1;
}

/** True when `table` maps 0..size-1 one-to-one onto itself. */
export function isBijection(table: readonly number[], size: number): boolean {
  if (table.length !== size) return false;
  const seen = new Uint8Array(size);
  for (const v of table) {
    if (!Number.isInteger(v) || v < 0 || v >= size || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

/** The values visited when `sequence` (table indices, application order) is applied to `input`: [input, v1, ..., vk]. */
export function trajectory(tables: readonly (readonly number[])[], input: number, sequence: readonly number[]): number[] {
  const out = [input];
  let v = input;
  for (const t of sequence) {
    v = tables[t][v];
    out.push(v);
  }
  return out;
}

export interface GenerateTablesOptions {
  count?: number;
  bits?: number;
  seed: number;
}

/**
 * `count` random bijections on 2^bits values, pairwise distinct: two identical tables would make the composition a
 * prompt names ambiguous, which defeats the point of the domain (only impossible when count > (2^bits)!).
 */
export function generateTables({ count = 8, bits = 3, seed }: GenerateTablesOptions): number[][] {
  requireInt(bits, 'bits', 1, MAX_BITS);
  requireInt(count, 'count', 1, 1000);
  requireInt(seed, 'seed');
  const size = 2 ** bits;
  if (count > factorialCapped(size, count)) {
    throw new ConfigError('count', `at most ${factorialCapped(size, count)} distinct tables on ${bits} bit(s)`, count);
  }
  const rng = new Rng(seed);
  const tables: number[][] = [];
  const keys = new Set<string>();
  while (tables.length < count) {
    const table = rng.permutation(size);
    const key = table.join(',');
    if (keys.has(key)) continue;
    keys.add(key);
    tables.push(table);
  }
  return tables;
}

function factorialCapped(n: number, cap: number): number {
  let f = 1;
  for (let i = 2; i <= n && f <= cap; i++) f *= i;
  return f;
}

/**
 * The 8 tables of the public i-machine-think samples (identical in samples 1-5), as seeds-A §A.8.1 lists them:
 * outputs for inputs 000..111. The tests check them against the tables inferred from the files themselves.
 */
export const PUBLIC_TABLES: readonly (readonly number[])[] = Object.freeze(
  [
    '110 001 101 010 011 000 111 100',
    '101 001 010 111 110 011 000 100',
    '111 101 010 100 011 000 001 110',
    '000 100 010 101 111 001 110 011',
    '001 000 110 100 101 010 011 111',
    '011 010 101 111 110 000 001 100',
    '011 110 000 100 001 111 101 010',
    '010 100 110 000 001 011 101 111',
  ].map((row) => Object.freeze(row.split(' ').map(fromBits))),
);

/** Bit length of the public data. */
export const PUBLIC_BITS = 3;
