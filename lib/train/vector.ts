/**
 * A small trainer for VectorModels (MLPs on hyperteacher tasks, odd-one-out classifiers): tfjs autodiff,
 * Adam/AdamW, MSE or softmax cross-entropy, minibatches from a fixed dataset or fresh batches from a generator,
 * seeded and deterministic (same seeds and backend → identical weights).
 */
import * as tf from '@tensorflow/tfjs';
import { Params, VectorBatch, VectorModel } from '../models/types';
import { ComplensError } from '../util/errors';
import { Rng } from '../util/random';
import { requireInt, requireNumber, requireObject, requireOneOf } from '../util/validate';
import { validateOptimizerFields } from './config';
import { metricDetail, TrainingLog } from './loop';
import { optimizerSlots, PartialState, restoreOptimizer } from './partial';
import { fastVectorUnsupported, trainVectorModelFast } from './population/fast-vector';
import { MlpModel } from '../models/mlp';

export const VECTOR_LOSSES = ['mse', 'softmax-ce'] as const;
export type VectorLoss = (typeof VECTOR_LOSSES)[number];

export interface VectorTrainConfig {
  optimizer: 'adam' | 'adamw';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (AdamW) on maskable weight matrices only, never biases (as Redhardt et al.). */
  weightDecay: number;
  /** 'mse' reads `targets` [rows, outputSize]; 'softmax-ce' reads integer `labels` [rows]. */
  loss: VectorLoss;
  /** Rows per step from a fixed dataset; 0 = full batch. Ignored when data come from a generator. */
  batchSize: number;
  maxSteps: number;
  /** Steps between history points (mean loss since the last point, plus `evaluate`'s metrics). */
  evalEvery: number;
  /** Seed of the minibatch order, independent of the initialisation seed. */
  dataSeed: number;
  /** Clip gradients to this global norm; 0 disables clipping. */
  gradClip: number;
}

export const VECTOR_TRAIN_DEFAULTS: VectorTrainConfig = {
  optimizer: 'adam',
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  loss: 'mse',
  batchSize: 32,
  maxSteps: 1000,
  evalEvery: 100,
  dataSeed: 0,
  gradClip: 0,
};

export function validateVectorTrainConfig(json: unknown, field = 'training'): VectorTrainConfig {
  const o = { ...VECTOR_TRAIN_DEFAULTS, ...requireObject(json, field) } as Record<string, unknown>;
  return {
    ...validateOptimizerFields(o, field),
    loss: requireOneOf(o.loss, `${field}.loss`, VECTOR_LOSSES),
    batchSize: requireInt(o.batchSize, `${field}.batchSize`, 0),
    maxSteps: requireInt(o.maxSteps, `${field}.maxSteps`, 1),
    evalEvery: requireInt(o.evalEvery, `${field}.evalEvery`, 1),
    dataSeed: requireInt(o.dataSeed, `${field}.dataSeed`, 0),
    gradClip: requireNumber(o.gradClip, `${field}.gradClip`, 0, 1e6),
  };
}

/** Rows with their supervision: `targets` (row-major [rows, outputSize]) for MSE, `labels` for cross-entropy. */
export interface LabelledVectors {
  batch: VectorBatch;
  targets?: Float32Array;
  labels?: Int32Array;
}

/** A fixed dataset (minibatched by the trainer), or a generator of the batch for each step (on-the-fly tasks). */
export type VectorData = LabelledVectors | ((step: number) => LabelledVectors);

export interface VectorTrainPoint {
  step: number;
  /** Mean training loss over the steps since the previous point. */
  loss: number;
  /** Whatever `options.evaluate` returned at this step. */
  metrics: Record<string, number>;
  seconds: number;
}

export interface VectorTrainResult {
  steps: number;
  history: VectorTrainPoint[];
  wallSeconds: number;
  msPerStep: number;
}

/** Everything needed to continue a run exactly where it stopped (weights live in the model). */
export type VectorTrainState = PartialState<VectorTrainPoint>;

