/** The verdict's typed result: a label, an internal-evidence score, and the evidence table behind them. */

export type VerdictLabel = 'compositional' | 'partially compositional' | 'memorizing';

export interface EvidenceRow {
  /** Stable identifier, e.g. 'probe.stateAccuracy'. */
  id: string;
  instrument: 'behaviour' | 'probe' | 'automaton' | 'subnetworks' | 'equivalence';
  description: string;
  value: number;
  /** What the value is compared with (chance, control, a random-init model), when there is one. */
  baseline?: number;
  /** Internal evidence (computed without the held-out test data) enters the score; behaviour is reported beside it. */
  internal: boolean;
  /** The value mapped to [0, 1] where 1 is compositional, as used in the score (internal rows only). */
  normalized?: number;
}

export interface Verdict {
  label: VerdictLabel;
  /** Mean of the normalized internal evidence, in [0, 1]. */
  score: number;
  thresholds: { compositional: number; partial: number };
  evidence: EvidenceRow[];
  /** The held-out behaviour the verdict is meant to predict, for comparison (never used in the score). */
  behaviour: {
    split: string;
    /** The value of `metric` on `split` (named exactMatch for the sequence workloads, where it is one). */
    exactMatch: number;
    chance: number;
    /** What `exactMatch` measures when it is not exact match (e.g. 'R²' for the hyperteacher). */
    metric?: string;
    /** How printouts name an exact-match behaviour (default 'exact match'; the lookup verdict's is 'zero-shot'). */
    label?: string;
  };
  workload: string;
  backend: string;
  seconds: number;
}

export const DEFAULT_THRESHOLDS = { compositional: 0.8, partial: 0.55 };

export function labelFor(score: number, thresholds = DEFAULT_THRESHOLDS): VerdictLabel {
  if (score >= thresholds.compositional) return 'compositional';
  if (score >= thresholds.partial) return 'partially compositional';
  return 'memorizing';
}
