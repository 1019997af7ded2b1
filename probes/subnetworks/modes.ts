/**
 * Ablation modes: a binary mask turned into a `params` override record for `model.forward(batch, { params })`.
 * Only the tensors the mask covers are overridden; every other weight (biases, embeddings, unmasked layers) is the
 * model's own variable, so "unmasked layers are kept as-is, present in both the subnetwork and the ablated model"
 * (Lepori et al. 2023, D.6 item 7) holds by construction.
 *
 * | mode              | inside the covered tensors                                                     | source                       |
 * |-------------------|--------------------------------------------------------------------------------|------------------------------|
 * | 'full'            | unchanged (no override at all)                                                 | reference                    |
 * | 'subnetwork'      | W where the mask is 1, 0 elsewhere                                             | paper: subnetwork test       |
 * | 'ablation'        | 0 where the mask is 1, W elsewhere (= 'subnetwork' of mask.inverse())          | paper: "zero" ablation       |
 * | 'random-ablation' | fresh initial values (the tensor's ParamSpec init, seeded) where the mask is 1  | paper: "random" ablation     |
 * | 'complement'      | a subnetwork of the same size per tensor, drawn from the weights outside the mask | NeuroSurgeon complement_sampled |
 * | 'random-sampled'  | a subnetwork of the same size per tensor, drawn from all weights                 | NeuroSurgeon randomly_sampled |
 *
 * The last two are size-matched controls: "does any subnetwork this sparse do it, or this one?". The plain
 * complement subnetwork (keep exactly the weights outside the mask) equals 'ablation' and is not a separate mode.
 */
import * as tf from '@tensorflow/tfjs';
import { initialValues } from '../../lib/models/init';
import { AnyModel, ParamSpec, Params } from '../../lib/models/types';
import { ComplensError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/random';
import { BinaryMask } from './binary-mask';

export const ABLATION_MODES = ['full', 'subnetwork', 'ablation', 'random-ablation', 'complement', 'random-sampled'] as const;
export type AblationMode = (typeof ABLATION_MODES)[number];

export interface MaskedParamsOptions {
  /** Seed of 'random-ablation' values and of the 'complement' / 'random-sampled' draws (default 0). */
  seed?: number;
}

/**
 * The params override for `mode`. Tensors are new (the caller disposes them: `disposeParams`, or use
 * `withMaskedParams`); the model's variables are never written.
 */
export function maskedParams(model: AnyModel, mask: BinaryMask, mode: AblationMode, options: MaskedParamsOptions = {}): Params {
  if (mode === 'full') return {};
  const seed = options.seed ?? 0;
  const params: Params = {};
  for (const t of mask.tensors) {
    const spec = model.paramSpecs.find((s) => s.name === t.name);
    const variable = model.params[t.name];
    if (!spec || !variable) throw new ComplensError(`mask covers ${t.name}, which this model does not have`);
    if (spec.shape.length !== t.shape.length || spec.shape.some((d, i) => d !== t.shape[i])) {
      throw new ComplensError(`mask tensor ${t.name} has shape [${t.shape}], the model's is [${spec.shape}]`);
    }
    const w = variable.dataSync() as Float32Array;
    params[t.name] = tf.tensor(overrideValues(w, t.bits, spec, mode, seed), spec.shape, 'float32');
  }
  return params;
}

function overrideValues(w: Float32Array, bits: Uint8Array, spec: ParamSpec, mode: AblationMode, seed: number): Float32Array {
  const out = new Float32Array(w.length);
  switch (mode) {
    case 'subnetwork':
      for (let i = 0; i < w.length; i++) out[i] = bits[i] ? w[i] : 0;
      return out;
    case 'ablation':
      for (let i = 0; i < w.length; i++) out[i] = bits[i] ? 0 : w[i];
      return out;
    case 'random-ablation': {
      const fresh = initialValues(spec, Rng.derive(seed, `random-ablation:${spec.name}`));
      for (let i = 0; i < w.length; i++) out[i] = bits[i] ? fresh[i] : w[i];
      return out;
    }
    case 'complement':
    case 'random-sampled': {
      const sample = sampledBits(bits, mode, Rng.derive(seed, `${mode}:${spec.name}`));
      for (let i = 0; i < w.length; i++) out[i] = sample[i] ? w[i] : 0;
      return out;
    }
    default:
      throw new ComplensError(`unknown ablation mode ${JSON.stringify(mode)}; one of ${ABLATION_MODES.join(', ')}`);
  }
}

/**
 * A random mask with as many kept weights as `bits` (per tensor): from the weights outside `bits` ('complement',
 * all of them when the outside is smaller than the subnetwork) or from all weights ('random-sampled').
 */
export function sampledBits(bits: Uint8Array, mode: 'complement' | 'random-sampled', rng: Rng): Uint8Array {
  let k = 0;
  for (let i = 0; i < bits.length; i++) k += bits[i];
  const pool: number[] = [];
  for (let i = 0; i < bits.length; i++) if (mode === 'random-sampled' || !bits[i]) pool.push(i);
  const take = Math.min(k, pool.length);
  // Partial Fisher–Yates: the first `take` entries of a uniform shuffle.
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(pool.length - i);
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  const out = new Uint8Array(bits.length);
  for (let i = 0; i < take; i++) out[pool[i]] = 1;
  return out;
}

/** The mask a size-matched control mode actually keeps (for IoU and sparsity reports); identity otherwise. */
export function effectiveMask(mask: BinaryMask, mode: AblationMode, options: MaskedParamsOptions = {}): BinaryMask {
  const seed = options.seed ?? 0;
  switch (mode) {
    case 'full':
      return BinaryMask.constant(mask.tensors, 1);
    case 'subnetwork':
      return mask;
    case 'ablation':
    case 'random-ablation':
      return mask.inverse();
    case 'complement':
    case 'random-sampled':
      return new BinaryMask(mask.tensors.map((t) => ({ name: t.name, shape: t.shape, bits: sampledBits(t.bits, mode, Rng.derive(seed, `${mode}:${t.name}`)) })));
  }
}

export function disposeParams(params: Params): void {
  for (const t of Object.values(params)) t.dispose();
}

/** Runs `fn` with the override for `mode` and disposes it afterwards (also when `fn` throws). */
export function withMaskedParams<T>(model: AnyModel, mask: BinaryMask, mode: AblationMode, fn: (params: Params) => T, options: MaskedParamsOptions = {}): T {
  const params = maskedParams(model, mask, mode, options);
  try {
    return fn(params);
  } finally {
    disposeParams(params);
  }
}
