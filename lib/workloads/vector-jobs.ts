/**
 * The vector-workload entry points by name (hyperteacher, subroutines, or any registered vector workload): train a
 * job, resolve it, and evaluate a model as its job did, each by looking the workload up in the registry. The job
 * machinery itself is lib/train/vector-job.ts; the per-workload parts are lib/workloads/<name>.
 */
import { AnyModel, VectorModel } from '../models/types';
import { createTask } from '../tasks/registry';
import { TaskBase, VectorTask } from '../tasks/types';
import { ResolvedVectorJob, VectorJobOptions, VectorJobResult, VectorJobTraining, VectorTrainJob } from '../train/vector-job';
import { ComplensError, ConfigError } from '../util/errors';
import { requireObject } from '../util/validate';
import { hyperteacherWorkload } from './hyperteacher';
import { HyperteacherEvaluation } from './hyperteacher/evaluate';
import { findWorkload, workloadNames } from './registry';
import { subroutinesWorkload } from './subroutines';
import { SubroutineEvaluation } from './subroutines/evaluate';
import { EvaluationRow, VectorWorkloadEntry } from './vector';

/** The built-in vector workloads. */
export const VECTOR_WORKLOADS = ['hyperteacher', 'subroutines'] as const;
export type VectorWorkload = (typeof VECTOR_WORKLOADS)[number];
/** The evaluation of a built-in vector workload. */
export type VectorEvaluation = HyperteacherEvaluation | SubroutineEvaluation;

/** The built-in vector workloads' defaults (docs/workloads.md says how they relate to the papers' settings). */
export const VECTOR_JOB_DEFAULTS: Record<VectorWorkload, { task: Record<string, unknown>; model: Record<string, unknown>; training: Partial<VectorJobTraining> }> = {
  hyperteacher: hyperteacherWorkload.objective.defaults,
  subroutines: subroutinesWorkload.objective.defaults,
};

export function isVectorWorkload(kind: unknown): boolean {
  return findWorkload(kind)?.modelKind === 'vector';
}

/** The registered vector workload called `kind`; a ConfigError naming `field` and the vector workloads otherwise. */
export function vectorWorkloadOf(kind: unknown, field = 'task.kind'): VectorWorkloadEntry {
  const entry = findWorkload(kind);
  if (entry?.modelKind !== 'vector') {
    throw new ConfigError(field, `one of ${workloadNames({ modelKind: 'vector' }).map((k) => JSON.stringify(k)).join(', ')}`, kind);
  }
  return entry as VectorWorkloadEntry;
}

/** Validates and completes a job; every problem is a ConfigError naming the field (task.modules, training.loss, …). */
export function resolveVectorJob(job: Omit<VectorTrainJob, 'out'>): ResolvedVectorJob {
  return vectorWorkloadOf(requireObject(job.task, 'task').kind).resolveJob(job) as unknown as ResolvedVectorJob;
}

/** Trains, evaluates and saves one vector job (resumable; reused when `out` holds this exact job). */
export async function trainVectorJob(input: VectorTrainJob, options: VectorJobOptions = {}): Promise<VectorJobResult<VectorEvaluation>> {
  const entry = vectorWorkloadOf(requireObject(input.task, 'task').kind);
  const result = await entry.train(input, options);
  return { ...result, job: result.job as unknown as ResolvedVectorJob } as VectorJobResult<VectorEvaluation>;
}

/** Builds the task of a resolved job (through the task registry, as loading a checkpoint does). */
export function taskOfJob(job: ResolvedVectorJob): VectorTask {
  return createTask(job.task) as VectorTask;
}

/** The default checkpoint directory of a resolved job: runs/<workload>-<key settings>-s<seed>. */
export function defaultVectorOut(job: ResolvedVectorJob): string {
  return vectorWorkloadOf(job.workload, 'workload').defaultOut(job as never);
}

export interface VectorEvalOptions {
  /** hyperteacher: tasks per split. */
  tasks?: number;
  /** Splits to score (default: every split of the task). */
  splits?: readonly string[];
}

/** Evaluates a vector model on its task as the task's workload scores it. */
export function evaluateVectorModel(model: VectorModel | AnyModel, task: TaskBase, options: VectorEvalOptions = {}): VectorEvaluation {
  const entry = findWorkload(task.kind);
  if (entry?.modelKind !== 'vector') throw new ComplensError(`task kind ${JSON.stringify(task.kind)} is not a vector workload (${workloadNames({ modelKind: 'vector' }).join(', ')})`);
  return (entry as VectorWorkloadEntry).objective.evaluate(model as VectorModel, task as VectorTask, options) as VectorEvaluation;
}

/**
 * Re-evaluates a loaded checkpoint exactly as its job did (same evaluation sets and sizes), so the result equals
 * the metrics saved in complens.json. `meta` is the loaded checkpoint's metadata.
 */
export function evaluateSavedVectorModel(model: VectorModel, task: TaskBase, meta: { training: Record<string, unknown> }, options: { splits?: readonly string[] } = {}): VectorEvaluation {
  return vectorWorkloadOf(task.kind).evaluate(model, task as VectorTask, { training: meta.training, splits: options.splits }) as VectorEvaluation;
}

/** Flat name → value pairs for tables, CSV and comparisons (split metrics plus the summary). */
export function flattenEvaluation(e: { workload: string }): Record<string, number> {
  return vectorWorkloadOf(e.workload, 'workload').metrics(e);
}

/** One row per split for printing: [split, count, metric name, value]. */
export function evaluationRows(e: { workload: string }): EvaluationRow[] {
  return vectorWorkloadOf(e.workload, 'workload').rows(e);
}
