/**
 * The subnetwork instrument's part of a workload entry: how `complens ablate` runs on its checkpoints. lib/ never
 * imports probes/, so the entry type (lib/workloads/types.ts) is extended here with an optional `ablation`, attached to
 * the built-in workloads below (the probes/verdict/registry.ts pattern); a workload without one has no ablation.
 */
import { AnyModel, SequenceModel, VectorModel } from '../../lib/models/types';
import { LookupTask } from '../../lib/tasks/lookup';
import { SubroutineTask } from '../../lib/tasks/subroutines';
import { Task } from '../../lib/tasks/types';
import { UsageError } from '../../lib/util/errors';
import { extendWorkload } from '../../lib/workloads/registry';
import { AblationOutput, subroutineOutput, tableOutput, tablesFromTarget } from './ablation-output';
import { MaskTrainConfig } from './config';
import { subroutineMaskSearch } from './mask-search';
import { subroutineAnalysis } from './subroutine-analysis';
import { tableSubnetworks } from './table-subnetworks';

export type { AblationOutput, OutputBlock } from './ablation-output';
export { tablesFromTarget } from './ablation-output';

/** What `complens ablate` asks of a workload: its flags, already validated where they are workload-independent. */
export interface AblationRequest<T extends Task = Task, M extends AnyModel = AnyModel> {
  model: M;
  task: T;
  /** --subroutine as given ('all', 'A', 'table:t2', …); each workload reads its own forms. */
  target: string;
  /** D.7 mask-setting candidates (--grid), when given. */
  grid?: Partial<MaskTrainConfig>[];
  mask: Partial<MaskTrainConfig>;
  seeds: number[];
  heldOut: 'val' | 'test';
  randomInit: boolean;
  withComposed: boolean;
  onProgress(label: string, step: number, total: number, detail: string): void;
}

/** How a workload's checkpoints are ablated. */
export interface WorkloadAblation<T extends Task = Task, M extends AnyModel = AnyModel> {
  run(request: AblationRequest<T, M>): Promise<AblationOutput>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkloadAblation = WorkloadAblation<any, any>;

declare module '../../lib/workloads/types' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Workload<T extends Task = Task, M extends AnyModel = AnyModel, E = unknown> {
    /** How `complens ablate` runs on its checkpoints (probes/subnetworks/registry.ts); absent when it has none. */
    readonly ablation?: WorkloadAblation<T, M>;
  }
}

/** Attaches an ablation to a registered workload (re-registering the entry with it). */
export function registerAblation(workload: string, ablation: AnyWorkloadAblation): void {
  extendWorkload(workload, { ablation });
}

// Break It Down (D.6–D.9): masks for subroutine A, B or both, with the optional D.7 mask search.
registerAblation('subroutines', {
  async run(r: AblationRequest<SubroutineTask, VectorModel>) {
    const subroutine = r.target === 'A' || r.target === 'B' ? r.target : r.target === 'all' || r.target === 'both' ? 'both' : undefined;
    if (!subroutine) throw new UsageError(`ablate: --subroutine for a subroutine-task checkpoint is A, B or all; got ${JSON.stringify(r.target)}`);
    const search = r.grid ? await subroutineMaskSearch({ model: r.model, task: r.task, subroutine, candidates: r.grid, base: r.mask, onProgress: r.onProgress }) : undefined;
    const result = await subroutineAnalysis({
      model: r.model,
      task: r.task,
      subroutine,
      seeds: r.seeds,
      config: { mask: r.mask, maskBySubroutine: search?.maskBySubroutine, heldOut: r.heldOut, randomInit: r.randomInit },
      onProgress: r.onProgress,
    });
    return subroutineOutput(result, search);
  },
});

// One subnetwork per lookup table (and optionally per composition).
registerAblation('lookup', {
  async run(r: AblationRequest<LookupTask, SequenceModel>) {
    if (r.grid) throw new UsageError('ablate: --grid (the D.7 mask search) applies to subroutine-task checkpoints; lookup tables use one mask config');
    const tables = tablesFromTarget(r.target, r.task.spec.tables.length);
    const result = await tableSubnetworks(r.model, r.task, { tables, mask: { ...r.mask, seed: r.seeds[0] }, includeComposed: r.withComposed }, { onProgress: r.onProgress });
    return tableOutput(result);
  },
});
