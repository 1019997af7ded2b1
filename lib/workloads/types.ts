/**
 * The Workload concept: everything complens knows about one family of experiments (a task family, its papers'
 * defaults, the model it trains, how it is trained and scored, how it is swept and benchmarked) in one registry
 * entry, so that commands, the job runner and the experiments look a workload up instead of testing which one they
 * hold. The verdict and report sections of a workload live in probes/ (lib never imports probes/) and are
 * registered there under the same name (probes/verdict/registry.ts).
 *
 * Adding a workload is one folder (its task, its entry) plus one `registerWorkload(entry)` call.
 */
import type { AnyModel } from '../models/types';
import type { TaskEntry } from '../tasks/registry';
import type { Task } from '../tasks/types';
import type { SkippedSplit } from '../train/evaluate';
import type { JobOptions } from '../train/job';
import type { VectorJobOptions } from '../train/vector-job';

export type { SkippedSplit };

/** The three sections of a job as plain JSON (a `--config` file, flags, a sweep's grid point). */
export interface JobSections {
  /** The task spec or a shorthand the workload resolves; `kind` names the workload. */
  task: Record<string, unknown>;
  /** The model config without the sizes the task determines (vocabulary, input and output widths). */
  model: Record<string, unknown>;
  training: Record<string, unknown>;
}

/** A job as plain JSON: every field but `task.kind` may be omitted (the workload's defaults fill it). */
export interface WorkloadJob extends JobSections {
  /** Initialisation seed (also the default data-order seed, and the task seed of workloads whose task has one). */
  seed: number;
  /** Checkpoint directory; omit to train and evaluate without saving. */
  out?: string;
}

/** A job completed with the defaults and validated: what complens.json records and what resume and reuse compare. */
export interface ResolvedJob extends JobSections {
  workload: string;
  seed: number;
}

/** A column of an evaluation table: how its numbers are shown. */
export interface TableColumn {
  name: string;
  format?: 'percent' | 'number';
}

/** An evaluation ready to print: a table (first column the split) and headline lines under it. */
export interface EvaluationTable {
  columns: TableColumn[];
  rows: (string | number)[][];
  notes: string[];
}

/**
 * A flag of `complens train` that only this workload reads (flags of every workload of a model kind, such as the
 * width of an MLP, belong to the model kind; common ones such as --seed to the command). Setting it for another
 * workload is a usage error naming the workload it applies to.
 */
export interface WorkloadFlag {
  name: string;
  type: 'int' | 'number' | 'string';
  choices?: readonly string[];
  /** Placeholder in --help (e.g. 'M'). */
  value?: string;
  help: string;
  /** Other spellings (old names kept working with a deprecation line). */
  aliases?: readonly { name: string; deprecated?: boolean }[];
  /** The job field it sets, as section.field (e.g. 'task.modules'); nested fields merge (task.sizes.train). */
  field: string;
}

/** A grid axis a sweep may walk besides width and seed: a job field and the values it takes by default. */
export interface SweepAxis {
  /** Name in results rows and the flag's name (camelCase; the flag is kebab-case, e.g. fracOod → --frac-ood). */
  name: string;
  /** The job field it sets, as section.field (e.g. 'task.fracOod'). */
  field: string;
  type: 'number' | 'string';
  defaults: readonly (number | string)[];
  choices?: readonly string[];
  help: string;
}

/** How a workload is swept (`complens sweep`): its axes, and the metrics its tables and charts show. */
export interface WorkloadSweep {
  axes: readonly SweepAxis[];
  /** Metrics (keys of `Workload.metrics`) drawn against width, with their labels. */
  chartMetrics: readonly { key: string; label: string }[];
  /** 'metric': one facet column per chart metric, colour by the first axis; 'colour': one panel, colour by metric. */
  chartLayout: 'metric' | 'colour';
  chartTitle: string;
  /** The y axis: its title and domain [low, 1]; `clipBelow` bounds the low end (R² of a poor model can be far below 0). */
  yTitle: string;
  clipBelow?: number;
  /** Columns of the printed table and the progress headline (metric key, label, format). */
  tableMetrics: readonly { key: string; label: string; format: 'percent' | 'number' }[];
}

