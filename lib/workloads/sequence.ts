/**
 * What the sequence workloads (lookup, arithmetic, and any registered sequence task) share: the job resolver (task
 * section, model config validated against the task's vocabulary, trainer config), the sequence job runner, and
 * exact-match evaluation by greedy decoding on every split the model can read. A sequence workload's entry is this
 * plus its name, defaults, flags and output name.
 */
import * as path from 'path';
import { validateModelConfig } from '../models/registry';
import { SequenceModel } from '../models/types';
import { validateTaskSection } from '../tasks/config';
import { SequenceTask } from '../tasks/types';
import { validateTrainConfig, TRAIN_DEFAULTS } from '../train/config';
import { evaluateSplits, partitionSplits, SplitRow } from '../train/evaluate';
import { taskFromConfig, trainAndSave } from '../train/job';
import { savedTrainingOf } from '../train/partial';
import { ComplensError, ConfigError } from '../util/errors';
import { requireInt } from '../util/validate';
import { withDefaults } from './job';
import { JobSections, ResolvedJob, SkippedSplit, Workload, WorkloadJobResult } from './types';

/** Exact match per split, and the splits the model cannot read with the reason. */
export interface SequenceEvaluation {
  splits: SplitRow[];
  skipped: SkippedSplit[];
}

export type SequenceWorkloadEntry = Workload<SequenceTask, SequenceModel, SequenceEvaluation>;

/** The parts of a sequence workload that differ from one to the next. */
export type SequenceWorkloadParts = Pick<SequenceWorkloadEntry, 'name' | 'summary' | 'defaults' | 'flags' | 'defaultOut' | 'sweep' | 'bench' | 'task'>;

export function sequenceWorkload(parts: SequenceWorkloadParts): SequenceWorkloadEntry {
  return {
    ...parts,
    modelKind: 'sequence',
    resolveJob: (job) => resolveSequenceJob(parts.name, parts.defaults, job),
    async train(input, options = {}) {
      const job = resolveSequenceJob(parts.name, parts.defaults, input);
      if (input.out === undefined) throw new ConfigError('out', 'a checkpoint directory (sequence jobs save one)', input.out);
      // A finished job is idempotent, as vector jobs are: `out` holding a checkpoint of exactly this job is reused.
      const saved = options.fresh ? undefined : savedTrainingOf(input.out, job);
      if (saved?.evaluation) {
        options.log?.(`${input.out} already holds this exact job; reusing it (pass --fresh to retrain)`);
        const history = saved.history as unknown[] | undefined;
        const training = { wallSeconds: 0, msPerStep: 0, ...saved, historyPoints: history?.length ?? 0 } as unknown as WorkloadJobResult['training'];
        return result(input.out, job, true, training, saved.evaluation as SplitRow[]);
      }
      const r = await trainAndSave(
        { task: job.task, model: job.model, training: job.training, seed: job.seed, out: input.out },
        { ...options, extra: { ...options.extra, workload: job.workload, job } },
      );
      return result(r.checkpoint, job, false, r.training, r.evaluation);
    },
    evaluate(model, task, options = {}) {
      const names = options.splits ?? task.splitNames();
      const unknown = names.filter((n) => !task.splitNames().includes(n));
      if (unknown.length) throw new ComplensError(`--split: unknown split ${unknown.join(', ')}; this task has ${task.splitNames().join(', ')}`);
      return evaluateSplits(model, task, names);
    },
    savedEvaluation(training) {
      const rows = training.evaluation as SplitRow[] | undefined;
      return Array.isArray(rows) ? { splits: rows, skipped: [] } : undefined;
    },
    metrics: sequenceMetrics,
    table: (e) => ({
      columns: [{ name: 'split' }, { name: 'examples' }, { name: 'exact match', format: 'percent' }, { name: 'token acc', format: 'percent' }],
      rows: e.splits.map((r) => [r.split, r.count, r.exactMatch, r.tokenAccuracy]),
      notes: e.skipped.map((s) => `skipped ${s.split}: ${s.reason}`),
    }),
    json: (e) => ({ splits: e.splits, skipped: e.skipped }),
    unreadableSplits: (model, task) => partitionSplits(model, task).skipped,
  };
}

function result(checkpoint: string, job: ResolvedJob, reused: boolean, t: WorkloadJobResult['training'], rows: SplitRow[]): WorkloadJobResult<SequenceEvaluation> {
  const evaluation = { splits: rows, skipped: [] };
  const { steps, stoppedBecause, wallSeconds, msPerStep, historyPoints } = t;
  return { checkpoint, job, reused, training: { steps, stoppedBecause, wallSeconds, msPerStep, historyPoints }, evaluation, metrics: sequenceMetrics(evaluation) };
}

/** Exact match per split, by split name. */
function sequenceMetrics(e: SequenceEvaluation): Record<string, number> {
  return Object.fromEntries(e.splits.map((r) => [r.split, r.exactMatch]));
}

/**
 * Completes a sequence job: defaults field by field (the data-order seed defaults to the job's seed), the task
 * section checked (a lookup shorthand or a full spec), the trainer config completed, and the model config checked
 * against the task's vocabulary without allocating weights.
 */
export function resolveSequenceJob(workload: string, defaults: JobSections, job: Omit<JobSections, never> & { seed: number }): ResolvedJob {
  const seed = requireInt(job.seed, 'seed', 0);
  const sections = withDefaults(defaults, job);
  const task = { ...sections.task, kind: workload };
  validateTaskSection(task, 'task');
  const known = Object.keys(TRAIN_DEFAULTS);
  for (const key of Object.keys(sections.training)) {
    if (!known.includes(key)) throw new ConfigError(`training.${key}`, `no such field (known: ${known.join(', ')})`, sections.training[key]);
  }
  const training = validateTrainConfig({ dataSeed: seed, ...sections.training }) as unknown as Record<string, unknown>;
  validateSequenceModel(sections.model, task);
  return { workload, task, model: sections.model, training, seed };
}

/**
 * Validates a sequence model section against the vocabulary of its task, as training will build it, without
 * allocating weights. A transformer's maxLength, when not given, is the task's longest input, which only building
 * every split would tell; the largest allowed value stands in, since only the given fields are being checked.
 */
export function validateSequenceModel(model: Record<string, unknown>, task: Record<string, unknown>, field = 'model'): void {
  const built = taskFromConfig(task);
  const config: Record<string, unknown> = { arch: 'rnn', ...model, vocabSize: built.vocab.length };
  if (config.arch === 'transformer' && config.maxLength === undefined) config.maxLength = built.maxInputLength ?? 65536;
  const validated = validateModelConfig(config, field) as unknown as Record<string, unknown>;
  // The architecture validators ignore fields they do not know; here a misspelt one ("hiddensize") would silently
  // train the default size. What a validator returns is exactly what it reads (plus a transformer's preset).
  const known = [...Object.keys(validated), ...(config.arch === 'transformer' ? ['preset'] : [])];
  for (const key of Object.keys(model)) {
    if (!known.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field for arch ${JSON.stringify(config.arch)} (known: ${known.join(', ')})`, model[key]);
  }
}

/** runs/<workload>-<data>-<model>-s<seed>, the model named by its transformer preset or recurrent cell. */
export function sequenceOut(job: ResolvedJob, data: string): string {
  const m = job.model;
  const model = m.arch === 'transformer' ? String(m.preset ?? 'transformer') : String(m.cell ?? 'gru');
  return path.join('runs', `${job.workload}-${data}-${model}-s${job.seed}`);
}
