/**
 * One vector-workload training job end to end, the counterpart of job.ts for MLPs: resolve plain configs into a
 * full task spec, model config and training config, train, evaluate every split and save the checkpoint atomically
 * with its metrics. What differs between workloads (defaults, loss, the data of each step, the metrics watched at
 * history points, the final evaluation) is the workload's `VectorObjective`, which lib/workloads passes in: this file
 * knows no workload by name.
 *
 * Resumption, as job.ts: while training, the state (weights, Adam slots, step, history) is saved every
 * `saveEvery` steps to `.<out>.partial`; re-running the same job continues from there and ends with the same
 * weights as an uninterrupted run (training data are a pure function of the step). A finished job is idempotent:
 * when `out` already holds a checkpoint of exactly this resolved job, it is reused unless `fresh` is set.
 */
import { initBackend } from '../backend';
import { saveModelCheckpoint } from '../io/model-checkpoint';
import { MlpConfig, MlpModel, validateMlpConfig } from '../models/mlp';
import { VectorModel } from '../models/types';
import { createTask, validateTaskSpec } from '../tasks/registry';
import { VectorTask } from '../tasks/types';
import { ConfigError } from '../util/errors';
import { requireInt, requireObject } from '../util/validate';
import { removePartial, savedTrainingOf, trainResumably } from './partial';
import { trainVectorModel, validateVectorTrainConfig, VectorData, VectorEngine, VectorLoss, VectorTrainConfig, VectorTrainPoint, VectorTrainResult } from './vector';

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
  /** {kind: <a vector workload>, ...spec fields}; `seed` defaults to the job's seed. */
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
  workload: string;
  /** The full task spec (validated by the task registry), its seed filled in. */
  task: { kind: string; seed: number } & Record<string, unknown>;
  model: MlpConfig;
  training: VectorJobTraining;
  seed: number;
}

/** What a vector workload brings to its jobs (lib/workloads/<name>); everything else here is shared. */
export interface VectorObjective<T extends VectorTask = VectorTask, E = unknown> {
  /** The workload's name, the task kind its jobs name. */
  workload: string;
  /** The sections a job is completed with, field by field (training includes its `loss`). */
  defaults: { task: Record<string, unknown>; model: Record<string, unknown>; training: Partial<VectorJobTraining> };
  /** The loss its trainer minimises. */
  loss: VectorLoss;
  /** The model heads it accepts and why (the hyperteacher is a regression: 'linear' only); any head when absent. */
  heads?: { allowed: readonly string[]; expected: string };
  /** The data of each step: a fixed labelled set (minibatched by the trainer) or a generator of fresh batches. */
  data(task: T, training: VectorJobTraining): VectorData;
  /** Metrics recorded at every history point (small monitor sets); none when it returns undefined. */
  monitor?(task: T, training: VectorJobTraining): ((model: VectorModel) => Record<string, number>) | undefined;
  /** The final evaluation; `tasks` is the job's evaluation size where the workload has one. */
  evaluate(model: VectorModel, task: T, options: { tasks?: number; splits?: readonly string[] }): E;
  /** One flat name → number record of an evaluation. */
  metrics(evaluation: E): Record<string, number>;
}

const JOB_TRAINING_FIELDS = ['tasksPerStep', 'evalTasks', 'monitorTasks'] as const;
const TRAINER_FIELDS = Object.keys(validateVectorTrainConfig({}));

/** Validates and completes a job of `objective`'s workload; every problem is a ConfigError naming the field. */
export function resolveVectorJobOf(job: Omit<VectorTrainJob, 'out'>, objective: VectorObjective): ResolvedVectorJob {
  return resolve(job, objective).job;
}

