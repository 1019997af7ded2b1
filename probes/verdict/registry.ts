/**
 * The probes/ half of a workload entry: its verdict and report sections. lib/ never imports probes/, so the entry
 * type (lib/workloads/types.ts) is extended here with an optional `verdict`, and the built-in verdicts are attached
 * to the built-in workloads below. A workload defined elsewhere (user code, a test) carries its verdict in the one
 * entry it registers: `registerWorkload({ name, …, verdict: { label, judge, sections } })`.
 */
import { AnyModel } from '../../lib/models/types';
import { Section } from '../../lib/report';
import { ArithmeticTask } from '../../lib/tasks/arithmetic';
import { Task } from '../../lib/tasks/types';
import { extendWorkload, getWorkload, workloadNames } from '../../lib/workloads/registry';
import { arithmeticCheckpointSections } from './arithmetic-report';
import { arithmeticVerdict } from './arithmetic';
import { hyperteacherVerdict } from './hyperteacher';
import { lookupVerdict } from './lookup';
import { CheckpointSectionsOptions, lookupCheckpointSections } from './report';
import { DEFAULT_THRESHOLDS, Verdict } from './types';

export interface VerdictOptions {
  seed?: number;
  thresholds?: typeof DEFAULT_THRESHOLDS;
}

/** How a workload is judged and reported. */
export interface WorkloadVerdict<T extends Task = Task, M extends AnyModel = AnyModel, V extends Verdict = Verdict> {
  /** How the error for a checkpoint without a verdict names this one, e.g. 'lookup (sequence models)'. */
  label: string;
  /** Why this task has no verdict though its workload has one (e.g. 'mul' for multiplication), or undefined. */
  unsupported?(task: T): string | undefined;
  judge(model: M, task: T, options: VerdictOptions): V;
  /** Report sections for one checkpoint (default: the verdict's headline and its evidence table). */
  sections?(model: M, task: T, verdict: V, options: CheckpointSectionsOptions): Section[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkloadVerdict = WorkloadVerdict<any, any, any>;

declare module '../../lib/workloads/types' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Workload<T extends Task = Task, M extends AnyModel = AnyModel, E = unknown> {
    /** Its verdict and report sections (probes/verdict/registry.ts); absent when it has none. */
    readonly verdict?: WorkloadVerdict<T, M>;
  }
}

/** Attaches a verdict to a registered workload (re-registering the entry with it). */
export function registerVerdict(workload: string, verdict: AnyWorkloadVerdict): void {
  extendWorkload(workload, { verdict });
}

/** The verdict of a workload, or undefined when it has none. */
export function verdictOf(workload: string): AnyWorkloadVerdict | undefined {
  return getWorkload(workload, 'workload').verdict;
}

/** How the workloads with a verdict are listed in errors ('lookup (sequence models)', …). */
export function verdictLabels(): string[] {
  return workloadNames().flatMap((name) => verdictOf(name)?.label ?? []);
}

registerVerdict('lookup', { label: 'lookup (sequence models)', judge: lookupVerdict, sections: lookupCheckpointSections });
registerVerdict('arithmetic', {
  label: 'arithmetic addition (sequence models)',
  unsupported: (task: ArithmeticTask) => (task.spec.op === 'add' ? undefined : task.spec.op),
  judge: arithmeticVerdict,
  sections: arithmeticCheckpointSections,
});
registerVerdict('hyperteacher', { label: 'hyperteacher (MLPs)', judge: hyperteacherVerdict });
