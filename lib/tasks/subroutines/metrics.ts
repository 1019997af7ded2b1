/** Scores for the odd-one-out tasks and the subnetwork / ablation tests of Lepori et al. (D.8). */
import { ITEMS_PER_PROBLEM } from './problems';

export const CHANCE = 1 / ITEMS_PER_PROBLEM;

/** Fraction of rows whose highest logit is at the labelled position (ties go to the first). logits: [rows, items]. */
export function oddOneOutAccuracy(logits: ArrayLike<number>, labels: ArrayLike<number>, items = ITEMS_PER_PROBLEM): number {
  if (logits.length !== labels.length * items) throw new Error(`oddOneOutAccuracy: ${logits.length} logits for ${labels.length} rows of ${items}`);
  let right = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let i = 1; i < items; i++) if (logits[r * items + i] > logits[r * items + best]) best = i;
    if (best === labels[r]) right++;
  }
  return labels.length ? right / labels.length : NaN;
}

/**
 * Both tests compare a target partition (the odd one differs only in the masked subroutine) with the other one,
 * flooring accuracies at chance so that below-chance noise cannot fake a difference.
 * Subnetwork test: expected > 0 (max 0.75).
 */
export function subDiff(accTarget: number, accOther: number): number {
  return Math.max(accTarget, CHANCE) - Math.max(accOther, CHANCE);
}

/** Ablation test (the complement of the subnetwork): expected < 0 (min −0.75). Same formula as subDiff. */
export function ablDiff(accTarget: number, accOther: number): number {
  return Math.max(accTarget, CHANCE) - Math.max(accOther, CHANCE);
}

/** D.8's mapping: a mask for subroutine A is scored on only_A (target) against only_B (other), and vice versa. */
export function partitionsFor(subroutine: 'A' | 'B', set: 'test' | 'val' = 'test'): { target: string; other: string } {
  const suffix = set === 'val' ? '_val' : '';
  return subroutine === 'A' ? { target: `only_A${suffix}`, other: `only_B${suffix}` } : { target: `only_B${suffix}`, other: `only_A${suffix}` };
}
