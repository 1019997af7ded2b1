/**
 * The guided search's data: the search task with a few *training* compositions held out as a validation set of
 * unseen compositions. Selection may look at those (and at the task's `validation` split and at internal evidence
 * on training data), never at `heldout_compositions`, the test split whose exact match is the zero-shot accuracy.
 *
 * Validation compositions are drawn (seeded) from the training split's multi-table compositions so that every
 * table keeps appearing at every position where it appeared before; the members then train on the remaining
 * rows, and all 2^bits inputs of each held-out composition form the validation set (its inputs in the
 * `validation`/`heldout_inputs` splits included, since none of them is trained on).
 */
import { createLookupTask, LookupRegime, LookupSpec, LookupTask } from '../../tasks/lookup';
import { compositionName, LookupRow, parseRowKey } from '../../tasks/lookup/rows';
import { encodeLookupRow } from '../../tasks/lookup/encoding';
import { EncodedExample } from '../../tasks/types';
import { ComplensError } from '../../util/errors';
import { Rng } from '../../util/random';

export interface GuidedData {
  /** Held-out training compositions (names like "t2 t4"), in a stable order. */
  validationCompositions: string[];
  /** What the members train on: the regime's training rows minus the validation compositions. */
  trainTask: LookupTask;
  /** The unchanged search task (every split): final models are evaluated on it exactly like brute force's. */
  evalTask: LookupTask;
  /** Every input of every validation composition. */
  valComps: EncodedExample[];
  /** The task's `validation` split (held-out inputs of seen compositions) without the validation compositions. */
  validation: EncodedExample[];
  /** The guided training split's examples (the rows the members see). */
  train: EncodedExample[];
}

function explicitRows(spec: LookupSpec): Record<string, string[]> {
  if (spec.split.kind !== 'explicit') throw new ComplensError('guided search: needs an explicit split (a sample), not a generated one');
  return spec.split.rows as Record<string, string[]>;
}

/**
 * Draws `count` multi-table training compositions to hold out (seeded), keeping every (table, position) pair of the
 * training compositions represented in the rest. Throws if no such choice is found.
 */
export function chooseValidationCompositions(spec: LookupSpec, count: number, seed: number): string[] {
  if (count === 0) return [];
  const rows = explicitRows(spec);
  const parse = (k: string) => parseRowKey(k, spec.bits, spec.tables.length) as LookupRow;
  const test = new Set((rows.heldout_compositions ?? []).map((k) => compositionName(parse(k).tables)));
  const byName = new Map<string, number[]>();
  for (const key of rows.train ?? []) {
    const row = parse(key);
    if (row.tables.length > 1) byName.set(compositionName(row.tables), row.tables);
  }
  const names = [...byName.keys()].filter((n) => !test.has(n)).sort();
  if (count >= names.length) throw new ComplensError(`--val-compositions ${count}: the training split has only ${names.length} compositions`);
  const pairsOf = (list: string[]) => {
    const s = new Set<string>();
    for (const n of list) byName.get(n)!.forEach((t, p) => s.add(`${t}@${p}`));
    return s;
  };
  const needed = pairsOf(names);
  const rng = new Rng(seed);
  for (let attempt = 0; attempt < 2000; attempt++) {
    const order = rng.permutation(names.length);
    const held = new Set(order.slice(0, count).map((i) => names[i]));
    const kept = pairsOf(names.filter((n) => !held.has(n)));
    if ([...needed].every((p) => kept.has(p))) return names.filter((n) => held.has(n));
  }
  throw new ComplensError(`--val-compositions ${count}: found no choice that keeps every table at every position in training; use fewer`);
}

/** Builds the guided data for one regime from the search's task spec (regime 'atomic+composed' in the config). */
export function guidedData(spec: LookupSpec, regime: LookupRegime, validationCompositions: readonly string[]): GuidedData {
  const rows = explicitRows(spec);
  const held = new Set(validationCompositions);
  const parse = (k: string) => parseRowKey(k, spec.bits, spec.tables.length) as LookupRow;
  const heldOf = (k: string) => held.has(compositionName(parse(k).tables));
  for (const name of held) {
    if ((rows.heldout_compositions ?? []).some((k) => compositionName(parse(k).tables) === name)) {
      throw new ComplensError(`guided search: validation composition ${name} is a test composition (heldout_compositions)`);
    }
  }
  const evalTask = createLookupTask({ ...spec, regime });
  const trainRows = (rows.train ?? []).filter((k) => !heldOf(k));
  const trainTask = createLookupTask({ ...spec, regime, split: { kind: 'explicit', rows: { ...rows, train: trainRows } } });
  const size = 2 ** spec.bits;
  const valCompRows: LookupRow[] = [];
  for (const name of validationCompositions) {
    const tables = parse(`${'0'.repeat(spec.bits)} ${name}`).tables;
    for (let x = 0; x < size; x++) valCompRows.push({ input: x, tables });
  }
  const encode = (r: LookupRow) => encodeLookupRow(r, spec.tables, spec.bits, spec.encoding, 0);
  const validationRows = (rows.validation ?? []).filter((k) => !heldOf(k)).map(parse);
  return {
    validationCompositions: [...validationCompositions],
    trainTask,
    evalTask,
    valComps: valCompRows.map(encode),
    validation: validationRows.map(encode),
    train: trainTask.split('train').examples,
  };
}
