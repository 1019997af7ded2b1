/**
 * One vector-workload training job end to end, the counterpart of job.ts for MLPs on the hyperteacher task family
 * (Redhardt et al. 2025) and the subroutine odd-one-out tasks (Lepori et al. 2023): resolve plain configs into a
 * full task spec, model config and training config (small defaults that run in about a minute on 2 cores), train,
 * evaluate every split (lib/eval/vector.ts) and save the checkpoint atomically with its metrics.
 *
 * Resumption, as job.ts: while training, the state (weights, Adam slots, step, history) is saved every
 * `saveEvery` steps to `.<out>.partial`; re-running the same job continues from there and ends with the same
 * weights as an uninterrupted run (training data are a pure function of the step). A finished job is idempotent:
 * when `out` already holds a checkpoint of exactly this resolved job, it is reused unless `fresh` is set.
 */
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../backend';
import { META_FILE, readCheckpointMeta } from '../io/checkpoint';
import { saveModelCheckpoint } from '../io/model-checkpoint';
import { MlpConfig, MlpModel, validateMlpConfig } from '../models/mlp';
import { VectorModel } from '../models/types';
import { createTask } from '../tasks/registry';
import { Hyperteacher, HyperteacherSpec, validateHyperteacherSpec } from '../tasks/hyperteacher';
import { oddOneOutAccuracy, SubroutineSpec, SubroutineTask, validateSubroutineSpec } from '../tasks/subroutines';
import { ConfigError } from '../util/errors';
import { requireInt, requireObject } from '../util/validate';
import { evaluateHyperteacher, evaluateVectorModel, flattenEvaluation, VectorEvaluation } from '../eval/vector';
import { disposePartial, partialDir, readPartial, writePartial } from './partial';
import { predictVectors, trainVectorModel, validateVectorTrainConfig, VectorData, VectorEngine, VectorTrainConfig, VectorTrainPoint } from './vector';

export const VECTOR_WORKLOADS = ['hyperteacher', 'subroutines'] as const;
export type VectorWorkload = (typeof VECTOR_WORKLOADS)[number];

export function isVectorWorkload(kind: unknown): kind is VectorWorkload {
  return typeof kind === 'string' && (VECTOR_WORKLOADS as readonly string[]).includes(kind);
}

/** The trainer's config plus what the job adds. */
export interface VectorJobTraining extends VectorTrainConfig {
  /** hyperteacher: fresh tasks drawn per step (rows per step = tasksPerStep × samplesPerTask). Unused by subroutines. */
  tasksPerStep: number;
  /** hyperteacher: tasks per split in the final evaluation (C.5: 1024). Unused by subroutines (every split is scored whole). */
  evalTasks: number;
  /** hyperteacher: tasks per split (test, ood) in the small evaluation at every history point; 0 = none. */
  monitorTasks: number;
}

/** A job as plain JSON (config file, CLI flags, sweep): every field but `task.kind` may be omitted. */
export interface VectorTrainJob {
  /** {kind: 'hyperteacher' | 'subroutines', ...spec fields}; `seed` defaults to the job's seed. */
  task: Record<string, unknown>;
  /** MLP config without inputSize (taken from the task); hyperteacher: outputSize too. */
  model: Record<string, unknown>;
  training: Record<string, unknown>;
  /** Initialisation seed (also the default task and data-order seed). */
  seed: number;
  /** Checkpoint directory; omit to train and evaluate without saving. */
  out?: string;
}

/** The fully resolved job: what is recorded in complens.json and compared when deciding to reuse a checkpoint. */
export interface ResolvedVectorJob {
  workload: VectorWorkload;
  task: HyperteacherSpec | SubroutineSpec;
  model: MlpConfig;
  training: VectorJobTraining;
  seed: number;
}

/**
 * Small defaults (see docs/workloads.md for how they relate to the papers' settings).
 * hyperteacher: M=8, K=3 (92 supports, 23 held out at fracOod 0.25), I=H=O=16, 16 samples per task; MLP 2×256
 * (paper 4×1024); AdamW lr 1e-3, wd 3e-3 (paper lr 3e-4); 32 tasks × 16 samples per step (paper 128); 2000 steps
 * (paper 300k).
 * subroutines: vision variant, the paper's split sizes (10,000 / 500 / 1,000; partitions 1,000); odd-one-out MLP
 * 2×128 → 64-d item embedding; Adam lr 1e-3, batch 64; 3000 steps (≈19 epochs).
 */
