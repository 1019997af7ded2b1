/**
 * What the vector workloads (hyperteacher, subroutines: MLPs on fixed-size rows) share: the vector job runner
 * (lib/train/vector-job.ts), which resolves, trains, evaluates and saves, and the evaluation's flat metrics and
 * table (lib/eval/vector.ts). A vector workload's entry is this plus its name, defaults, flags, sweep and bench.
 */
import { evaluateVectorModel, evaluationRows, flattenEvaluation, VectorEvaluation } from '../eval/vector';
import { VectorModel } from '../models/types';
import { VectorTask } from '../tasks/types';
import { resolveVectorJob, trainVectorJob, VectorJobTraining } from '../train/vector-job';
import { ResolvedJob, TableColumn, Workload } from './types';

export type VectorWorkloadEntry<E = VectorEvaluation> = Workload<VectorTask, VectorModel, E>;

/** The parts of a vector workload that differ from one to the next. */
export type VectorWorkloadParts = Pick<VectorWorkloadEntry, 'name' | 'summary' | 'defaults' | 'flags' | 'defaultOut' | 'sweep' | 'bench' | 'task'> & {
  /** Header of the count column ('tasks', 'problems'). */
  countLabel: string;
  /** Headline lines under the table. */
  headline(e: VectorEvaluation): string[];
};

export function vectorWorkload(parts: VectorWorkloadParts): VectorWorkloadEntry {
  const { countLabel, headline, ...entry } = parts;
  return {
    ...entry,
    modelKind: 'vector',
    resolveJob: (job) => resolveVectorJob(job) as unknown as ResolvedJob,
    async train(input, options = {}) {
      const result = await trainVectorJob(input, options);
      return { ...result, job: result.job as unknown as ResolvedJob, training: { stoppedBecause: 'maxSteps', ...result.training } };
    },
    evaluate(model, task, options = {}) {
      const config = options.training?.config as Partial<VectorJobTraining> | undefined;
      return evaluateVectorModel(model, task, { tasks: config?.evalTasks, splits: options.splits });
    },
    savedEvaluation: (training) => training.metrics as VectorEvaluation | undefined,
    metrics: flattenEvaluation,
    table(e) {
      const rows = evaluationRows(e);
      const format: TableColumn['format'] = rows[0]?.metric === 'accuracy' ? 'percent' : 'number';
      return {
        columns: [{ name: 'split' }, { name: countLabel }, { name: 'metric' }, { name: 'value', format }],
        rows: rows.map((r) => [r.split, r.count, r.metric, r.value]),
        notes: headline(e),
      };
    },
    json: (e) => ({ evaluation: e }),
  };
}