/**
 * 'fast': the MLP trainer on the wasm heap (lib/train/population; same batches, init and Adam arithmetic, results
 * equal to float rounding, docs/performance.md); an error where it does not apply. 'tfjs': tfjs autodiff.
 * 'auto': fast where it applies, else tfjs.
 */
export type VectorEngine = 'fast' | 'tfjs' | 'auto';
export const VECTOR_ENGINES: readonly VectorEngine[] = ['fast', 'tfjs', 'auto'];
export const DEFAULT_VECTOR_ENGINE: VectorEngine = 'auto';

export interface VectorTrainOptions {
  /** Which implementation trains (default DEFAULT_VECTOR_ENGINE); not part of a job's identity. */
  engine?: VectorEngine;
  onProgress?: (step: number, maxSteps: number, detail: string) => void;
  /** Called at every history point; return named metrics (e.g. train R², accuracy) to record. */
  evaluate?: (model: VectorModel, step: number) => Record<string, number>;
  /** Continue from this state (the model already holds its weights); the caller disposes its tensors. */
  resume?: VectorTrainState;
  /**
   * Called at the first history point at least `saveEvery` steps after the last save, with a state to persist
   * (cloned tensors, the receiver disposes them). Saving at history points, where the running loss mean restarts,
   * makes a resumed run identical to an uninterrupted one.
   */
  onSaveState?: (state: VectorTrainState) => Promise<void> | void;
  saveEvery?: number;
}

export async function trainVectorModel(
  model: VectorModel,
  data: VectorData,
  configInput: Partial<VectorTrainConfig>,
  options: VectorTrainOptions = {},
): Promise<VectorTrainResult> {
  const config = validateVectorTrainConfig(configInput);
  const next = typeof data === 'function' ? data : minibatches(data, config.batchSize, config.dataSeed);
  const engine = options.engine ?? DEFAULT_VECTOR_ENGINE;
  if (engine !== 'tfjs') {
    const unsupported = fastVectorUnsupported(model, config);
    if (!unsupported) return trainVectorModelFast(model as MlpModel, next, config, options);
    if (engine === 'fast') throw new ComplensError(`engine 'fast': ${unsupported}; use engine 'tfjs' or 'auto'`);
  }
  const variables = Object.values(model.params);
  const optimizer = tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
  const decayed = model.paramSpecs.filter((s) => s.maskable && s.shape.length >= 2).map((s) => model.params[s.name]);
  const resume = options.resume;
  if (resume) await restoreOptimizer(optimizer, resume.optimizer);
  const log = new TrainingLog<VectorTrainPoint>({ ...config, saveEvery: options.onSaveState ? options.saveEvery : 0, onProgress: options.onProgress }, resume);

  for (let step = log.startStep + 1; step <= config.maxSteps; step++) {
    const rows = next(step - 1);
    const lossValue = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => vectorLoss(model, rows, config.loss), variables);
      const clipped = config.gradClip > 0 ? clipByGlobalNorm(grads, config.gradClip) : grads;
      optimizer.applyGradients(clipped as Parameters<typeof optimizer.applyGradients>[0]);
      if (config.optimizer === 'adamw' && config.weightDecay > 0) {
        for (const v of decayed) v.assign(v.mul(1 - config.learningRate * config.weightDecay));
      }
      return value.dataSync()[0];
    });
    if (!log.addStep(step, lossValue)) continue;
    const metrics = options.evaluate?.(model, step) ?? {};
    log.point(step, { metrics }, metricDetail(metrics));
    if (options.onSaveState && log.saveDue(step)) await options.onSaveState({ step, history: [...log.history], optimizer: await optimizerSlots(optimizer) });
  }
  optimizer.dispose();
  return { steps: config.maxSteps, history: log.history, ...log.timing(config.maxSteps) };
}

