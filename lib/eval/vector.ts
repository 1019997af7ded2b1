/**
 * Evaluation of a vector model (an MLP) on its vector task, as the papers score them:
 *  - hyperteacher (Redhardt et al. 2025, C.7): R² against the per-task variance baseline on fixed evaluation sets
 *    of the trained supports ('train', 'test' = in-distribution) and the held-out supports ('ood'), with the OOD
 *    set also broken down by support size |S|;
 *  - subroutines (Lepori et al. 2023, D.1/D.8): odd-one-out accuracy on every split, including the partitions
 *    only_A / only_B / both (the odd one differs only in subroutine A, only in B, or in both).
 * Everything is a pure function of (weights, task spec, options) on one backend, so evaluating a loaded checkpoint
 * reproduces the metrics saved with it exactly.
 */
import { VectorModel } from '../models/types';
import { Hyperteacher, HT_SPLITS, HtSplit, r2ByTask } from '../tasks/hyperteacher';
import { oddOneOutAccuracy, SUBROUTINE_SPLITS, SubroutineSplitName, SubroutineTask, subDiff } from '../tasks/subroutines';
import { TaskBase } from '../tasks/types';
import { ComplensError, ConfigError } from '../util/errors';
import { predictVectors } from '../train/vector';

/** C.5: 1024 test and 1024 OOD tasks. */
export const DEFAULT_EVAL_TASKS = 1024;
/** The label of the fixed evaluation sets (`Hyperteacher.evaluationTasks(split, n, label)`). */
export const EVAL_LABEL = 'eval';

export interface HyperteacherSplitResult {
  split: HtSplit;
  /** Tasks evaluated (each with samplesPerTask rows). */
  tasks: number;
  /** C.7's R² (mean over task, sample and output unit of 1 − (ŷ − y)²/var_task,unit). */
  r2: number;
  mse: number;
  /** (task, unit) pairs skipped because y was constant over the task's samples. */
  constantUnits: number;
}

export interface HyperteacherEvaluation {
  workload: 'hyperteacher';
  splits: HyperteacherSplitResult[];
  /** OOD R² by the number of active modules of the held-out support (key: |S|). */
  oodBySize: Record<string, { tasks: number; r2: number }>;
  /** Headline numbers: idR2 = test R² (fresh tasks on trained supports), oodR2, gap = idR2 − oodR2, trainR2. */
  summary: { idR2: number; oodR2: number; gap: number; trainR2: number };
}

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

export type VectorEvaluation = HyperteacherEvaluation | SubroutineEvaluation;

export interface HyperteacherEvalOptions {
  /** Tasks per split (default 1024, as C.5). */
  tasks?: number;
  splits?: readonly HtSplit[];
  label?: string;
}