/** The workload's case in `npm run bench -- --workload NAME`: `export` of bench/`module`.ts, called with the option reader. */
export interface WorkloadBench {
  module: string;
  export: string;
  description: string;
}

/** How a job runs (not part of what it is): the sequence job's options plus the vector job's creation date and engine. */
export type JobProgressOptions = JobOptions & Pick<VectorJobOptions, 'created' | 'engine'>;

/** What a finished (or reused) job returns. */
export interface WorkloadJobResult<E = unknown> {
  /** The checkpoint directory, or undefined when the job had no `out`. */
  checkpoint?: string;
  job: ResolvedJob;
  /** True when an existing checkpoint of this exact job was reused instead of training. */
  reused: boolean;
  training: { steps: number; stoppedBecause: string; wallSeconds: number; msPerStep: number; historyPoints: number };
  evaluation: E;
  /** `Workload.metrics(evaluation)`: one flat name → number record. */
  metrics: Record<string, number>;
}

export interface EvaluateOptions {
  /** Splits to score (default: every split the model can read). */
  splits?: readonly string[];
  /** The checkpoint's `training` section: evaluation sizes recorded with it, so the numbers equal the saved ones. */
  training?: Record<string, unknown>;
}

/**
 * One workload. `T` is its task, `M` its model, `E` its evaluation (what `evaluate` returns and the checkpoint
 * records).
 */
export interface Workload<T extends Task = Task, M extends AnyModel = AnyModel, E = unknown> {
  /** Registry key: the task family (`task.kind`, `spec.kind` in configs and checkpoints). */
  readonly name: string;
  /** One line: what it is and where it comes from. */
  readonly summary: string;
  /** Which models it trains (= `task.modelKind` = `model.kind`). */
  readonly modelKind: T['modelKind'];
  /** The task family, registered with lib/tasks/registry by registerWorkload (the built-in families are registered there already). */
  readonly task?: TaskEntry;
  /** The defaults a job's sections are completed with, field by field (the papers' recipes or small defaults). */
  readonly defaults: JobSections;
  /** Flags of `complens train` only this workload reads. */
  readonly flags?: readonly WorkloadFlag[];
  /** Completes a job with the defaults and validates it; every problem is a ConfigError naming the field. */
  resolveJob(job: Omit<WorkloadJob, 'out'>): ResolvedJob;
  /** Trains, evaluates every split and saves the checkpoint (resumable; reused when `out` holds this exact job). */
  train(job: WorkloadJob, options?: JobProgressOptions): Promise<WorkloadJobResult<E>>;
  /** Scores a model on its task as the job did (every split, or `options.splits`). */
  evaluate(model: M, task: T, options?: EvaluateOptions): E;
  /** The evaluation a checkpoint recorded (from complens.json's `training` section), if it has one. */
  savedEvaluation(training: Record<string, unknown>): E | undefined;
  /** One flat name → number record (sweep columns, comparisons). */
  metrics(evaluation: E): Record<string, number>;
  /** The evaluation as a table with headline lines, for printing. */
  table(evaluation: E): EvaluationTable;
  /** The evaluation as printed by `--json` (default `{ evaluation }`). */
  json?(evaluation: E): Record<string, unknown>;
  /** Splits the model cannot read (e.g. longer than its block size), with the reason; default none. */
  unreadableSplits?(model: M, task: T): SkippedSplit[];
  /** The default checkpoint directory of a resolved job (runs/<workload>-<settings>-s<seed>). */
  defaultOut(job: ResolvedJob): string;
  /** How `complens sweep` walks it; absent when it has no sweep. */
  readonly sweep?: WorkloadSweep;
  /** Its case in `npm run bench`, if any. */
  readonly bench?: WorkloadBench;
}

/** Selects workloads by the kind of model they train. */
export interface ModelKindFilter {
  modelKind?: 'sequence' | 'vector';
}

/** A workload with its types erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkload = Workload<any, any, any>;
