/**
 * Which (a, b) pairs each split holds. In-distribution operands are 0..999; the OOD splits put non-zero digits
 * where training never did. All but `ood_length` keep padWidth, so OOD inputs have the same length and positions as
 * training inputs (the paper's point: the shift is in values at fixed positions, not in length).
 */
import { Rng } from '../../util/random';
import { ArithmeticSpec, ArithmeticSplitName } from './spec';

/** A finite set of operand values, indexable so pairs can be sampled without replacement. */
export interface OperandSet {
  count: number;
  value(index: number): number;
}

function range(lo: number, hiExclusive: number): OperandSet {
  return { count: hiExclusive - lo, value: (i) => lo + i };
}

/** Values h·10^place + l with h in 1..9 and l in 0..999: a new top digit over an in-distribution low part. */
function topDigitOverId(place: number): OperandSet {
  return { count: 9000, value: (i) => (1 + Math.floor(i / 1000)) * 10 ** place + (i % 1000) };
}

export interface SplitOperands {
  a: OperandSet;
  b: OperandSet;
  /** Operand width of this split's prompts: padWidth, except padWidth + 1 for `ood_length`. */
  padWidth: number;
}

export function splitOperands(split: ArithmeticSplitName, padWidth: number): SplitOperands {
  const id = range(0, 1000);
  const four = topDigitOverId(3); // = 1000..9999, written as the paper builds it: h·1000 + l
  switch (split) {
    case 'train':
    case 'test':
      return { a: id, b: id, padWidth };
    case 'ood_4digit':
      return { a: four, b: four, padWidth };
    case 'ood_5digit':
      return { a: range(10000, 100000), b: range(10000, 100000), padWidth };
    case 'ood_mixed':
      return { a: four, b: id, padWidth };
    case 'ood_length':
      return { a: topDigitOverId(padWidth), b: topDigitOverId(padWidth), padWidth: padWidth + 1 };
  }
}

/**
 * k distinct index pairs from an na × nb grid, in draw order. A sparse Fisher–Yates over the flat index is exact
 * and O(k) for any k; pools beyond 2^32 (the Rng's resolution) use rejection, where collisions are negligible.
 */
export function sampleDistinctPairs(rng: Rng, na: number, nb: number, k: number): [number, number][] {
  const n = na * nb;
  const out: [number, number][] = [];
  if (n > 2 ** 32) {
    const seen = new Set<number>();
    while (out.length < k) {
      const i = rng.int(na);
      const j = rng.int(nb);
      const key = i * nb + j;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([i, j]);
    }
    return out;
  }
  const swapped = new Map<number, number>();
  for (let t = 0; t < k; t++) {
    const r = t + rng.int(n - t);
    const pick = swapped.get(r) ?? r;
    swapped.set(r, swapped.get(t) ?? t);
    out.push([Math.floor(pick / nb), pick % nb]);
  }
  return out;
}

/** The (a, b) pairs of one split. Train and test come from one draw so they are disjoint. */
export function splitPairs(spec: ArithmeticSpec, split: ArithmeticSplitName): [number, number][] {
  const { a, b } = splitOperands(split, spec.padWidth);
  const toValues = (pairs: [number, number][]) => pairs.map(([i, j]): [number, number] => [a.value(i), b.value(j)]);
  if (split === 'train' || split === 'test') {
    const { train, test } = spec.sizes;
    const pairs = sampleDistinctPairs(Rng.derive(spec.seed, 'id'), a.count, b.count, train + test);
    return toValues(split === 'train' ? pairs.slice(0, train) : pairs.slice(train));
  }
  return toValues(sampleDistinctPairs(Rng.derive(spec.seed, split), a.count, b.count, spec.sizes[split]));
}
