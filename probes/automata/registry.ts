/**
 * The automaton instrument's part of a workload entry: how `complens extract-fsa` extracts an automaton from its
 * checkpoints and which ground truth it compares with. lib/ never imports probes/, so the entry type
 * (lib/workloads/types.ts) is extended here with an optional `automaton` (the probes/verdict/registry.ts pattern);
 * only lookup tables have a ground-truth automaton today.
 */
import { AnyModel, SequenceModel } from '../../lib/models/types';
import { LookupTask } from '../../lib/tasks/lookup';
import { Task } from '../../lib/tasks/types';
import { extendWorkload } from '../../lib/workloads/registry';
import { extractLookupAutomaton, LookupExtractionOptions, LookupExtractionResult } from './lookup-model';

/** How a workload's checkpoints yield an automaton compared with the task's. */
export interface WorkloadAutomaton<T extends Task = Task, M extends AnyModel = AnyModel> {
  extract(model: M, task: T, options: LookupExtractionOptions): LookupExtractionResult;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkloadAutomaton = WorkloadAutomaton<any, any>;

declare module '../../lib/workloads/types' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Workload<T extends Task = Task, M extends AnyModel = AnyModel, E = unknown> {
    /** How `complens extract-fsa` runs on its checkpoints (probes/automata/registry.ts); absent when it has none. */
    readonly automaton?: WorkloadAutomaton<T, M>;
  }
}

/** Attaches an automaton extraction to a registered workload (re-registering the entry with it). */
export function registerAutomaton(workload: string, automaton: AnyWorkloadAutomaton): void {
  extendWorkload(workload, { automaton });
}

registerAutomaton('lookup', { extract: (model: SequenceModel, task: LookupTask, options) => extractLookupAutomaton(model, task, options) });
