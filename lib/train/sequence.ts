/**
 * The reference trainer for sequence models: tfjs autodiff, Adam/AdamW, minibatch or full batch, seeded and
 * deterministic (same seeds and backend → identical weights), early stop on train exact match, optional
 * auxiliary automaton-state supervision, resumable from a saved state. The haystack search uses a faster
 * population trainer (lib/search); this one serves every architecture and is the semantics that one must match.
 */
import * as tf from '@tensorflow/tfjs';
import { bucketize, epochBatches, makeBatch } from '../data/batches';
import { HookRuntime } from '../hooks';
import { initParams } from '../models/init';
import { DropoutOptions, SequenceBatch, SequenceModel } from '../models/types';
import { EncodedExample, SequenceTask } from '../tasks/types';
import { ComplensError } from '../util/errors';
import { Rng } from '../util/random';
import { answerLoss, evaluateExamples } from './evaluate';
import { SequenceTrainConfig, validateTrainConfig } from './config';
import { TrainingLog } from './loop';
import { optimizerSlots, PartialState, restoreOptimizer } from './partial';

export interface TrainPoint {
  step: number;
  /** Mean training loss over the steps since the previous point. */
  loss: number;
  trainExactMatch: number;
  seconds: number;
}

export interface TrainResult {
  steps: number;
  stoppedBecause: 'accuracy' | 'maxSteps';
  trainExactMatch: number;
  history: TrainPoint[];
  wallSeconds: number;
  msPerStep: number;
}

/** Everything needed to continue a run exactly where it stopped. */
export type TrainState = PartialState<TrainPoint>;

export interface TrainOptions {
  onProgress?: (step: number, maxSteps: number, detail: string) => void;
  /**
   * Called at the first history point at least `saveEvery` steps after the last save with a state to persist (the
   * caller also saves the model weights); see lib/train/loop.ts.
   */
  onSaveState?: (state: TrainState) => Promise<void> | void;
  saveEvery?: number;
  resume?: TrainState;
  /** Seed for the auxiliary readout's initialisation. */
  auxSeed?: number;
}

export async function trainSequenceModel(
  model: SequenceModel,
  task: SequenceTask,
  configInput: Partial<SequenceTrainConfig>,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const config = validateTrainConfig(configInput);
  const train = task.split(task.splitNames()[0]).examples;
  if (train.length === 0) throw new ComplensError(`task ${task.kind}: the training split is empty`);
  const aux = config.auxWeight > 0 ? createAux(model, task, options.auxSeed ?? 0, config.auxTarget) : undefined;
  if (aux && options.resume?.aux) for (const [k, v] of Object.entries(options.resume.aux)) aux[k].assign(v);
  const variables = [...Object.values(model.params), ...Object.values(aux ?? {}).filter((v) => v.trainable)];
  const optimizer = tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
  const decayed = model.paramSpecs.filter((s) => s.maskable && s.shape.length >= 2).map((s) => model.params[s.name]);

  const stopCheck =
    train.length <= config.evalSampleSize
      ? train
      : Rng.derive(config.dataSeed, 'stop-check').permutation(train.length).slice(0, config.evalSampleSize).sort((a, b) => a - b).map((i) => train[i]);
  const batchesPerEpoch = config.batchSize === 0 ? 1 : epochBatches(train, config.batchSize, config.dataSeed, 0).length;
  const log = new TrainingLog<TrainPoint>({ ...config, saveEvery: options.onSaveState ? options.saveEvery : 0, saveAtLastStep: true, onProgress: options.onProgress }, options.resume);
  let step = log.startStep;
  if (options.resume) await restoreOptimizer(optimizer, options.resume.optimizer);
  let trainExactMatch = log.history.length ? log.history[log.history.length - 1].trainExactMatch : 0;
  let stoppedBecause: TrainResult['stoppedBecause'] = 'maxSteps';
  let epochOrder: number[][] = [];
  let epochOfOrder = -1;

  while (step < config.maxSteps) {
    const epoch = Math.floor(step / batchesPerEpoch);
    let groups: number[][];
    if (config.batchSize === 0) {
      groups = bucketize(train).map((b) => b.indices);
    } else {
      if (epoch !== epochOfOrder) {
        epochOrder = epochBatches(train, config.batchSize, config.dataSeed, epoch);
        epochOfOrder = epoch;
      }
      groups = [epochOrder[step % batchesPerEpoch]];
    }
    const rows = groups.reduce((s, g) => s + g.length, 0);
    const lossValue = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        let total = tf.scalar(0);
        for (const [g, indices] of groups.entries()) {
          const dropout = config.dropout > 0 ? { rate: config.dropout, seed: dropoutSeed(config.dataSeed, step, g) } : undefined;
          const loss = batchLoss(model, makeBatch(train, indices), indices.map((i) => train[i]), config.auxWeight, aux, dropout);
          total = total.add(loss.mul(indices.length / rows));
        }
        return total as tf.Scalar;
      }, variables);
      const clipped = config.gradClip > 0 ? clipByGlobalNorm(grads, config.gradClip) : grads;
      optimizer.applyGradients(clipped as Parameters<typeof optimizer.applyGradients>[0]);
      if (config.optimizer === 'adamw' && config.weightDecay > 0) {
        for (const v of decayed) v.assign(v.mul(1 - config.learningRate * config.weightDecay));
      }
      return value.dataSync()[0];
    });
    step++;
    if (!log.addStep(step, lossValue)) continue;
    trainExactMatch = evaluateExamples(model, stopCheck).exactMatch;
    log.point(step, { trainExactMatch }, [`train exact ${(trainExactMatch * 100).toFixed(1)}%`]);
    if (trainExactMatch >= config.stopAtTrainAccuracy) {
      stoppedBecause = 'accuracy';
      break;
    }
    if (options.onSaveState && log.saveDue(step)) {
      // Clones: the optimizer's own slots are disposed with it when this run ends.
      const slots = await optimizerSlots(optimizer);
      const auxCopy = aux && Object.fromEntries(Object.entries(aux).map(([k, v]) => [k, v.clone()]));
      await options.onSaveState({ step, history: [...log.history], optimizer: slots, aux: auxCopy });
    }
  }
  optimizer.dispose();
  if (aux) for (const v of Object.values(aux)) v.dispose();
  return { steps: step, stoppedBecause, trainExactMatch, history: log.history, ...log.timing(step) };
}

