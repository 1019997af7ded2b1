/**
 * One training job end to end: build the task and model from plain configs, train (resuming a killed run from
 * its last saved state), evaluate every split and save the checkpoint atomically. Used by `complens train`, the
 * fixtures script and the notebooks, so all three produce the same kind of checkpoint.
 */
import { saveModelCheckpoint } from '../io/model-checkpoint';
import { createModel } from '../models/registry';
import { SequenceModel } from '../models/types';
import { taskFromSection } from '../tasks/registry';
import { isSequenceTask, SequenceTask } from '../tasks/types';
import { ComplensError, ConfigError } from '../util/errors';
import { SequenceTrainConfig, validateTrainConfig } from './config';
import { evaluateExamples } from './evaluate';
import { removePartial, trainResumably } from './partial';
import { TrainResult, trainSequenceModel, TrainState } from './sequence';

export { partialDir } from './partial';

export interface TrainJob {
  /** A full task spec, or the lookup shorthand {kind:'lookup', sample?|splitSeed?, encoding?, regime?}. */
  task: Record<string, unknown>;
  /** Model config without vocabSize (taken from the task); `arch` defaults to 'rnn'. */
  model: Record<string, unknown>;
  training: Partial<SequenceTrainConfig>;
  /** Initialisation seed. */
  seed: number;
  /** Checkpoint directory. */
  out: string;
}

export interface SplitResult {
  split: string;
  count: number;
  exactMatch: number;
  tokenAccuracy: number;
}

export interface JobResult {
  checkpoint: string;
  training: Omit<TrainResult, 'history'> & { historyPoints: number };
  evaluation: SplitResult[];
}

export interface JobOptions {
  fresh?: boolean;
  saveEvery?: number;
  onProgress?: (step: number, maxSteps: number, detail: string) => void;
  log?: (line: string) => void;
  /**
   * Byte-reproducible output (fixtures): a fixed creation date and no wall-clock fields in complens.json, so the
   * same seeds on the same backend give the same files.
   */
  reproducible?: boolean;
  /** Recorded in complens.json `extra` (e.g. the command that made a fixture). */
  extra?: Record<string, unknown>;
}

/** Resolves the task shorthand used by the CLI and configs. */
export function taskFromConfig(task: Record<string, unknown>): SequenceTask {
  const kind = task.kind ?? 'lookup';
  const built = taskFromSection({ ...task, kind });
  if (!isSequenceTask(built)) throw new ConfigError('task.kind', 'a sequence task (lookup, arithmetic)', kind);
  return built;
}

export function modelFromConfig(model: Record<string, unknown>, task: SequenceTask, seed: number): SequenceModel {
  const config: Record<string, unknown> = { arch: 'rnn', ...model, vocabSize: task.vocab.length };
  // Position embeddings need the longest input of any split (OOD splits may be longer than training).
  if (config.arch === 'transformer' && config.maxLength === undefined) config.maxLength = task.maxInputLength ?? longestInput(task);
  const created = createModel(config, seed);
  if (created.kind !== 'sequence') {
    created.dispose();
    throw new ComplensError(`model.arch ${JSON.stringify(model.arch)} is not a sequence model and cannot train on task ${task.kind}`);
  }
  return created;
}

function longestInput(task: SequenceTask): number {
  let longest = 0;
  for (const name of task.splitNames()) for (const ex of task.split(name).examples) longest = Math.max(longest, ex.prompt.length + ex.target.length - 1);
  return longest;
}

export async function trainAndSave(job: TrainJob, options: JobOptions = {}): Promise<JobResult> {
  const task = taskFromConfig(job.task);
  const model = modelFromConfig(job.model, task, job.seed);
  const training = validateTrainConfig(job.training);
  try {
    const identity = { task: task.spec, model: model.config, training, seed: job.seed };
    const result = await trainResumably<TrainState['history'][number], TrainResult>(job.out, model.params, identity, options, (resume, onSaveState) =>
      trainSequenceModel(model, task, training, { resume, onProgress: options.onProgress, saveEvery: options.saveEvery ?? 500, onSaveState, auxSeed: job.seed }),
    );
    const evaluation = task.splitNames().map((split) => {
      const e = evaluateExamples(model, task.split(split).examples);
      return { split, count: e.count, exactMatch: e.exactMatch, tokenAccuracy: e.tokenAccuracy };
    });
    const { history, ...summary } = result;
    const recorded = options.reproducible
      ? { steps: summary.steps, stoppedBecause: summary.stoppedBecause, trainExactMatch: summary.trainExactMatch, history: history.map(({ seconds: _s, ...h }) => h) }
      : { ...summary, history };
    saveModelCheckpoint(job.out, model, task, {
      seeds: { init: job.seed, dataOrder: training.dataSeed },
      training: { config: training, ...recorded, evaluation },
      created: options.reproducible ? '2026-01-01T00:00:00.000Z' : undefined,
      extra: options.extra,
    });
    removePartial(job.out);
    return { checkpoint: job.out, training: { ...summary, historyPoints: history.length }, evaluation };
  } finally {
    model.dispose();
  }
}