export const VECTOR_JOB_DEFAULTS: Record<VectorWorkload, { task: Record<string, unknown>; model: Record<string, unknown>; training: Partial<VectorJobTraining> }> = {
  hyperteacher: {
    task: { kind: 'hyperteacher', modules: 8, maxActive: 3, fracOod: 0.25, support: 'random' },
    model: { arch: 'mlp', hiddenSizes: [256, 256], activation: 'relu', head: 'linear' },
    training: {
      optimizer: 'adamw',
      learningRate: 1e-3,
      weightDecay: 3e-3,
      loss: 'mse',
      maxSteps: 2000,
      evalEvery: 200,
      tasksPerStep: 32,
      evalTasks: 1024,
      monitorTasks: 128,
    },
  },
  subroutines: {
    task: { kind: 'subroutines', variant: 'vision' },
    model: { arch: 'mlp', hiddenSizes: [128, 128], activation: 'relu', head: 'odd-one-out', outputSize: 64, items: 4 },
    training: { optimizer: 'adam', learningRate: 1e-3, loss: 'softmax-ce', batchSize: 64, maxSteps: 3000, evalEvery: 250 },
  },
};

const JOB_TRAINING_FIELDS = ['tasksPerStep', 'evalTasks', 'monitorTasks'] as const;
const TRAINER_FIELDS = Object.keys(validateVectorTrainConfig({}));

/** Validates and completes a job; every problem is a ConfigError naming the field (task.modules, training.loss, …). */
export function resolveVectorJob(job: Omit<VectorTrainJob, 'out'>): ResolvedVectorJob {
  return resolve(job).job;
}

function resolve(job: Omit<VectorTrainJob, 'out'>): { job: ResolvedVectorJob; task: Hyperteacher | SubroutineTask } {
  const seed = requireInt(job.seed, 'seed', 0);
  const taskIn = requireObject(job.task, 'task');
  const workload = taskIn.kind;
  if (!isVectorWorkload(workload)) throw new ConfigError('task.kind', `one of ${VECTOR_WORKLOADS.map((k) => JSON.stringify(k)).join(', ')}`, workload);
  const defaults = VECTOR_JOB_DEFAULTS[workload];

  const taskJson: Record<string, unknown> = { ...defaults.task, ...taskIn, seed: taskIn.seed ?? seed };
  if (workload === 'subroutines' && taskIn.variant === undefined) taskJson.variant = defaults.task.variant;
  const task = workload === 'hyperteacher' ? validateHyperteacherSpec(taskJson, 'task') : validateSubroutineSpec(taskJson, 'task');
  const built = createTask(task, 'task') as Hyperteacher | SubroutineTask;
  const shape = { inputSize: built.inputSize, outputSize: built instanceof Hyperteacher ? built.outputSize : 4 };

  const modelIn = requireObject(job.model ?? {}, 'model');
  if (modelIn.inputSize !== undefined && modelIn.inputSize !== shape.inputSize) {
    throw new ConfigError('model.inputSize', `${shape.inputSize} (the width of this task's rows) or nothing`, modelIn.inputSize);
  }
  const modelJson: Record<string, unknown> = { ...defaults.model, ...modelIn, inputSize: shape.inputSize };
  if (workload === 'hyperteacher') {
    if (modelIn.outputSize !== undefined && modelIn.outputSize !== shape.outputSize) {
      throw new ConfigError('model.outputSize', `${shape.outputSize} (the task's outputSize) or nothing`, modelIn.outputSize);
    }
    modelJson.outputSize = shape.outputSize;
    if (modelJson.head !== 'linear') throw new ConfigError('model.head', '"linear" for the hyperteacher (a regression)', modelJson.head);
  } else if (modelJson.head === 'linear') {
    // The row is read as one vector and the head outputs one logit per item.
    if (modelIn.outputSize !== undefined && modelIn.outputSize !== 4) throw new ConfigError('model.outputSize', '4 (one logit per item) for the linear head', modelIn.outputSize);
    modelJson.outputSize = 4;
  }
  const model = validateMlpConfig(modelJson, 'model');

  const trainingIn = requireObject(job.training ?? {}, 'training');
  const known = [...TRAINER_FIELDS, ...JOB_TRAINING_FIELDS];
  for (const key of Object.keys(trainingIn)) {
    if (!known.includes(key)) throw new ConfigError(`training.${key}`, `no such field (known: ${known.join(', ')})`, trainingIn[key]);
  }
  const merged: Record<string, unknown> = { ...defaults.training, dataSeed: seed, ...trainingIn };
  const expectedLoss = workload === 'hyperteacher' ? 'mse' : 'softmax-ce';
  if (merged.loss !== expectedLoss) throw new ConfigError('training.loss', `${JSON.stringify(expectedLoss)} for the ${workload} workload`, merged.loss);
  const { tasksPerStep = 32, evalTasks = 1024, monitorTasks = 0, ...trainer } = merged;
  const training: VectorJobTraining = {
    ...validateVectorTrainConfig(trainer, 'training'),
    tasksPerStep: requireInt(tasksPerStep, 'training.tasksPerStep', 1, 100_000),
    evalTasks: requireInt(evalTasks, 'training.evalTasks', 1, 1_000_000),
    monitorTasks: requireInt(monitorTasks, 'training.monitorTasks', 0, 1_000_000),
  };
  return { job: { workload, task, model, training, seed }, task: built };
}

