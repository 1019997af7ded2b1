/**
 * Token encoding of lookup rows, with the ground truth instruments compare models against.
 *
 * vocab = ["0", "1", "t1", ..., "tN", ".", "<eos>"]: a bit is one token, a table is one token, "." ends the prompt.
 * prompt = input bits, table tokens in application order, ".".
 * target = 'final': the final value's bits, "<eos>";
 *          'intermediates' (the public format): bits of the copied input, of every intermediate and of the final
 *          value, then "<eos>".
 */
import { EncodedExample } from '../types';
import { compositionName, LookupRow } from './rows';
import { tableName, toBits, trajectory } from './tables';

export const LOOKUP_ENCODINGS = ['final', 'intermediates'] as const;
export type LookupEncoding = (typeof LOOKUP_ENCODINGS)[number];

export const EOS = '<eos>';
export const END_OF_PROMPT = '.';

export function lookupVocab(numTables: number): string[] {
  return ['0', '1', ...Array.from({ length: numTables }, (_, t) => tableName(t)), END_OF_PROMPT, EOS];
}

/** Token ids, derived from the vocab layout so that the two never disagree. */
export function lookupTokenIds(numTables: number): { table: (t: number) => number; dot: number; eos: number } {
  return { table: (t) => 2 + t, dot: 2 + numTables, eos: 3 + numTables };
}

/** Length of the target (answer tokens, EOS included) for a k-table row. */
export function lookupTargetLength(bits: number, compositionLength: number, encoding: LookupEncoding): number {
  return (encoding === 'final' ? bits : bits * (compositionLength + 1)) + 1;
}

function bitTokens(value: number, bits: number): number[] {
  return toBits(value, bits).split('').map(Number);
}

/**
 * Encodes one row. Position labels follow the model's input positions (prompt ++ target[0..-2]):
 * - state: the automaton state after reading the token there, i.e. the value after the tables read so far: the
 *   input at its last bit, the intermediate at each table token, the final value at "."; -1 on earlier bits and on
 *   answer positions (the answer is read back, not computed, so there is no state to supervise).
 * - table: the table index at a table token, else -1.
 * - step: 0 at the last input bit, i at the i-th table token, else -1 ("." included: it applies no table).
 * `compositionId` is the row's index in the task's labelNames().composition.
 */
export function encodeLookupRow(
  row: LookupRow,
  tables: readonly (readonly number[])[],
  bits: number,
  encoding: LookupEncoding,
  compositionId: number,
): EncodedExample {
  const ids = lookupTokenIds(tables.length);
  const values = trajectory(tables, row.input, row.tables);
  const k = row.tables.length;
  const final = values[k];
  const prompt = [...bitTokens(row.input, bits), ...row.tables.map(ids.table), ids.dot];
  const answerValues = encoding === 'final' ? [final] : values;
  const target = [...answerValues.flatMap((v) => bitTokens(v, bits)), ids.eos];

  const length = prompt.length + target.length - 1;
  const state = new Array<number>(length).fill(-1);
  const table = new Array<number>(length).fill(-1);
  const step = new Array<number>(length).fill(-1);
  const lastBit = bits - 1;
  state[lastBit] = values[0];
  step[lastBit] = 0;
  for (let i = 1; i <= k; i++) {
    state[lastBit + i] = values[i];
    table[lastBit + i] = row.tables[i - 1];
    step[lastBit + i] = i;
  }
  state[prompt.length - 1] = final;

  return {
    prompt,
    target,
    positionLabels: { state, table, step },
    exampleLabels: {
      input: row.input,
      final,
      composition: compositionId,
      length: k,
      firstTable: row.tables[0],
      lastTable: row.tables[k - 1],
    },
    group: compositionName(row.tables),
  };
}
