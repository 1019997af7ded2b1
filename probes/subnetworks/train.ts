/**
 * trainMask: continuous sparsification of a frozen model, generic over sequence and vector models. The caller
 * supplies the task loss as a function of a minibatch and a params override; only the mask scores are trained.
 *
 *   loss = lossFn(batch, { W ⊙ σ(β·s) }) + λ · Σ σ(β·s)        (Adam on s only; W bit-identical afterwards)
 *   β = β_max^(u/U), u = completed epochs (or steps), so β goes 1 → β_max over the run
 *   result: the final hard mask 1[s > 0] (the paper keeps the last mask; no early stopping)
 */
import * as tf from '@tensorflow/tfjs';
import { epochBatches, makeBatch } from '../../lib/data/batches';
import { AnyModel, Params, SequenceBatch, SequenceModel, VectorModel } from '../../lib/models/types';
import { EncodedExample } from '../../lib/tasks/types';
import { answerLoss } from '../../lib/train/evaluate';
import { LabelledVectors, takeRows, VectorLoss, vectorLoss } from '../../lib/train/vector';
import { ComplensError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/random';
import { BinaryMask } from './binary-mask';
import { betaSchedule, MaskTrainConfig, validateMaskTrainConfig } from './config';
import { MaskSet, ScoreValues } from './mask-set';

/** Mask-training data: the minibatches of each epoch, as a pure function of the epoch index. */
export interface MaskData<B> {
  /** Rows (examples) in one epoch. */
  readonly rows: number;
  epoch(epoch: number): B[];
}

/** The task loss of a minibatch under a params override (a scalar; called inside the trainer's gradient scope). */
export type MaskLoss<B> = (batch: B, params: Params) => tf.Scalar;

export interface MaskTrainPoint {
  /** Epoch just finished (1-based). */
  epoch: number;
  step: number;
  /** β used in the epoch's last step. */
  beta: number;
  /** Mean task loss over the epoch's steps (without the penalty). */
  taskLoss: number;
  /** Mean of Σ σ(β·s) (or its mean, per `penalty`) over the epoch's steps, before λ. */
  penalty: number;
  /** Kept fraction of the hard mask 1[s > 0] at the end of the epoch. */
  keptFraction: number;
  /** Whatever `options.evaluate` returned. */
  metrics: Record<string, number>;
}

export interface MaskTrainResult {
  /** The final hard mask 1[s > 0]. */
  mask: BinaryMask;
  /** The final scores (host copies). */
  scores: ScoreValues[];
  history: MaskTrainPoint[];
  steps: number;
  epochs: number;
  /**
   * β of the last step: β_max^((U−1)/U) with U schedule units (the schedule reaches β_max as the run ends, when
   * the hard mask 1[s > 0] takes over; a step cap spreads the schedule over the capped run).
   */
  lastBeta: number;
  config: MaskTrainConfig;
  wallSeconds: number;
  msPerStep: number;
}

export interface MaskTrainOptions {
  onProgress?: (step: number, totalSteps: number, detail: string) => void;
  /** Called after every epoch with the current hard mask; return named metrics to record (e.g. validation accuracy). */
  evaluate?: (mask: BinaryMask, epoch: number) => Record<string, number>;
  /**
   * Train these scores instead of fresh ones (e.g. `MaskSet.fromBinary`); the caller keeps ownership and they are
   * left at their trained values. By default a fresh MaskSet is created from the config and disposed at the end.
   */
  maskSet?: MaskSet;
}

export async function trainMask<B>(
  model: AnyModel,
  lossFn: MaskLoss<B>,
  data: MaskData<B>,
  configInput: Partial<MaskTrainConfig> = {},
  options: MaskTrainOptions = {},
): Promise<MaskTrainResult> {
  const config = validateMaskTrainConfig(configInput);
  if (data.rows === 0) throw new ComplensError('trainMask: the mask-training data has no rows');
  if (options.maskSet && options.maskSet.model !== model) throw new ComplensError('trainMask: options.maskSet wraps a different model');
  const set = options.maskSet ?? MaskSet.create(model, { include: config.include, exclude: config.exclude, initScore: config.initScore, allowUnmaskable: config.allowUnmaskable });
  const optimizer = tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
  const started = Date.now();
  try {
    const firstEpoch = data.epoch(0);
    const stepsPerEpoch = firstEpoch.length;
    if (stepsPerEpoch === 0) throw new ComplensError('trainMask: an epoch of the mask-training data has no batches');
    const fullSteps = config.epochs * stepsPerEpoch;
    const totalSteps = config.maxSteps > 0 ? Math.min(config.maxSteps, fullSteps) : fullSteps;
    const betaOf = betaSchedule(config, totalSteps, stepsPerEpoch);
    const variables = set.variables;
    const history: MaskTrainPoint[] = [];
    let step = 0;
    let beta = 1;
    for (let epoch = 0; step < totalSteps; epoch++) {
      const batches = epoch === 0 ? firstEpoch : data.epoch(epoch);
      // The epoch's loss sums stay on the device: one host read per epoch, not two per step.
      let sums: tf.Tensor1D = tf.zeros([2]);
      let count = 0;
      for (const batch of batches) {
        if (step >= totalSteps) break;
        beta = betaOf(step);
        const next = tf.tidy(() => {
          let values: tf.Tensor1D | undefined;
          const { grads } = tf.variableGrads(() => {
            const soft = set.softMasks(beta);
            const task = lossFn(batch, set.softParams(beta, soft));
            const penalty = set.penalty(beta, config.penalty, soft);
            values = tf.keep(tf.stack([task, penalty]) as tf.Tensor1D); // survives the forward tidy; disposed below
            return tf.add(task, tf.mul(penalty, config.lambda)) as tf.Scalar;
          }, variables);
          optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
          const total = tf.add(sums, values!) as tf.Tensor1D;
          values!.dispose();
          return total;
        });
        sums.dispose();
        sums = next;
        count++;
        step++;
      }
      const [taskSum, penaltySum] = sums.dataSync();
      sums.dispose();
      if (!Number.isFinite(taskSum)) throw new ComplensError(`mask training diverged in epoch ${epoch + 1} (by step ${step}): task loss is ${taskSum}; lower mask.learningRate`);
      const mask = set.hardMask();
      const metrics = options.evaluate?.(mask, epoch + 1) ?? {};
      const point: MaskTrainPoint = { epoch: epoch + 1, step, beta, taskLoss: taskSum / count, penalty: penaltySum / count, keptFraction: mask.keptFraction(), metrics };
      history.push(point);
      const detail = [`β ${beta.toFixed(1)}`, `loss ${point.taskLoss.toFixed(4)}`, `kept ${(point.keptFraction * 100).toFixed(1)}%`, ...Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`)];
      options.onProgress?.(step, totalSteps, detail.join(' · '));
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const epochs = history.length;
    return {
      mask: set.hardMask(),
      scores: set.scoreValues(),
      history,
      steps: step,
      epochs,
      lastBeta: beta,
      config,
      wallSeconds,
      msPerStep: step ? (wallSeconds * 1000) / step : 0,
    };
  } finally {
    optimizer.dispose();
    if (!options.maskSet) set.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Data and losses for the two model kinds.

/** Minibatches of labelled vectors; the order of each epoch is a pure function of (seed, epoch). */
export function vectorMaskData(data: LabelledVectors, batchSize: number, seed = 0): MaskData<LabelledVectors> {
  const n = data.batch.batchSize;
  return {
    rows: n,
    epoch(epoch) {
      if (batchSize === 0 || batchSize >= n) return [data];
      const order = Rng.derive(seed, `mask-epoch:${epoch}`).permutation(n);
      const out: LabelledVectors[] = [];
      for (let i = 0; i < n; i += batchSize) out.push(takeRows(data, order.slice(i, i + batchSize)));
      return out;
    },
  };
}

/**
 * Minibatches of encoded sequence examples, bucketed by (prompt, target) length so that nothing is padded
 * (lib/data/batches). batchSize 0 = one batch per length bucket.
 */
export function sequenceMaskData(examples: readonly EncodedExample[], batchSize: number, seed = 0): MaskData<SequenceBatch> {
  return {
    rows: examples.length,
    epoch(epoch) {
      const size = batchSize === 0 ? Math.max(1, examples.length) : batchSize;
      return epochBatches(examples, size, seed, epoch).map((indices) => makeBatch(examples, indices));
    },
  };
}

/** Teacher-forced answer cross-entropy of a sequence model (what its trainer minimises). */
export function sequenceMaskLoss(model: SequenceModel): MaskLoss<SequenceBatch> {
  return (batch, params) => answerLoss(model.forward(batch, { params, mode: 'teacher' }), batch.tokens, batch.promptLength, batch.length);
}

/** Softmax cross-entropy (classifiers, odd-one-out) or MSE of a vector model. */
export function vectorMaskLoss(model: VectorModel, loss: VectorLoss = 'softmax-ce'): MaskLoss<LabelledVectors> {
  return (rows, params) => vectorLoss(model, rows, loss, params);
}
