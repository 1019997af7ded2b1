/**
 * Cross-validation splitters as objects (sklearn's model_selection): the split scheme is a value you pass around,
 * so probe, control task and baseline can all be scored on exactly the same folds.
 */
import { Rng } from '../../lib/util/random';
import { requireBoolean, requireInt, requireNumber } from '../../lib/util/validate';
import { ProbeInputError } from './errors';

export type GroupKey = string | number;

export interface Split {
  /** Row indices to fit on. */
  train: Int32Array;
  /** Row indices to score on. */
  test: Int32Array;
}

export interface Splitter {
  readonly nSplits: number;
  /** The folds for `rows` rows; `groups` (one key per row) is required by group-aware splitters. */
  split(rows: number, groups?: readonly GroupKey[]): Split[];
}

/** k contiguous folds (first rows % k folds one row larger), optionally over a seeded shuffle of the rows. */
export class KFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number;

  constructor(options: { k?: number; shuffle?: boolean; seed?: number } = {}) {
    this.nSplits = requireInt(options.k ?? 5, 'kfold.k', 2);
    this.shuffle = requireBoolean(options.shuffle ?? false, 'kfold.shuffle');
    this.seed = requireNumber(options.seed ?? 0, 'kfold.seed');
  }

  split(rows: number): Split[] {
    if (rows < this.nSplits) throw new ProbeInputError('X', `${rows} rows cannot be split into ${this.nSplits} folds`);
    const order = this.shuffle ? new Rng(this.seed).permutation(rows) : Array.from({ length: rows }, (_, i) => i);
    const fold = new Int32Array(rows);
    let start = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const size = Math.floor(rows / this.nSplits) + (f < rows % this.nSplits ? 1 : 0);
      for (let i = start; i < start + size; i++) fold[order[i]] = f;
      start += size;
    }
    return foldsToSplits(fold, this.nSplits);
  }
}

/**
 * k folds in which every group lies wholly in one fold, so no group is ever both fitted on and scored on (rows of
 * one example across timesteps, or every use of a held-out primitive). Like sklearn: groups are dealt largest
 * first to the currently smallest fold, which balances fold sizes and needs no randomness.
 */
export class GroupKFold implements Splitter {
  readonly nSplits: number;

  constructor(options: { k?: number } = {}) {
    this.nSplits = requireInt(options.k ?? 5, 'groupKFold.k', 2);
  }

  split(rows: number, groups?: readonly GroupKey[]): Split[] {
    if (!groups) throw new ProbeInputError('groups', 'GroupKFold needs one group key per row');
    if (groups.length !== rows) throw new ProbeInputError('groups', `has ${groups.length} keys but X has ${rows} rows`);
    const { keys, index } = groupIndex(groups);
    if (keys.length < this.nSplits) {
      throw new ProbeInputError('groups', `${keys.length} distinct groups cannot fill ${this.nSplits} folds; lower k`);
    }
    const sizes = new Array<number>(keys.length).fill(0);
    for (const g of index) sizes[g]++;
    // Stable order: by size descending, then by key order, so results do not depend on row order.
    const byDescendingSize = keys.map((_, g) => g).sort((a, b) => sizes[b] - sizes[a] || a - b);
    const foldOfGroup = new Int32Array(keys.length);
    const foldSize = new Array<number>(this.nSplits).fill(0);
    for (const g of byDescendingSize) {
      let f = 0;
      for (let c = 1; c < this.nSplits; c++) if (foldSize[c] < foldSize[f]) f = c;
      foldOfGroup[g] = f;
      foldSize[f] += sizes[g];
    }
    return foldsToSplits(index.map((g) => foldOfGroup[g]), this.nSplits);
  }
}

/** Distinct group keys in sorted order (numbers numerically, then strings) and each row's position among them. */
export function groupIndex(groups: readonly GroupKey[]): { keys: GroupKey[]; index: Int32Array } {
  const distinct = Array.from(new Set(groups));
  distinct.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  });
  const position = new Map<GroupKey, number>(distinct.map((k, i) => [k, i]));
  return { keys: distinct, index: Int32Array.from(groups, (g) => position.get(g) as number) };
}

function foldsToSplits(fold: Int32Array, k: number): Split[] {
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    fold.forEach((v, i) => (v === f ? test : train).push(i));
    splits.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return splits;
}
