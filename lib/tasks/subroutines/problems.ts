/**
 * Odd-one-out problems (D.1): four items, three follow a rule and one (at a uniformly random position, the label)
 * breaks it. Which rule, and how the odd one breaks it, is the problem kind:
 *
 * | kind    | the three positives      | the odd one                                                        |
 * |---------|--------------------------|--------------------------------------------------------------------|
 * | base    | A ∧ B                    | vision: ¬A∧B, A∧¬B or ¬A∧¬B (⅓ each); language: ¬A∧B or A∧¬B (½ each) |
 * | subA    | A, B random per item     | ¬A, B random                                                       |
 * | subB    | B, A random per item     | ¬B, A random                                                       |
 * | only_A  | A ∧ B                    | ¬A ∧ B  (only subroutine A tells it apart)                         |
 * | only_B  | A ∧ B                    | A ∧ ¬B                                                             |
 * | both    | A ∧ B                    | ¬A ∧ ¬B                                                            |
 *
 * The base-task mixes follow the paper's generators (CVR task 103 draws the three violations uniformly; the
 * agreement task uses only single violations, since a plural subject with a plural verb is grammatical).
 */
import { VectorBatch } from '../../models/types';
import { Rng } from '../../util/random';
import { ItemFamily } from './items';
import { SubroutineVariant } from './spec';

export const ITEMS_PER_PROBLEM = 4;
export const PROBLEM_KINDS = ['base', 'subA', 'subB', 'only_A', 'only_B', 'both'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

type Flags = [a: boolean, b: boolean];

function draw(kind: ProblemKind, variant: SubroutineVariant, rng: Rng): { positive: () => Flags; odd: Flags } {
  const coin = () => rng.int(2) === 1;
  switch (kind) {
    case 'base': {
      const violations: Flags[] = variant === 'vision' ? [[false, true], [true, false], [false, false]] : [[false, true], [true, false]];
      return { positive: () => [true, true], odd: violations[rng.int(violations.length)] };
    }
    case 'subA':
      return { positive: () => [true, coin()], odd: [false, coin()] };
    case 'subB':
      return { positive: () => [coin(), true], odd: [coin(), false] };
    case 'only_A':
      return { positive: () => [true, true], odd: [false, true] };
    case 'only_B':
      return { positive: () => [true, true], odd: [true, false] };
    case 'both':
      return { positive: () => [true, true], odd: [false, false] };
  }
}

export interface ProblemSet {
  kind: ProblemKind;
  problems: number;
  itemSize: number;
  /** Items side by side, [problems, 4 · itemSize]. */
  batch: VectorBatch;
  /** Position of the odd one out, [problems]. */
  labels: Int32Array;
  /** Rule flags per item, [problems, 4, 2] as (A, B) with 1 = holds. */
  flags: Uint8Array;
  /** Symbolic attributes per item, [problems · 4]. */
  attributes: Record<string, number>[];
}

/** `count` problems of one kind: a pure function of (family, kind, variant, count, rng state). */
export function makeProblems(family: ItemFamily, kind: ProblemKind, variant: SubroutineVariant, count: number, rng: Rng): ProblemSet {
  const n = ITEMS_PER_PROBLEM;
  const w = family.itemSize;
  const inputs = new Float32Array(count * n * w);
  const labels = new Int32Array(count);
  const flags = new Uint8Array(count * n * 2);
  const attributes: Record<string, number>[] = [];
  for (let p = 0; p < count; p++) {
    const odd = rng.int(n);
    const rule = draw(kind, variant, rng);
    labels[p] = odd;
    for (let i = 0; i < n; i++) {
      const [a, b] = i === odd ? rule.odd : rule.positive();
      const item = family.sample(a, b, rng);
      inputs.set(item.features, (p * n + i) * w);
      flags[(p * n + i) * 2] = +a;
      flags[(p * n + i) * 2 + 1] = +b;
      attributes.push(item.attributes);
    }
  }
  return { kind, problems: count, itemSize: w, batch: { inputs, batchSize: count, inputSize: n * w }, labels, flags, attributes };
}

/** One row per item, [problems · 4, itemSize], with its A and B flags: data for probing item embeddings. */
export function itemRows(set: ProblemSet): { batch: VectorBatch; a: Uint8Array; b: Uint8Array } {
  const rows = set.problems * ITEMS_PER_PROBLEM;
  return {
    batch: { inputs: set.batch.inputs, batchSize: rows, inputSize: set.itemSize },
    a: Uint8Array.from({ length: rows }, (_, r) => set.flags[2 * r]),
    b: Uint8Array.from({ length: rows }, (_, r) => set.flags[2 * r + 1]),
  };
}