export interface VectorJobOptions {
  /** Retrain even when `out` already holds a checkpoint of exactly this job. */
  fresh?: boolean;
  onProgress?: (step: number, maxSteps: number, detail: string) => void;
  log?: (line: string) => void;
  /** Fixed creation date, for byte-reproducible checkpoints. */
  created?: string;
  /** Steps between saves of the resumable state (default 500; rounded up to a history point). */
  saveEvery?: number;
  /** Training implementation (trainVectorModel's `engine`); results agree to float rounding, so not part of the job. */
  engine?: VectorEngine;
}

export interface VectorJobResult {
  /** The checkpoint directory, or undefined when the job had no `out`. */
  checkpoint?: string;
  job: ResolvedVectorJob;
  /** True when an existing checkpoint of this exact job was reused instead of training. */
  reused: boolean;
  training: { steps: number; wallSeconds: number; msPerStep: number; historyPoints: number };
  evaluation: VectorEvaluation;
  /** flattenEvaluation(evaluation): idR2, oodR2, gap, … or only_A, only_B, both, … */
  metrics: Record<string, number>;
}

/** Builds the task of a resolved job (through the task registry, as loading a checkpoint does). */
export function taskOfJob(job: ResolvedVectorJob): Hyperteacher | SubroutineTask {
  return createTask(job.task) as Hyperteacher | SubroutineTask;
}

export async function trainVectorJob(input: VectorTrainJob, options: VectorJobOptions = {}): Promise<VectorJobResult> {
  const { job, task } = resolve(input);
  await initBackend();
  if (input.out && !options.fresh) {
    const saved = savedResult(input.out, job);
    if (saved) {
      options.log?.(`${input.out} already holds this exact job; reusing it (pass --fresh to retrain)`);
      return saved;
    }
  }
  const model = new MlpModel(job.model, job.seed);
  try {
    const { data, monitor } = trainingData(job, task);
    const partial = input.out ? partialDir(input.out) : undefined;
    const identity = { task: job.task, model: job.model, training: job.training, seed: job.seed };
    const resume = partial && !options.fresh ? readPartial<VectorTrainPoint>(partial, model.params, identity) : undefined;
    if (resume) options.log?.(`resuming from step ${resume.step} (${partial})`);
    let result;
    try {
      result = await trainVectorModel(model, data, job.training, {
        engine: options.engine,
        onProgress: options.onProgress,
        evaluate: monitor,
        resume,
        saveEvery: options.saveEvery ?? 500,
        onSaveState: partial ? (state) => writePartial(partial, model.params, state, identity) : undefined,
      });
    } finally {
      disposePartial(resume);
    }
    const evaluation = evaluate(job, model, task);
    const metrics = flattenEvaluation(evaluation);
    const { history, ...summary } = result;
    if (input.out) {
      saveModelCheckpoint(input.out, model, task, {
        seeds: { init: job.seed, task: job.task.seed, dataOrder: job.training.dataSeed },
        training: { config: job.training, ...summary, stoppedBecause: 'maxSteps', history, metrics: evaluation },
        extra: { workload: job.workload, job },
        created: options.created,
      });
      fs.rmSync(partial!, { recursive: true, force: true });
    }
    return {
      checkpoint: input.out,
      job,
      reused: false,
      training: { ...summary, historyPoints: history.length },
      evaluation,
      metrics,
    };
  } finally {
    model.dispose();
  }
}