function resolve(job: Omit<VectorTrainJob, 'out'>, objective: VectorObjective): { job: ResolvedVectorJob; task: VectorTask } {
  const seed = requireInt(job.seed, 'seed', 0);
  const taskIn = requireObject(job.task, 'task');
  const { workload, defaults } = objective;
  if (taskIn.kind !== workload) throw new ConfigError('task.kind', JSON.stringify(workload), taskIn.kind);

  const given = Object.fromEntries(Object.entries(taskIn).filter(([, v]) => v !== undefined));
  const task = validateTaskSpec({ ...defaults.task, ...given, seed: taskIn.seed ?? seed }, 'task') as ResolvedVectorJob['task'];
  const built = createTask(task, 'task') as VectorTask;
  const shape = { inputSize: built.inputSize, outputSize: built.outputSize };

  const modelIn = requireObject(job.model ?? {}, 'model');
  if (modelIn.inputSize !== undefined && modelIn.inputSize !== shape.inputSize) {
    throw new ConfigError('model.inputSize', `${shape.inputSize} (the width of this task's rows) or nothing`, modelIn.inputSize);
  }
  const modelJson: Record<string, unknown> = { ...defaults.model, ...modelIn, inputSize: shape.inputSize };
  if (objective.heads && !objective.heads.allowed.includes(String(modelJson.head))) throw new ConfigError('model.head', objective.heads.expected, modelJson.head);
  if (modelJson.head === 'linear') {
    // The head outputs the task's outputs directly (regression values, or one logit per item).
    if (modelIn.outputSize !== undefined && modelIn.outputSize !== shape.outputSize) {
      throw new ConfigError('model.outputSize', `${shape.outputSize} (the task's outputSize) or nothing`, modelIn.outputSize);
    }
    modelJson.outputSize = shape.outputSize;
  }
  const model = validateMlpConfig(modelJson, 'model');

  const trainingIn = requireObject(job.training ?? {}, 'training');
  const known = [...TRAINER_FIELDS, ...JOB_TRAINING_FIELDS];
  for (const key of Object.keys(trainingIn)) {
    if (!known.includes(key)) throw new ConfigError(`training.${key}`, `no such field (known: ${known.join(', ')})`, trainingIn[key]);
  }
  const merged: Record<string, unknown> = { ...defaults.training, dataSeed: seed, ...trainingIn };
  if (merged.loss !== objective.loss) throw new ConfigError('training.loss', `${JSON.stringify(objective.loss)} for the ${workload} workload`, merged.loss);
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

export interface VectorJobResult<E = unknown> {
  /** The checkpoint directory, or undefined when the job had no `out`. */
  checkpoint?: string;
  job: ResolvedVectorJob;
  /** True when an existing checkpoint of this exact job was reused instead of training. */
  reused: boolean;
  training: { steps: number; wallSeconds: number; msPerStep: number; historyPoints: number };
  /** The workload's evaluation (hyperteacher: R² per split; subroutines: accuracy per split). */
  evaluation: E;
  /** objective.metrics(evaluation): idR2, oodR2, gap, … or only_A, only_B, both, … */
  metrics: Record<string, number>;
}

/** Trains one job of `objective`'s workload (the public entry point is lib/workloads' trainVectorJob). */
export async function runVectorJob<E>(input: VectorTrainJob, objective: VectorObjective<VectorTask, E>, options: VectorJobOptions = {}): Promise<VectorJobResult<E>> {
  const { job, task } = resolve(input, objective);
  await initBackend();
  if (input.out && !options.fresh) {
    const saved = savedResult(input.out, job, objective);
    if (saved) {
      options.log?.(`${input.out} already holds this exact job; reusing it (pass --fresh to retrain)`);
      return saved;
    }
  }
  const model = new MlpModel(job.model, job.seed);
  try {
    const data = objective.data(task, job.training);
    const monitor = objective.monitor?.(task, job.training);
    const identity = { task: job.task, model: job.model, training: job.training, seed: job.seed };
    const result = await trainResumably<VectorTrainPoint, VectorTrainResult>(input.out, model.params, identity, options, (resume, onSaveState) =>
      trainVectorModel(model, data, job.training, { engine: options.engine, onProgress: options.onProgress, evaluate: monitor, resume, saveEvery: options.saveEvery ?? 500, onSaveState }),
    );
    const evaluation = objective.evaluate(model, task, { tasks: job.training.evalTasks });
    const metrics = objective.metrics(evaluation);
    const { history, ...summary } = result;
    if (input.out) {
      saveModelCheckpoint(input.out, model, task, {
        seeds: { init: job.seed, task: job.task.seed, dataOrder: job.training.dataSeed },
        training: { config: job.training, ...summary, stoppedBecause: 'maxSteps', history, metrics: evaluation },
        extra: { workload: job.workload, job },
        created: options.created,
      });
      removePartial(input.out);
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

/** The result stored in `dir` if it is a checkpoint of exactly `job`; undefined otherwise (or if unreadable). */
function savedResult<E>(dir: string, job: ResolvedVectorJob, objective: VectorObjective<VectorTask, E>): VectorJobResult<E> | undefined {
  const training = savedTrainingOf(dir, job);
  if (!training) return undefined;
  const t = training as { steps: number; wallSeconds: number; msPerStep: number; history?: VectorTrainPoint[]; metrics: E };
  if (!t?.metrics) return undefined;
  return {
    checkpoint: dir,
    job,
    reused: true,
    training: { steps: t.steps, wallSeconds: t.wallSeconds, msPerStep: t.msPerStep, historyPoints: t.history?.length ?? 0 },
    evaluation: t.metrics,
    metrics: objective.metrics(t.metrics),
  };
}
