/**
 * Evaluation of a hyperteacher MLP as Redhardt et al. 2025 score it (C.7): R² against the per-task variance baseline
 * on fixed evaluation sets of the trained supports ('train', 'test' = in-distribution) and the held-out supports
 * ('ood'), with the OOD set also broken down by support size |S|. A pure function of (weights, task spec, options)
 * on one backend, so evaluating a loaded checkpoint reproduces the metrics saved with it exactly.
 */
import { VectorModel } from '../../models/types';
import { Hyperteacher, HT_SPLITS, HtSplit, r2ByTask } from '../../tasks/hyperteacher';
import { ComplensError, ConfigError } from '../../util/errors';
import { predictVectors } from '../../train/vector';
import { checkShapes } from '../vector-eval';

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

/** Flat metrics: the summary, R² per split (trainR2, testR2, oodR2) and OOD R² per support size (oodR2_k1, …). */
export function hyperteacherMetrics(e: HyperteacherEvaluation): Record<string, number> {
  const out: Record<string, number> = { ...e.summary };
  for (const s of e.splits) out[`${s.split}R2`] = s.r2;
  for (const [size, g] of Object.entries(e.oodBySize)) out[`oodR2_k${size}`] = g.r2;
  return out;
}

function popcount(mask: number, bits: number): number {
  let n = 0;
  for (let m = 0; m < bits; m++) n += (mask >>> m) & 1;
  return n;
}
