/**
 * trainVectorModel's fast engine for MlpModels: the same loop, batches, history, evaluation, save and resume
 * points as the tfjs engine (lib/train/vector.ts), with the step done by an MlpMember on the wasm heap and
 * tf.train.adam's update (plus AdamW's decoupled decay) done in place by the SIMD kernels. The model's variables
 * are refreshed from the heap only where someone reads them: at history points (for `evaluate`) and at the end.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmHeap } from '../../backend/wasm-heap';
import { MlpModel } from '../../models/mlp';
import { VectorModel } from '../../models/types';
import { AdamState } from './adam';
import { simdKernels } from '../../backend/simd/simd';
import { ComplensError } from '../../util/errors';
import { metricDetail, TrainingLog } from '../loop';
import type { LabelledVectors, VectorTrainConfig, VectorTrainOptions, VectorTrainPoint, VectorTrainResult } from '../vector';
import { fastMlpUnsupported, MlpMember } from './mlp';

/** Why `model` under `config` cannot use the fast engine (undefined when it can). */
export function fastVectorUnsupported(model: VectorModel, config: VectorTrainConfig): string | undefined {
  if (!(model instanceof MlpModel)) return 'only MlpModels have a fast engine';
  if (tf.getBackend() !== 'wasm') return `the fast engine runs on the wasm backend (active: ${tf.getBackend()})`;
  if (config.gradClip > 0) return 'gradient clipping (training.gradClip) is not implemented in the fast engine';
  return fastMlpUnsupported(model.config);
}

export async function trainVectorModelFast(
  model: MlpModel,
  next: (step: number) => LabelledVectors,
  config: VectorTrainConfig,
  options: VectorTrainOptions,
): Promise<VectorTrainResult> {
  const heap = wasmHeap();
  const resume = options.resume;
  const log = new TrainingLog<VectorTrainPoint>({ ...config, saveEvery: options.onSaveState ? options.saveEvery : 0, onProgress: options.onProgress }, resume);
  const startStep = log.startStep;
  if (startStep >= config.maxSteps) return { steps: config.maxSteps, history: log.history, wallSeconds: 0, msPerStep: 0 };
  // The workspace is sized by the first batch; a later larger one (never in the workloads) gets a bigger member.
  const first = next(startStep);
  let member = new MlpMember(heap, simdKernels(heap), model.config, first.batch.batchSize);
  const hyper = { learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon };
  const decay = config.optimizer === 'adamw' && config.weightDecay > 0 ? Math.fround(1 - config.learningRate * config.weightDecay) : 1;
  const decayed = model.paramSpecs.filter((s) => s.maskable && s.shape.length >= 2).map((s) => member.offset(s.name));
  let adam: AdamState;
  try {
    member.load(readWeights(model));
    adam = resume ? restoreSlots(member, model, hyper, resume.optimizer) : new AdamState(hyper);
  } catch (err) {
    member.dispose();
    throw err;
  }
  try {
    for (let step = startStep + 1; step <= config.maxSteps; step++) {
      const rows = step === startStep + 1 ? first : next(step - 1);
      if (rows.batch.batchSize > member.maxRows) {
        const bigger = new MlpMember(heap, member.kernels, model.config, rows.batch.batchSize);
        bigger.write(bigger.params, member.read(member.params));
        bigger.write(bigger.m, member.read(member.m));
        bigger.write(bigger.v, member.read(member.v));
        member.dispose();
        member = bigger;
      }
      const lossValue = member.lossAndGrads(rows, config.loss);
      const atPoint = log.addStep(step, lossValue); // throws, before the update, when training diverged
      adam.step(member.kernels, member.params, member.grads, member.m, member.v, member.size);
      if (decay !== 1) for (const d of decayed) member.kernels.scale(member.params + d.byte, d.length, decay);
      if (!atPoint) continue;
      writeWeights(model, member);
      const metrics = options.evaluate?.(model, step) ?? {};
      log.point(step, { metrics }, metricDetail(metrics));
      if (options.onSaveState && log.saveDue(step)) await options.onSaveState({ step, history: [...log.history], optimizer: saveSlots(member, model, adam, step) });
    }
  } finally {
    member.dispose();
  }
  return { steps: config.maxSteps, history: log.history, ...log.timing(config.maxSteps) };
}

function readWeights(model: MlpModel): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array]));
}

function writeWeights(model: MlpModel, member: MlpMember): void {
  const weights = member.read();
  for (const s of model.paramSpecs) {
    const t = tf.tensor(weights[s.name], s.shape, 'float32');
    model.params[s.name].assign(t);
    t.dispose();
  }
}

/**
 * The state in the tfjs engine's format (optimizerSlots: 'iter', every variable's m then every v under
 * `<variable>/m|v`, and the running β products), so either engine resumes what the other saved.
 */
function saveSlots(member: MlpMember, model: MlpModel, adam: AdamState, step: number): { name: string; tensor: tf.Tensor }[] {
  const [m, v] = [member.read(member.m), member.read(member.v)];
  const specs = model.paramSpecs;
  const { accBeta1, accBeta2 } = adam.powers();
  return [
    { name: 'iter', tensor: tf.scalar(step, 'int32') },
    ...specs.map((s) => ({ name: `${model.params[s.name].name}/m`, tensor: tf.tensor(m[s.name], s.shape) })),
    ...specs.map((s) => ({ name: `${model.params[s.name].name}/v`, tensor: tf.tensor(v[s.name], s.shape) })),
    { name: '__accBeta1', tensor: tf.scalar(accBeta1) },
    { name: '__accBeta2', tensor: tf.scalar(accBeta2) },
  ];
}

/** Moments and β products from saved slots (by position, as tfjs's setWeights reads them). */
function restoreSlots(member: MlpMember, model: MlpModel, hyper: ConstructorParameters<typeof AdamState>[0], slots: readonly { name: string; tensor: tf.Tensor }[]): AdamState {
  const specs = model.paramSpecs;
  const moments = slots.filter((s) => s.name !== 'iter' && !s.name.startsWith('__'));
  if (moments.length !== 2 * specs.length) throw new ComplensError(`saved optimizer state has ${moments.length} moment slots, the model needs ${2 * specs.length}`);
  const block = (from: number) => Object.fromEntries(specs.map((s, i) => [s.name, moments[from + i].tensor.dataSync() as Float32Array]));
  member.write(member.m, block(0));
  member.write(member.v, block(specs.length));
  const power = (key: string, beta: number) => {
    const saved = slots.find((s) => s.name === `__${key}`);
    if (saved) return saved.tensor.dataSync()[0];
    // As tfjs's setWeights without the saved products: β^(iter+1).
    const iter = slots.find((s) => s.name === 'iter')?.tensor.dataSync()[0] ?? 0;
    return Math.fround(beta ** (iter + 1));
  };
  return new AdamState(hyper, { accBeta1: power('accBeta1', hyper.beta1), accBeta2: power('accBeta2', hyper.beta2) });
}
