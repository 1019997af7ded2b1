/**
 * The elementwise and row-wise pieces of the block. Everything works on 2-D [rows, features] tensors: on the wasm
 * backend only 2-D matMul reaches XNNPACK, so the residual stream is kept as [B·T, d_model] and reshaped to
 * [B, T, d_model] only where a hook looks at it (a reshape is free).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util/random';

/** LayerNorm over the last axis with the biased variance, as torch.nn.LayerNorm. */
export function layerNorm(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor2D {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), w), b) as tf.Tensor2D;
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

/**
 * minGPT's NewGELU, 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), computed as x·σ(u) with u = 2√(2/π)(x + 0.044715x³):
 * the same function, because 0.5(1 + tanh(u/2)) = σ(u). The wasm Tanh kernel is scalar libm while Sigmoid is
 * vectorised, and the hand-written gradient avoids the Cast copies tfjs's Multiply gradient makes.
 */
export const gelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const x2 = tf.mul(x, x);
  const s = tf.sigmoid(tf.mul(tf.mul(x, tf.add(tf.mul(x2, GELU_K), 1)), 2 * GELU_C));
  save([x, x2, s]);
  return {
    value: tf.mul(x, s),
    // d/dx x·σ(u) = σ + x·σ(1 − σ)·u', with u' = 2√(2/π)(1 + 3·0.044715x²).
    gradFunc: (dy, saved) => {
      const [xs, x2s, ss] = saved;
      const du = tf.mul(tf.add(tf.mul(x2s, 3 * GELU_K), 1), 2 * GELU_C);
      return tf.mul(dy, tf.add(ss, tf.mul(tf.mul(xs, tf.mul(ss, tf.sub(1, ss))), du)));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

export function linear(x: tf.Tensor2D, W: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  const y = tf.matMul(x, W as tf.Tensor2D) as tf.Tensor2D;
  return b ? (tf.add(y, b) as tf.Tensor2D) : y;
}

/** One-hot rows [rows, vocab] for token ids: the embedding lookup as a matmul (the wasm backend cannot differentiate gather). */
export function oneHotRows(tokens: ArrayLike<number>, vocab: number): tf.Tensor2D {
  const data = new Float32Array(tokens.length * vocab);
  for (let i = 0; i < tokens.length; i++) data[i * vocab + tokens[i]] = 1;
  return tf.tensor2d(data, [tokens.length, vocab]);
}

/** Additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above (finite so that patched scores stay NaN-free). */
export function causalMask(T: number): tf.Tensor2D {
  const data = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
  return tf.tensor2d(data, [T, T]);
}

/**
 * Inverted dropout with a seeded mask: each element is kept with probability 1 − rate and then scaled by
 * 1/(1 − rate), as torch.nn.Dropout in training mode. The mask depends only on (seed, site, shape), never on the
 * backend or on tfjs's global RNG: `Rng.derive(seed, site)` seeds a mulberry32 stream (the generator of
 * lib/util/random, inlined here because a training step draws ~10^5–10^6 of them) read in row-major order.
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number, site: string): T {
  if (rate <= 0) return x;
  if (!(rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  return tf.mul(x, tf.tensor(dropoutMask(x.size, rate, seed, site), x.shape)) as T;
}

/** The mask values: 0 (dropped) or 1/(1 − rate) (kept); an element is dropped when its 32-bit draw is below rate·2^32. */
export function dropoutMask(size: number, rate: number, seed: number, site: string): Float32Array {
  const mask = new Float32Array(size);
  const scale = 1 / (1 - rate);
  const threshold = Math.floor(rate * 4294967296);
  let state = Math.floor(Rng.derive(seed, site).next() * 4294967296) | 0;
  for (let i = 0; i < size; i++) {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    if ((t ^ (t >>> 14)) >>> 0 >= threshold) mask[i] = scale;
  }
  return mask;
}
