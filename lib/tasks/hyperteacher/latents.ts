/**
 * Task latents z ∈ R^M for a support (C.1.1). Fresh weights are drawn every time a task is sampled: what is held
 * out is the support pattern, never particular weights.
 */
import { Rng } from '../../util/random';
import { HtWeights } from './spec';

export const DISCRETE_WEIGHTS = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0] as const;

export function sampleLatent(support: number, modules: number, weights: HtWeights, rng: Rng): Float32Array {
  const z = new Float32Array(modules);
  const active: number[] = [];
  for (let m = 0; m < modules; m++) if ((support >>> m) & 1) active.push(m);
  switch (weights) {
    case 'khot':
      for (const m of active) z[m] = 1;
      break;
    case 'discrete':
      for (const m of active) z[m] = DISCRETE_WEIGHTS[rng.int(DISCRETE_WEIGHTS.length)];
      break;
    case 'continuous': {
      // Exponential draws normalised by (sum + 1): a uniform point in the simplex's interior (Willms 2021), then
      // shifted into [0.5, 1] so no active module is nearly switched off.
      const e = active.map(() => -Math.log(1 - rng.next()));
      const sum = e.reduce((a, b) => a + b, 0) + 1;
      active.forEach((m, i) => (z[m] = 0.5 * (e[i] / sum) + 0.5));
      break;
    }
  }
  return z;
}
