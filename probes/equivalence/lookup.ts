/**
 * Candidate relations for the lookup-table task: which *other* function of the input the model might compute
 * on a composition it never saw. The input x and tables t1 … tk (application order) are read from the prompt; every
 * relation predicts the final value, compared with the last value the model writes before <eos> (so it works for
 * both the 'final' and 'intermediates' encodings).
 *
 * | name                     | family          | prediction                                                      |
 * |--------------------------|-----------------|-----------------------------------------------------------------|
 * | true composition         | truth           | tk(…t1(x))                                                      |
 * | first table only         | single table    | t1(x)                                                           |
 * | last table only          | single table    | tk(x)                                                           |
 * | reversed composition     | order           | t1(…tk(x))                                                      |
 * | drop first table         | drop one table  | tk(…t2(x)), when that shorter composition was seen               |
 * | drop last table          | drop one table  | tk−1(…t1(x)), when seen                                          |
 * | substitute tA→tB         | seen partner    | the composition with tA replaced by tB, when that one was seen  |
 * | identity (input copied)  | identity        | x                                                               |
 *
 * The structural relations (single table, order, drop) predict nothing for atomic rows (k = 1), where they
 * coincide with the truth.
 */
import { encodeLookupRow, lookupTokenIds, LookupEncoding } from '../../lib/tasks/lookup/encoding';
import { compositionName } from '../../lib/tasks/lookup/rows';
import { tableName } from '../../lib/tasks/lookup/tables';
import { LookupTask } from '../../lib/tasks/lookup/task';
import { EncodedExample } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { CandidateRelation } from './types';

export interface LookupRelationOptions {
  tables: readonly (readonly number[])[];
  bits: number;
  /** Compositions (table indices, application order) seen in training: the partners of substitutions and drops. */
  seen: readonly (readonly number[])[];
  encoding?: LookupEncoding;
  /** Label id of a composition for representatives (−1 when unknown). */
  compositionId?: (tables: readonly number[]) => number;
}

/** Input value and tables of a lookup prompt, or undefined when the tokens are not a lookup prompt. */
export function parseLookupPrompt(prompt: readonly number[], bits: number, numTables: number): { input: number; tables: number[] } | undefined {
  const ids = lookupTokenIds(numTables);
  if (prompt.length < bits + 2 || prompt[prompt.length - 1] !== ids.dot) return undefined;
  let input = 0;
  for (let i = 0; i < bits; i++) {
    if (prompt[i] !== 0 && prompt[i] !== 1) return undefined;
    input = input * 2 + prompt[i];
  }
  const tables: number[] = [];
  for (let i = bits; i < prompt.length - 1; i++) {
    const t = prompt[i] - 2;
    if (t < 0 || t >= numTables) return undefined;
    tables.push(t);
  }
  return { input, tables };
}

/** The final value in answer tokens: the `bits` tokens before the closing <eos>; undefined when malformed. */
export function decodeLookupValue(tokens: readonly number[], bits: number, numTables: number): number | undefined {
  const eos = lookupTokenIds(numTables).eos;
  const n = tokens.length;
  if (n < bits + 1 || tokens[n - 1] !== eos) return undefined;
  let v = 0;
  for (let i = n - 1 - bits; i < n - 1; i++) {
    if (tokens[i] !== 0 && tokens[i] !== 1) return undefined;
    v = v * 2 + tokens[i];
  }
  return v;
}

export function lookupRelations(options: LookupRelationOptions): CandidateRelation[] {
  const { tables, bits, seen } = options;
  const N = tables.length;
  if (N < 1 || !Number.isInteger(bits) || bits < 1) throw new ComplensError('lookupRelations: expected tables and a positive bit count');
  const encoding = options.encoding ?? 'final';
  const seenKeys = new Set(seen.map((s) => compositionName(s)));
  const isSeen = (seq: readonly number[]) => seenKeys.has(compositionName(seq));
  const apply = (x: number, seq: readonly number[]) => seq.reduce((v, t) => tables[t][v], x);
  const decode = (tokens: readonly number[]) => decodeLookupValue(tokens, bits, N);
  const parse = (ex: EncodedExample) => parseLookupPrompt(ex.prompt, bits, N);
  const encode = (input: number, seq: readonly number[]) =>
    encodeLookupRow({ input, tables: seq.slice() }, tables as number[][], bits, encoding, options.compositionId?.(seq) ?? -1);

  /** A relation defined by the composition it substitutes (undefined: no prediction for this example). */
  const byComposition = (
    name: string,
    family: string,
    description: string,
    map: (seq: number[]) => number[] | undefined,
  ): CandidateRelation => ({
    name,
    family,
    description,
    decode,
    predict(ex) {
      const row = parse(ex);
      const seq = row && map(row.tables);
      return row && seq ? apply(row.input, seq) : undefined;
    },
    representative(ex) {
      const row = parse(ex);
      const seq = row && map(row.tables);
      return row && seq ? encode(row.input, seq) : undefined;
    },
  });
  const composed = (fn: (seq: number[]) => number[] | undefined) => (seq: number[]) => (seq.length >= 2 ? fn(seq) : undefined);

  const relations: CandidateRelation[] = [
    {
      name: 'true composition',
      family: 'truth',
      description: 'the correct final value: the model is right',
      decode,
      isTruth: true,
      predict(ex) {
        const row = parse(ex);
        return row ? apply(row.input, row.tables) : undefined;
      },
    },
    byComposition('first table only', 'single table', 'only the first table is applied to the input', composed((s) => [s[0]])),
    byComposition('last table only', 'single table', 'only the last table is applied to the input', composed((s) => [s[s.length - 1]])),
    byComposition('reversed composition', 'order', 'the tables are applied in reverse order', composed((s) => s.slice().reverse())),
    byComposition('drop first table', 'drop one table', 'the first table is skipped (when the rest is a seen composition)', composed((s) => (isSeen(s.slice(1)) ? s.slice(1) : undefined))),
    byComposition('drop last table', 'drop one table', 'the last table is skipped (when the rest is a seen composition)', composed((s) => (isSeen(s.slice(0, -1)) ? s.slice(0, -1) : undefined))),
  ];
  for (let A = 0; A < N; A++) {
    for (let B = 0; B < N; B++) {
      if (A === B) continue;
      relations.push(
        byComposition(
          `substitute ${tableName(A)}→${tableName(B)}`,
          'seen partner',
          `${tableName(A)} is replaced by ${tableName(B)}, giving a composition seen in training`,
          composed((s) => {
            for (let i = 0; i < s.length; i++) {
              if (s[i] !== A) continue;
              const sub = s.slice();
              sub[i] = B;
              if (isSeen(sub)) return sub;
            }
            return undefined;
          }),
        ),
      );
    }
  }
  relations.push({
    name: 'identity (input copied)',
    family: 'identity',
    description: 'the input value is copied to the output',
    decode,
    predict(ex) {
      return parse(ex)?.input;
    },
  });
  return relations;
}

/** The relations for a LookupTask, with the compositions of `idSplit` (default 'train') as the seen ones. */
export function lookupRelationsForTask(task: LookupTask, idSplit = 'train'): CandidateRelation[] {
  const compositions = task.labelNames().composition;
  const ids = new Map(compositions.map((name, i) => [name, i]));
  const seen = new Map<string, number[]>();
  for (const row of task.rows(idSplit)) seen.set(compositionName(row.tables), row.tables);
  return lookupRelations({
    tables: task.spec.tables,
    bits: task.spec.bits,
    seen: [...seen.values()],
    encoding: task.spec.encoding,
    compositionId: (seq) => ids.get(compositionName(seq)) ?? -1,
  });
}
