/**
 * Which module combinations are trained and which are held out (C.3, `split_module_combinations`). 'random' and
 * 'equal' resample until the training supports are compositional and connected; 'disconnected' and
 * 'non_compositional' are controls that violate exactly one of those coverage conditions.
 */
import { ComplensError } from '../../util/errors';
import { Rng } from '../../util/random';
import { comboModules, countCombinations, isCompositional, isConnected, moduleUsage } from './combinations';
import { HtSupport } from './spec';

export interface CombinationSplit {
  /** Supports the student trains (and is tested in-distribution) on. */
  train: Uint32Array;
  /** Held-out supports for OOD evaluation. */
  ood: Uint32Array;
  /** Draws the resampling loop needed (1 for the deterministic controls). */
  attempts: number;
  /** 'disconnected' only: the two module groups. */
  groups?: [number[], number[]];
}

export const MAX_SPLIT_ATTEMPTS = 1000;

export function splitCombinations(
  all: Uint32Array,
  options: { support: HtSupport; modules: number; maxActive: number; fracOod: number },
  rng: Rng,
): CombinationSplit {
  const { support, modules } = options;
  switch (support) {
    case 'random':
      return randomSplit(all, modules, Math.floor(all.length * options.fracOod), rng);
    case 'equal':
      return equalSplit(all, modules, all.length - Math.floor(all.length * options.fracOod), rng);
    case 'non_compositional': {
      const last = 1 << (modules - 1);
      return { train: all.filter((c) => !(c & last)), ood: all.filter((c) => (c & last) !== 0), attempts: 1 };
    }
    case 'disconnected':
      return disconnectedSplit(all, options, rng);
  }
}

function randomSplit(all: Uint32Array, modules: number, held: number, rng: Rng): CombinationSplit {
  for (let attempt = 1; attempt <= MAX_SPLIT_ATTEMPTS; attempt++) {
    const order = rng.permutation(all.length).map((i) => all[i]);
    const train = Uint32Array.from(order.slice(0, all.length - held));
    if (isCompositional(train, modules) && isConnected(train, modules)) {
      return { train, ood: Uint32Array.from(order.slice(all.length - held)), attempts: attempt };
    }
  }
  throw new ComplensError(
    `no random split of ${all.length} combinations holding out ${held} was compositional and connected in ${MAX_SPLIT_ATTEMPTS} tries; lower task.fracOod`,
  );
}

/**
 * Random split, then a local search that swaps training and held-out supports to balance module usage
 * (max − min ≤ 1), as `find_balanced_connected_compositional`: a swap is taken when it lowers the squared distance
 * of usage counts to their mean without raising the imbalance. Cost grows with train × held-out supports.
 */
function equalSplit(all: Uint32Array, modules: number, trainCount: number, rng: Rng): CombinationSplit {
  for (let attempt = 1; attempt <= MAX_SPLIT_ATTEMPTS; attempt++) {
    const order = rng.permutation(all.length).map((i) => all[i]);
    const inside = order.slice(0, trainCount);
    const outside = order.slice(trainCount);
    const usage = Array.from(moduleUsage(inside, modules));
    const spread = (u: number[]) => Math.max(...u) - Math.min(...u);
    let imbalance = spread(usage);
    while (imbalance > 1) {
      const mean = usage.reduce((a, b) => a + b, 0) / modules;
      const distance = (u: number[]) => u.reduce((s, v) => s + (v - mean) ** 2, 0);
      const current = distance(usage);
      let swapped = false;
      for (let i = 0; i < inside.length && !swapped; i++) {
        const leaving = comboModules(inside[i], modules);
        for (let j = 0; j < outside.length; j++) {
          const next = [...usage];
          for (const m of leaving) next[m]--;
          for (const m of comboModules(outside[j], modules)) next[m]++;
          const nextImbalance = spread(next);
          if (distance(next) < current && nextImbalance <= imbalance) {
            [inside[i], outside[j]] = [outside[j], inside[i]];
            usage.splice(0, modules, ...next);
            imbalance = nextImbalance;
            swapped = true;
            break;
          }
        }
      }
      if (!swapped) break;
    }
    const train = Uint32Array.from(inside);
    if (imbalance <= 1 && isCompositional(train, modules) && isConnected(train, modules)) {
      return { train, ood: Uint32Array.from(outside), attempts: attempt };
    }
  }
  throw new ComplensError(`no balanced, compositional and connected split of ${all.length} combinations in ${MAX_SPLIT_ATTEMPTS} tries; lower task.fracOod`);
}

/**
 * `pseudo_random_disconnected`: modules split into groups [0, s) and [s, M); only supports inside one group are
 * trained. s is the group size whose cross-group supports come closest to fracOod from below (else 1). If that
 * holds out fewer than fracOod, random within-group supports are held out too. Unlike the paper's code, that top-up
 * is redrawn until every module is still trained, so the control breaks connectivity only.
 */
function disconnectedSplit(all: Uint32Array, options: { modules: number; maxActive: number; fracOod: number }, rng: Rng): CombinationSplit {
  const { modules: M, maxActive: K, fracOod } = options;
  const total = all.length;
  let size = 1;
  let best = 0;
  for (let s = 1; s <= Math.floor(M / 2); s++) {
    const fraction = (total - countCombinations(s, Math.min(K, s)) - countCombinations(M - s, Math.min(K, M - s))) / total;
    if (fraction <= fracOod && fraction > best) [size, best] = [s, fraction];
  }
  const first = (1 << size) - 1;
  const within = (c: number) => (c & first) === c || (c & first) === 0;
  const valid = all.filter(within);
  const cross = all.filter((c) => !within(c));
  const groups: [number[], number[]] = [
    Array.from({ length: size }, (_, i) => i),
    Array.from({ length: M - size }, (_, i) => size + i),
  ];
  const extra = Math.floor((fracOod - cross.length / total) * total);
  if (extra <= 0) return { train: valid, ood: cross, attempts: 1, groups };
  if (extra >= valid.length) throw new ComplensError(`task.fracOod ${fracOod} would hold out every within-group combination`);
  for (let attempt = 1; attempt <= MAX_SPLIT_ATTEMPTS; attempt++) {
    const order = rng.permutation(valid.length).map((i) => valid[i]);
    const train = Uint32Array.from(order.slice(extra));
    if (isCompositional(train, M)) {
      return { train, ood: Uint32Array.from([...cross, ...order.slice(0, extra)]), attempts: attempt, groups };
    }
  }
  throw new ComplensError(`no disconnected split kept every module trained in ${MAX_SPLIT_ATTEMPTS} tries; lower task.fracOod`);
}