export function evaluateHyperteacher(model: VectorModel, task: Hyperteacher, options: HyperteacherEvalOptions = {}): HyperteacherEvaluation {
  const count = options.tasks ?? DEFAULT_EVAL_TASKS;
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('evaluation.tasks', 'an integer >= 1', count);
  checkShapes(model, task.inputSize, task.outputSize, 'hyperteacher');
  const names = options.splits ?? HT_SPLITS;
  const label = options.label ?? EVAL_LABEL;
  const { samplesPerTask: S, outputSize: O, modules: M } = task.spec;
  const splits: HyperteacherSplitResult[] = [];
  const oodBySize: Record<string, { tasks: number; r2: number }> = {};
  for (const split of names) {
    if (!(HT_SPLITS as readonly string[]).includes(split)) throw new ComplensError(`unknown hyperteacher split ${JSON.stringify(split)}; the splits are ${HT_SPLITS.join(', ')}`);
    const b = task.evaluationTasks(split, count, label);
    const pred = predictVectors(model, b.batch);
    const r = r2ByTask(pred, b.targets, S, O);
    splits.push({ split, tasks: count, r2: r.r2, mse: r.mse, constantUnits: r.constantUnits });
    if (split === 'ood') {
      // perTask is the mean over the task's counted (sample, unit) terms, and every task has the same number of
      // them unless some unit is constant, so the mean of perTask within a size group is that group's R².
      const groups = new Map<number, number[]>();
      for (let t = 0; t < b.tasks; t++) {
        if (!Number.isFinite(r.perTask[t])) continue;
        const size = popcount(b.supports[t], M);
        groups.set(size, [...(groups.get(size) ?? []), r.perTask[t]]);
      }
      for (const size of [...groups.keys()].sort((a, c) => a - c)) {
        const values = groups.get(size)!;
        oodBySize[String(size)] = { tasks: values.length, r2: values.reduce((s, v) => s + v, 0) / values.length };
      }
    }
  }
  const get = (s: HtSplit) => splits.find((r) => r.split === s)?.r2 ?? NaN;
  const idR2 = get('test');
  const oodR2 = get('ood');
  return { workload: 'hyperteacher', splits, oodBySize, summary: { idR2, oodR2, gap: idR2 - oodR2, trainR2: get('train') } };
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

export interface VectorEvalOptions {
  /** hyperteacher: tasks per split. */
  tasks?: number;
  /** Splits to score (default: every split of the task). */
  splits?: readonly string[];
}

/** Evaluates a vector model on whichever vector task it came with (hyperteacher or subroutines). */
export function evaluateVectorModel(model: VectorModel, task: TaskBase, options: VectorEvalOptions = {}): VectorEvaluation {
  if (task instanceof Hyperteacher) {
    return evaluateHyperteacher(model, task, { tasks: options.tasks, splits: checkSplits(options.splits, HT_SPLITS) });
  }
  if (task instanceof SubroutineTask) return evaluateSubroutines(model, task, { splits: checkSplits(options.splits, SUBROUTINE_SPLITS) });
  const kind = (task.spec as { kind?: unknown } | undefined)?.kind;
  throw new ComplensError(`task kind ${JSON.stringify(kind)} is not a vector workload (hyperteacher, subroutines)`);
}

/** Flat name → value pairs for tables, CSV and comparisons (split metrics plus the summary). */
export function flattenEvaluation(e: VectorEvaluation): Record<string, number> {
  const out: Record<string, number> = { ...e.summary };
  if (e.workload === 'hyperteacher') {
    for (const s of e.splits) out[`${s.split}R2`] = s.r2;
    for (const [size, g] of Object.entries(e.oodBySize)) out[`oodR2_k${size}`] = g.r2;
  } else {
    for (const s of e.splits) out[s.split] = s.accuracy;
  }
  return out;
}

/** One row per split for printing: [split, count, metric name, value]. */
export function evaluationRows(e: VectorEvaluation): { split: string; count: number; metric: string; value: number }[] {
  if (e.workload === 'hyperteacher') return e.splits.map((s) => ({ split: s.split, count: s.tasks, metric: 'R²', value: s.r2 }));
  return e.splits.map((s) => ({ split: s.split, count: s.problems, metric: 'accuracy', value: s.accuracy }));
}

function checkSplits<T extends string>(splits: readonly string[] | undefined, known: readonly T[]): T[] | undefined {
  if (!splits) return undefined;
  const unknown = splits.filter((s) => !(known as readonly string[]).includes(s));
  if (unknown.length) throw new ComplensError(`unknown split ${unknown.join(', ')}; this task has ${known.join(', ')}`);
  return splits as T[];
}

function checkShapes(model: VectorModel, inputSize: number, outputSize: number, workload: string): void {
  if (model.inputSize !== inputSize || model.outputSize !== outputSize) {
    throw new ComplensError(
      `the model reads ${model.inputSize} and writes ${model.outputSize} values per row, but the ${workload} task has rows of ${inputSize} and ${outputSize} outputs`,
    );
  }
}

function popcount(mask: number, bits: number): number {
  let n = 0;
  for (let m = 0; m < bits; m++) n += (mask >>> m) & 1;
  return n;
}