/** The final evaluation of a job's model: what the checkpoint records and `evaluateSavedVectorModel` reproduces. */
function evaluate(job: ResolvedVectorJob, model: VectorModel, task: Hyperteacher | SubroutineTask): VectorEvaluation {
  return evaluateVectorModel(model, task, { tasks: job.training.evalTasks });
}

/**
 * Re-evaluates a loaded checkpoint exactly as its job did (same evaluation sets and sizes), so the result equals
 * the metrics saved in complens.json. `meta` is the loaded checkpoint's metadata.
 */
export function evaluateSavedVectorModel(
  model: VectorModel,
  task: Hyperteacher | SubroutineTask,
  meta: { training: Record<string, unknown> },
  options: { splits?: readonly string[] } = {},
): VectorEvaluation {
  const config = meta.training.config as Partial<VectorJobTraining> | undefined;
  return evaluateVectorModel(model, task, { tasks: config?.evalTasks, splits: options.splits });
}

function trainingData(job: ResolvedVectorJob, task: Hyperteacher | SubroutineTask): { data: VectorData; monitor?: (model: VectorModel) => Record<string, number> } {
  if (task instanceof Hyperteacher) {
    const n = job.training.monitorTasks;
    const monitor = n > 0 ? (model: VectorModel) => {
      const e = evaluateHyperteacher(model, task, { tasks: n, splits: ['test', 'ood'], label: 'monitor' });
      return { idR2: e.summary.idR2, oodR2: e.summary.oodR2 };
    } : undefined;
    return { data: task.trainStream(job.training.tasksPerStep, job.training.dataSeed), monitor };
  }
  const train = task.split('base_train');
  const monitor = (model: VectorModel) => {
    const acc = (name: 'base_val' | 'only_A_val' | 'only_B_val') => {
      const split = task.split(name);
      return oddOneOutAccuracy(predictVectors(model, split.batch), split.labels);
    };
    return { base_val: acc('base_val'), only_A_val: acc('only_A_val'), only_B_val: acc('only_B_val') };
  };
  return { data: { batch: train.batch, labels: train.labels }, monitor };
}

/** The result stored in `dir` if it is a checkpoint of exactly `job`; undefined otherwise (or if unreadable). */
function savedResult(dir: string, job: ResolvedVectorJob): VectorJobResult | undefined {
  if (!fs.existsSync(path.join(dir, META_FILE))) return undefined;
  let meta;
  try {
    meta = readCheckpointMeta(dir);
  } catch {
    return undefined;
  }
  if (JSON.stringify(meta.extra?.job) !== JSON.stringify(job)) return undefined;
  const t = meta.training as { steps: number; wallSeconds: number; msPerStep: number; history?: VectorTrainPoint[]; metrics: VectorEvaluation };
  if (!t?.metrics) return undefined;
  return {
    checkpoint: dir,
    job,
    reused: true,
    training: { steps: t.steps, wallSeconds: t.wallSeconds, msPerStep: t.msPerStep, historyPoints: t.history?.length ?? 0 },
    evaluation: t.metrics,
    metrics: flattenEvaluation(t.metrics),
  };
}

/** Default checkpoint directory for a job: runs/<workload>-<key settings>-s<seed>. */
export function defaultVectorOut(job: ResolvedVectorJob): string {
  const width = job.model.hiddenSizes.join('x') || '0';
  if (job.workload === 'hyperteacher') {
    const t = job.task as HyperteacherSpec;
    return path.join('runs', `hyperteacher-M${t.modules}K${t.maxActive}-${t.support}-f${t.fracOod}-mlp${width}-s${job.seed}`);
  }
  const t = job.task as SubroutineSpec;
  return path.join('runs', `subroutines-${t.variant}-mlp${width}-s${job.seed}`);
}