/** Mean loss of the model on labelled rows (inside the caller's tidy/gradient scope). */
export function vectorLoss(model: VectorModel, rows: LabelledVectors, loss: VectorLoss, params?: Params): tf.Scalar {
  const out = model.forward(rows.batch, { params });
  const [n, width] = out.shape;
  if (loss === 'mse') {
    if (!rows.targets || rows.targets.length !== n * width) {
      throw new ComplensError(`mse loss needs targets with ${n} × ${width} entries, got ${rows.targets?.length ?? 'none'}`);
    }
    return tf.mean(tf.squaredDifference(out, tf.tensor2d(rows.targets, [n, width])));
  }
  // One-hot × log-softmax rather than a gather: gather has no gradient kernel on tfjs-wasm.
  return tf.neg(tf.sum(tf.mul(oneHotRows(rows.labels, n, width), tf.logSoftmax(out)))).div(n);
}

function oneHotRows(labels: Int32Array | undefined, n: number, classes: number): tf.Tensor2D {
  if (!labels || labels.length !== n) throw new ComplensError(`softmax-ce loss needs ${n} labels, got ${labels?.length ?? 'none'}`);
  const data = new Float32Array(n * classes);
  labels.forEach((label, i) => {
    if (!(label >= 0 && label < classes)) throw new ComplensError(`label ${label} at row ${i} is outside 0..${classes - 1}`);
    data[i * classes + label] = 1;
  });
  return tf.tensor2d(data, [n, classes]);
}

/** Model outputs for many rows as a plain array [rows, outputSize], in chunks so memory stays bounded. */
export function predictVectors(model: VectorModel, batch: VectorBatch, options: { params?: Params; chunkSize?: number } = {}): Float32Array {
  const chunk = options.chunkSize ?? 4096;
  const out = new Float32Array(batch.batchSize * model.outputSize);
  for (let start = 0; start < batch.batchSize; start += chunk) {
    const size = Math.min(chunk, batch.batchSize - start);
    const part = sliceRows(batch, start, size);
    const y = model.forward(part, { params: options.params });
    out.set(y.dataSync(), start * model.outputSize);
    y.dispose();
  }
  return out;
}

function sliceRows(batch: VectorBatch, start: number, size: number): VectorBatch {
  const w = batch.inputSize;
  return { inputs: batch.inputs.subarray(start * w, (start + size) * w), batchSize: size, inputSize: w };
}

/** Selects rows of a labelled dataset (copies). */
export function takeRows(data: LabelledVectors, rows: readonly number[]): LabelledVectors {
  const w = data.batch.inputSize;
  const inputs = new Float32Array(rows.length * w);
  rows.forEach((r, i) => inputs.set(data.batch.inputs.subarray(r * w, (r + 1) * w), i * w));
  const out: LabelledVectors = { batch: { inputs, batchSize: rows.length, inputSize: w } };
  if (data.targets) {
    const o = data.targets.length / data.batch.batchSize;
    const targets = new Float32Array(rows.length * o);
    rows.forEach((r, i) => targets.set(data.targets!.subarray(r * o, (r + 1) * o), i * o));
    out.targets = targets;
  }
  if (data.labels) out.labels = Int32Array.from(rows, (r) => data.labels![r]);
  return out;
}

/**
 * Minibatch order as a pure function of (dataSeed, epoch), so a rerun replays exactly the same batches.
 * The last partial batch of an epoch is kept (every row is seen once per epoch).
 */
function minibatches(data: LabelledVectors, batchSize: number, dataSeed: number): (step: number) => LabelledVectors {
  const n = data.batch.batchSize;
  if (n === 0) throw new ComplensError('the training data has no rows');
  if (batchSize === 0 || batchSize >= n) return () => data;
  const perEpoch = Math.ceil(n / batchSize);
  let epochOf = -1;
  let order: number[] = [];
  return (step) => {
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== epochOf) {
      order = Rng.derive(dataSeed, `epoch:${epoch}`).permutation(n);
      epochOf = epoch;
    }
    const start = (step % perEpoch) * batchSize;
    return takeRows(data, order.slice(start, start + batchSize));
  };
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const norm = Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
  if (norm <= maxNorm) return grads;
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.mul(maxNorm / norm)]));
}
