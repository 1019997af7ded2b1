/**
 * What the vector workloads (MLPs on fixed-size rows: hyperteacher, subroutines, or a registered one) share: the
 * vector job runner (lib/train/vector-job.ts) driven by the workload's objective (defaults, loss, data, monitor,
 * evaluation), and the evaluation's table. A vector workload's entry is its objective plus its name, flags, sweep
 * and bench.
 */
import { VectorModel } from '../models/types';
import { VectorTask } from '../tasks/types';
import { resolveVectorJobOf, runVectorJob, VectorJobTraining, VectorObjective } from '../train/vector-job';
import { ResolvedJob, TableColumn, Workload } from './types';

/** One row per split of an evaluation, for printing. */
export interface EvaluationRow {
  split: string;
  count: number;
  metric: string;
  value: number;
}

export type VectorWorkloadEntry<E = unknown> = Workload<VectorTask, VectorModel, E> & {
  /** What its jobs need (lib/train/vector-job.ts). */
  readonly objective: VectorObjective<VectorTask, E>;
  /** One row per split of an evaluation (split, count, metric, value). */
  rows(evaluation: E): EvaluationRow[];
};

/** The parts of a vector workload that differ from one to the next. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VectorWorkloadParts<T extends VectorTask = any, E = any> = Pick<Workload<T, VectorModel, E>, 'name' | 'summary' | 'flags' | 'defaultOut' | 'sweep' | 'bench' | 'task'> &
  Omit<VectorObjective<T, E>, 'workload'> & {
    /** Header of the count column ('tasks', 'problems'). */
    countLabel: string;
    rows(evaluation: E): EvaluationRow[];
    /** Headline lines under the table. */
    headline(evaluation: E): string[];
  };

export function vectorWorkload<T extends VectorTask, E>(parts: VectorWorkloadParts<T, E>): VectorWorkloadEntry<E> {
  const { name, summary, flags, defaultOut, sweep, bench, task, countLabel, rows, headline, ...objectiveParts } = parts;
  const objective = { workload: name, ...objectiveParts } as unknown as VectorObjective<VectorTask, E>;
  return {
    name, summary, flags, defaultOut, sweep, bench, task, rows, objective,
    modelKind: 'vector',
    defaults: { task: objective.defaults.task, model: objective.defaults.model, training: objective.defaults.training as Record<string, unknown> },
    resolveJob: (job) => resolveVectorJobOf(job, objective) as unknown as ResolvedJob,
    async train(input, options = {}) {
      const result = await runVectorJob(input, objective, options);
      return { ...result, job: result.job as unknown as ResolvedJob, training: { stoppedBecause: 'maxSteps', ...result.training } };
    },
    evaluate(model, t, options = {}) {
      const config = options.training?.config as Partial<VectorJobTraining> | undefined;
      return objective.evaluate(model, t, { tasks: config?.evalTasks, splits: options.splits });
    },
    savedEvaluation: (training) => training.metrics as E | undefined,
    metrics: (e) => objective.metrics(e),
    table(e) {
      const r = rows(e);
      const format: TableColumn['format'] = r[0]?.metric === 'accuracy' ? 'percent' : 'number';
      return {
        columns: [{ name: 'split' }, { name: countLabel }, { name: 'metric' }, { name: 'value', format }],
        rows: r.map((x) => [x.split, x.count, x.metric, x.value]),
        notes: headline(e),
      };
    },
    json: (e) => ({ evaluation: e }),
  };
}
