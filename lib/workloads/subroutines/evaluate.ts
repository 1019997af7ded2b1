/**
 * Evaluation of a subroutine-task MLP as Lepori et al. 2023 score it (D.1/D.8): odd-one-out accuracy on every split,
 * including the partitions only_A / only_B / both (the odd one differs only in subroutine A, only in B, or in both).
 */
import { VectorModel } from '../../models/types';
import { oddOneOutAccuracy, SUBROUTINE_SPLITS, SubroutineSplitName, SubroutineTask, subDiff } from '../../tasks/subroutines';
import { predictVectors } from '../../train/vector';
import { checkShapes } from '../vector-eval';

export interface SubroutineSplitResult {
  split: SubroutineSplitName;
  problems: number;
  accuracy: number;
}

export interface SubroutineEvaluation {
  workload: 'subroutines';
  splits: SubroutineSplitResult[];
  /**
   * Headline numbers (test sets): base_test, subA_test, subB_test, only_A, only_B, both, plus
   * partitionGap = max(only_A, .25) − max(only_B, .25) (> 0: A is solved better than B; the same flooring as D.8).
   */
  summary: Record<string, number>;
}

export interface SubroutineEvalOptions {
  /** Splits to score (default: all fifteen). */
  splits?: readonly SubroutineSplitName[];
}

export function evaluateSubroutines(model: VectorModel, task: SubroutineTask, options: SubroutineEvalOptions = {}): SubroutineEvaluation {
  checkShapes(model, task.inputSize, 4, 'subroutines');
  const names = options.splits ?? SUBROUTINE_SPLITS;
  const splits = names.map((name) => {
    const split = task.split(name);
    const logits = predictVectors(model, split.batch);
    return { split: name, problems: split.problems, accuracy: oddOneOutAccuracy(logits, split.labels) };
  });
  const summary: Record<string, number> = {};
  for (const key of ['base_test', 'subA_test', 'subB_test', 'only_A', 'only_B', 'both'] as const) {
    const hit = splits.find((s) => s.split === key);
    if (hit) summary[key] = hit.accuracy;
  }
  if (summary.only_A !== undefined && summary.only_B !== undefined) summary.partitionGap = subDiff(summary.only_A, summary.only_B);
  return { workload: 'subroutines', splits, summary };
}

/** Flat metrics: the summary and the accuracy of every split by its name. */
export function subroutineMetrics(e: SubroutineEvaluation): Record<string, number> {
  const out: Record<string, number> = { ...e.summary };
  for (const s of e.splits) out[s.split] = s.accuracy;
  return out;
}