/** The dropout-mask seed of one step (and length bucket): a pure function of the data seed, so a resumed run replays it. */
export function dropoutSeed(dataSeed: number, step: number, group = 0): number {
  return Math.floor(Rng.derive(dataSeed, `dropout:${step}:${group}`).next() * 2 ** 32);
}

function batchLoss(
  model: SequenceModel,
  batch: SequenceBatch,
  examples: readonly EncodedExample[],
  auxWeight: number,
  aux?: Record<string, tf.Variable>,
  dropout?: DropoutOptions,
): tf.Scalar {
  if (!aux) return answerLoss(model.forward(batch, dropout ? { dropout } : {}), batch.tokens, batch.promptLength, batch.length);
  const rt = new HookRuntime({}, new Set([model.stateHook]));
  const logits = model.forward(batch, { hooks: rt, ...(dropout ? { dropout } : {}) });
  const hidden = rt.cached[model.stateHook] as tf.Tensor3D;
  const stateLoss = aux['aux.codes'] ? auxCodeLoss(hidden, examples, aux['aux.codes']) : auxStateLoss(hidden, examples, aux);
  const loss = answerLoss(logits, batch.tokens, batch.promptLength, batch.length).add(stateLoss.mul(auxWeight)) as tf.Scalar;
  hidden.dispose();
  return loss;
}

/**
 * Cross-entropy of a linear readout of the state hook against the automaton state (positionLabels.state), over
 * the positions where the state is defined. Written as a masked sum rather than a gather, which has no gradient
 * kernel on wasm.
 */
function auxStateLoss(hidden: tf.Tensor3D, examples: readonly EncodedExample[], aux: Record<string, tf.Variable>): tf.Scalar {
  const [B, T, H] = hidden.shape;
  const S = aux['aux.W'].shape[1] as number;
  const labels = examples.map((ex) => ex.positionLabels.state ?? []);
  const onehot = new Float32Array(B * T * S);
  let count = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const s = labels[b][t];
      if (s >= 0) {
        onehot[(b * T + t) * S + s] = 1;
        count++;
      }
    }
  }
  if (count === 0) return tf.scalar(0);
  const logits = tf.add(tf.matMul(hidden.reshape([B * T, H]), aux['aux.W']), aux['aux.b']);
  return tf.neg(tf.sum(tf.mul(tf.tensor2d(onehot, [B * T, S]), tf.logSoftmax(logits)))).div(count) as tf.Scalar;
}

/** Mean squared distance of the state hook to the fixed code of the automaton state, over defined positions. */
function auxCodeLoss(hidden: tf.Tensor3D, examples: readonly EncodedExample[], codes: tf.Tensor): tf.Scalar {
  const [B, T, H] = hidden.shape;
  const codeValues = codes.dataSync();
  const target = new Float32Array(B * T * H);
  const mask = new Float32Array(B * T * H);
  let count = 0;
  examples.forEach((ex, b) => {
    for (let t = 0; t < T; t++) {
      const s = ex.positionLabels.state?.[t] ?? -1;
      if (s < 0) continue;
      target.set(codeValues.subarray(s * H, (s + 1) * H), (b * T + t) * H);
      mask.fill(1, (b * T + t) * H, (b * T + t + 1) * H);
      count++;
    }
  });
  if (count === 0) return tf.scalar(0);
  const diff = tf.mul(tf.sub(hidden, tf.tensor3d(target, [B, T, H])), tf.tensor3d(mask, [B, T, H]));
  return tf.sum(tf.square(diff)).div(count * H) as tf.Scalar;
}

function createAux(model: SequenceModel, task: SequenceTask, seed: number, target: 'readout' | 'codes'): Record<string, tf.Variable> {
  if (task.stateCount <= 0) throw new ComplensError(`training.auxWeight: task ${task.kind} defines no automaton state to supervise`);
  const hidden: number | undefined = model.paramSpecs.find((s) => s.name.endsWith('W_hh'))?.shape[0];
  if (!hidden) throw new ComplensError('training.auxWeight: auxiliary state supervision needs a recurrent model');
  const k = 1 / Math.sqrt(hidden);
  if (target === 'codes') {
    const rng = Rng.derive(seed, 'aux.codes');
    const codes = Float32Array.from({ length: task.stateCount * hidden }, () => (rng.next() < 0.5 ? -0.9 : 0.9));
    return { 'aux.codes': tf.variable(tf.tensor2d(codes, [task.stateCount, hidden]), false) };
  }
  return initParams(
    [
      { name: 'aux.W', shape: [hidden, task.stateCount], init: 'uniform', scale: k, maskable: false },
      { name: 'aux.b', shape: [task.stateCount], init: 'zeros', maskable: false },
    ],
    seed,
  );
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const norm = Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
  if (norm <= maxNorm) return grads;
  const scale = maxNorm / norm;
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.mul(scale)]));
}

