/**
 * Multilayer perceptron on fixed-size vectors: [Dense + ReLU] × n, then a linear readout, optionally followed by
 * the odd-one-out scoring head. Every matmul is 2-D (items are folded into the batch axis), because rank-3
 * batched matmul is slow on tfjs-wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { CacheResult, HookMap, HookRuntime, NO_HOOKS, runHooked } from '../../hooks';
import { ComplensError } from '../../util/errors';
import { initParams, weight } from '../init';
import { ParamSpec, Params, VectorBatch, VectorModel } from '../types';
import { bodyInputSize, MlpConfig, validateMlpConfig } from './config';
import { MlpHookName, mlpHookPoints } from './hook-names';

/**
 * Parameters in forward order. Initialisation follows PyTorch's nn.Linear: weight and bias uniform in
 * ±1/√fan_in, so imported PyTorch baselines and complens models start from the same distribution.
 */
export function mlpParamSpecs(config: MlpConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  let fanIn = bodyInputSize(config);
  config.hiddenSizes.forEach((width, i) => {
    const k = 1 / Math.sqrt(fanIn);
    specs.push(
      { name: `layers.${i}.W`, shape: [fanIn, width], init: 'uniform', scale: k, maskable: true },
      { name: `layers.${i}.b`, shape: [width], init: 'uniform', scale: k, maskable: false },
    );
    fanIn = width;
  });
  const k = 1 / Math.sqrt(fanIn);
  specs.push(
    { name: 'unembed.W_U', shape: [fanIn, config.outputSize], init: 'uniform', scale: k, maskable: true },
    { name: 'unembed.b_U', shape: [config.outputSize], init: 'uniform', scale: k, maskable: false },
  );
  return specs;
}

export class MlpModel implements VectorModel<MlpConfig, MlpHookName> {
  readonly kind = 'vector' as const;
  readonly config: MlpConfig;
  readonly params: Record<string, tf.Variable>;
  readonly paramSpecs: readonly ParamSpec[];
  readonly hookPoints: readonly MlpHookName[];
  readonly stepwiseHooks: ReadonlySet<MlpHookName> = new Set();

  constructor(config: MlpConfig, seed: number) {
    this.config = validateMlpConfig(config);
    this.paramSpecs = mlpParamSpecs(this.config);
    this.params = initParams(this.paramSpecs, seed);
    this.hookPoints = mlpHookPoints(this.config);
  }

  get inputSize(): number {
    return this.config.inputSize;
  }

  /** Width of `forward`'s output: `outputSize` for the linear head, `items` logits for the odd-one-out head. */
  get outputSize(): number {
    return this.config.head === 'odd-one-out' ? this.config.items : this.config.outputSize;
  }

  /** With `options.hooks`, activations it caches are sealed and readable as `options.hooks.cached` (caller disposes). */
  forward(batch: VectorBatch, options: { params?: Params; hooks?: HookRuntime } = {}): tf.Tensor2D {
    const rt = options.hooks ?? NO_HOOKS;
    return tf.tidy(() => {
      const out = this.run(batch, options.params, rt);
      if (rt !== NO_HOOKS) rt.seal(this.stepwiseHooks);
      return out;
    });
  }

  runWithCache(batch: VectorBatch, options: { names: readonly MlpHookName[]; hooks?: HookMap<MlpHookName>; params?: Params }): CacheResult<MlpHookName> {
    return runHooked((rt) => this.run(batch, options.params, rt), {
      names: options.names,
      hooks: options.hooks,
      known: this.hookPoints,
      stepwise: this.stepwiseHooks,
    });
  }

  runWithHooks(batch: VectorBatch, hooks: HookMap<MlpHookName>, options: { params?: Params } = {}): tf.Tensor2D {
    return runHooked((rt) => this.run(batch, options.params, rt), { hooks, known: this.hookPoints, stepwise: this.stepwiseHooks }).output as tf.Tensor2D;
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }

  /** The forward pass; callers wrap it in a tidy scope. */
  private run(batch: VectorBatch, override: Params | undefined, rt: HookRuntime): tf.Tensor2D {
    checkBatch(batch, this.config.inputSize);
    const w = (name: string) => weight(this.params, override, name);
    const { head, items } = this.config;
    const B = batch.batchSize;
    const input = rt.point('hook_input', tf.tensor2d(batch.inputs, [B, this.config.inputSize]));
    let h: tf.Tensor2D = head === 'odd-one-out' ? input.reshape([B * items, bodyInputSize(this.config)]) : input;
    this.config.hiddenSizes.forEach((_, i) => {
      const pre = rt.point(`layers.${i}.hook_pre`, tf.add(tf.matMul(h, w(`layers.${i}.W`)), w(`layers.${i}.b`)) as tf.Tensor2D);
      h = rt.point(`layers.${i}.hook_post`, tf.relu(pre));
    });
    const out = tf.add(tf.matMul(h, w('unembed.W_U')), w('unembed.b_U')) as tf.Tensor2D;
    if (head === 'linear') return rt.point('hook_output', out);
    // PyTorch's F.normalize: divide by max(‖e‖, 1e-12), so an all-zero embedding stays finite.
    const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(out), 1, true)), 1e-12);
    const e = rt.point('head.hook_embed', tf.div(out, norm) as tf.Tensor2D).reshape([B, items, this.config.outputSize]);
    // Σ_j ⟨e_i, e_j⟩ = ⟨e_i, Σ_j e_j⟩: one elementwise product instead of a batched Gram matrix.
    const total = tf.sum(e, 1, true);
    return rt.point('hook_output', tf.neg(tf.sum(tf.mul(e, total), 2)) as tf.Tensor2D);
  }
}

function checkBatch(batch: VectorBatch, inputSize: number): void {
  if (batch.inputSize !== inputSize) throw new ComplensError(`VectorBatch: inputSize ${batch.inputSize}, but the model reads rows of ${inputSize}`);
  if (batch.inputs.length !== batch.batchSize * batch.inputSize) {
    throw new ComplensError(`VectorBatch: inputs has ${batch.inputs.length} entries, expected batchSize × inputSize = ${batch.batchSize * batch.inputSize}`);
  }
}
