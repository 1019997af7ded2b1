/**
 * One training job end to end: build the task and model from plain configs, train (resuming a killed run from
 * its last saved state), evaluate every split and save the checkpoint atomically. Used by `complens train`, the
 * fixtures script and the notebooks, so all three produce the same kind of checkpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint';
import { saveModelCheckpoint } from '../io/model-checkpoint';
import { createModel } from '../models/registry';
import { SequenceModel } from '../models/types';
import { createLookupTask, lookupSpecFromSeed, lookupTaskFromSample } from '../tasks/lookup';
import { createSequenceTask } from '../tasks/registry';
import { SequenceTask } from '../tasks/types';
import { ComplensError } from '../util/errors';
import { SequenceTrainConfig, validateTrainConfig } from './config';
import { evaluateExamples } from './evaluate';
import { TrainResult, trainSequenceModel, TrainState } from './sequence';

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
  if (kind === 'lookup' && !('tables' in task)) {
    const options = { encoding: task.encoding as never, regime: task.regime as never };
    if (task.splitSeed !== undefined) return createLookupTask(lookupSpecFromSeed({ seed: task.splitSeed as number, ...options }));
    return lookupTaskFromSample(String(task.sample ?? 'sample1'), options);
  }
  return createSequenceTask({ ...task, kind });
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

/** Where a run's resumable state lives: next to the checkpoint, so a re-run of the same command finds it. */
export function partialDir(out: string): string {
  return path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.partial`);
}

export async function trainAndSave(job: TrainJob, options: JobOptions = {}): Promise<JobResult> {
  const task = taskFromConfig(job.task);
  const model = modelFromConfig(job.model, task, job.seed);
  const training = validateTrainConfig(job.training);
  const partial = partialDir(job.out);
  try {
    const resume = options.fresh ? undefined : readPartial(partial, model, { task: task.spec, model: model.config, training, seed: job.seed });
    if (resume) options.log?.(`resuming from step ${resume.step} (${partial})`);
    const result = await trainSequenceModel(model, task, training, {
      resume,
      onProgress: options.onProgress,
      saveEvery: options.saveEvery ?? 500,
      onSaveState: (state) => writePartial(partial, model, state, { task: task.spec, model: model.config, training, seed: job.seed }),
      auxSeed: job.seed,
    });
    if (resume) tf.dispose([...resume.optimizer.map((s) => s.tensor), ...Object.values(resume.aux ?? {})]);
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
    fs.rmSync(partial, { recursive: true, force: true });
    return { checkpoint: job.out, training: { ...summary, historyPoints: history.length }, evaluation };
  } finally {
    model.dispose();
  }
}

interface PartialIdentity {
  task: unknown;
  model: unknown;
  training: SequenceTrainConfig;
  seed: number;
}

function writePartial(dir: string, model: SequenceModel, state: TrainState, identity: PartialIdentity): void {
  const weights: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(model.params)) weights[`model/${name}`] = v;
  // Adam's iteration counter is an int32 scalar; checkpoints hold float32, which represents it exactly.
  const slots = state.optimizer.map((slot) => (slot.tensor.dtype === 'float32' ? slot.tensor : slot.tensor.toFloat()));
  slots.forEach((t, i) => (weights[`optimizer/${i}`] = t));
  for (const [name, t] of Object.entries(state.aux ?? {})) weights[`aux/${name}`] = t;
  saveCheckpoint(dir, {
    weights,
    meta: {
      model: identity.model,
      task: identity.task,
      training: { config: identity.training },
      seeds: { init: identity.seed },
      extra: { step: state.step, history: state.history, optimizerNames: state.optimizer.map((s) => s.name) },
    },
  });
  tf.dispose([...state.optimizer.map((s) => s.tensor), ...slots]);
  tf.dispose(Object.values(state.aux ?? {}));
}

/** A saved partial run, if one exists for exactly this job; a partial run of a different job is an error. */
function readPartial(dir: string, model: SequenceModel, identity: PartialIdentity): TrainState | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const { meta, weights } = loadCheckpoint(dir);
  const same =
    JSON.stringify(meta.model) === JSON.stringify(identity.model) &&
    JSON.stringify(meta.task) === JSON.stringify(identity.task) &&
    JSON.stringify((meta.training as { config?: unknown }).config) === JSON.stringify(identity.training) &&
    (meta.seeds as { init?: number }).init === identity.seed;
  if (!same) {
    tf.dispose(Object.values(weights));
    throw new ComplensError(`${dir}: a partial run of a different job is saved here; pass --fresh to discard it or choose another --out`);
  }
  const extra = meta.extra as { step: number; history: TrainState['history']; optimizerNames: string[] };
  for (const [name, v] of Object.entries(model.params)) v.assign(weights[`model/${name}`]);
  const optimizer = extra.optimizerNames.map((name, i) => ({ name, tensor: weights[`optimizer/${i}`] }));
  const aux = Object.fromEntries(Object.entries(weights).filter(([k]) => k.startsWith('aux/')).map(([k, v]) => [k.slice(4), v]));
  for (const [name, t] of Object.entries(weights)) if (name.startsWith('model/')) t.dispose();
  return { step: extra.step, history: extra.history, optimizer, aux: Object.keys(aux).length ? aux : undefined };
}

