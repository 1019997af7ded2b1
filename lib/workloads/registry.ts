/**
 * Workloads by name. A job's `task.kind`, a task's `kind` and a checkpoint's `task.kind` select the entry; commands,
 * the job runner and the experiments ask it instead of testing which workload they hold. Adding a workload is one
 * folder and one `registerWorkload(entry)` call (the four below, or one in user code / a test).
 *
 * The verdict and report sections of a workload are registered separately, from probes/ (probes/verdict/registry.ts),
 * under the same name: lib never imports probes.
 */
import { AnyModel } from '../models/types';
import { registerTask, taskKinds } from '../tasks/registry';
import { TaskBase } from '../tasks/types';
import { ComplensError, ConfigError } from '../util/errors';
import { arithmeticWorkload } from './arithmetic';
import { hyperteacherWorkload } from './hyperteacher';
import { lookupWorkload } from './lookup';
import { subroutinesWorkload } from './subroutines';
import { AnyWorkload, JobProgressOptions, ModelKindFilter, SkippedSplit, WorkloadJob, WorkloadJobResult } from './types';

/** The workload of a job whose task section names none (the CLI's and configs' default). */
export const DEFAULT_WORKLOAD = 'lookup';

const workloads = new Map<string, AnyWorkload>();

/** Adds (or replaces) a workload; its task family too, when the entry carries one. */
export function registerWorkload(entry: AnyWorkload): void {
  if (entry.task) registerTask(entry.name, entry.task);
  else if (!taskKinds().includes(entry.name)) throw new ComplensError(`registerWorkload(${JSON.stringify(entry.name)}): no task family of that name is registered; give the entry a task`);
  workloads.set(entry.name, entry);
}

/**
 * Adds fields to a registered workload (an instrument's part of the entry, attached from probes/, which lib never
 * imports): the entry is re-registered with them.
 */
export function extendWorkload(name: string, fields: Partial<AnyWorkload>): void {
  registerWorkload({ ...getWorkload(name, 'workload'), ...fields } as AnyWorkload);
}

/** Names of the registered workloads (optionally only those training one kind of model), in registration order. */
export function workloadNames(filter: ModelKindFilter = {}): string[] {
  return [...workloads.values()].filter((w) => !filter.modelKind || w.modelKind === filter.modelKind).map((w) => w.name);
}

/** The workload called `name`, or undefined. */
export function findWorkload(name: unknown): AnyWorkload | undefined {
  return typeof name === 'string' ? workloads.get(name) : undefined;
}

/** The workload called `name`; a ConfigError naming `field` and the registered names otherwise. */
export function getWorkload(name: unknown, field = 'task.kind'): AnyWorkload {
  const entry = findWorkload(name);
  if (!entry) throw new ConfigError(field, `one of ${workloadNames().map((k) => JSON.stringify(k)).join(', ')}`, name);
  return entry;
}

/** The workload of a job (its `task.kind`, lookup when absent). */
export function workloadOfJob(job: { task?: Record<string, unknown> }): AnyWorkload {
  return getWorkload(job.task?.kind ?? DEFAULT_WORKLOAD);
}

/**
 * The workload of a loaded task (its family), checked against the model: a model of the other kind (a vector model
 * on a sequence task) is refused with both named.
 */
export function workloadOf(task: TaskBase, model?: AnyModel, where = 'this checkpoint'): AnyWorkload {
  const entry = getWorkload(task.kind);
  if (model && model.kind !== entry.modelKind) {
    throw new ComplensError(`${where} holds a ${model.kind} model on the ${entry.name} task, which trains ${entry.modelKind} models`);
  }
  return entry;
}

/** Splits of its task the model cannot read (e.g. longer than its block size), with the reason. */
export function unreadableSplits(model: AnyModel, task: TaskBase): SkippedSplit[] {
  return workloadOf(task, model).unreadableSplits?.(model, task) ?? [];
}

/** Trains one job of any workload: resolve, train (resuming a killed run), evaluate every split, save. */
export function trainJob(job: WorkloadJob, options?: JobProgressOptions): Promise<WorkloadJobResult> {
  return workloadOfJob(job).train(job, options);
}

registerWorkload(lookupWorkload);
registerWorkload(arithmeticWorkload);
registerWorkload(hyperteacherWorkload);
registerWorkload(subroutinesWorkload);
