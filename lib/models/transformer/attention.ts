/**
 * Causal multi-head self-attention. Q, K, V and the output projection are single 2-D matmuls over all B·T rows
 * (the per-head weights are laid side by side); only the T×T score and mixing products are batched matmuls,
 * which are small for the sequence lengths used here.
 */
import * as tf from '@tensorflow/tfjs';
import { HookRuntime } from '../../hooks';
import { headDim, TransformerConfig } from './config';
import { linear } from './layers';

/** Per-head [n_heads, d_model, d_head] → [d_model, n_heads·d_head], head-major columns, so one matmul serves all heads. */
function sideBySide(W: tf.Tensor): tf.Tensor2D {
  const [H, D, dH] = W.shape;
  return tf.reshape(tf.transpose(W, [1, 0, 2]), [D, H * dH]);
}

export interface AttentionWeights {
  W_Q: tf.Tensor;
  W_K: tf.Tensor;
  W_V: tf.Tensor;
  b_Q: tf.Tensor;
  b_K: tf.Tensor;
  b_V: tf.Tensor;
  W_O: tf.Tensor;
  b_O: tf.Tensor;
}

/** Training-time dropout at a named site (identity when not training). */
export type DropFn = <T extends tf.Tensor>(x: T, site: string) => T;

/**
 * x: the normalised stream [B·T, d_model]; mask: additive [T, T]. Returns the attention output [B·T, d_model].
 * `prefix` is `blocks.{l}.`; `position` is passed to hooks (the decoded position in greedy mode). `drop`, when
 * training with dropout, is applied to the attention pattern after `hook_pattern` (minGPT's attn_dropout), so the
 * hook sees the softmax and `hook_z` the dropped pattern times the values.
 */
export function attention(
  x: tf.Tensor2D,
  w: AttentionWeights,
  dims: { B: number; T: number },
  mask: tf.Tensor2D,
  config: TransformerConfig,
  rt: HookRuntime,
  prefix: string,
  position?: number,
  drop?: DropFn,
): tf.Tensor2D {
  const { B, T } = dims;
  const H = config.nHeads;
  const dH = headDim(config);
  const project = (W: tf.Tensor, b: tf.Tensor, name: string) =>
    rt.point(`${prefix}attn.${name}`, tf.reshape(linear(x, sideBySide(W), tf.reshape(b, [H * dH])), [B, T, H, dH]) as tf.Tensor4D, position);
  const q = project(w.W_Q, w.b_Q, 'hook_q');
  const k = project(w.W_K, w.b_K, 'hook_k');
  const v = project(w.W_V, w.b_V, 'hook_v');

  const heads = (t: tf.Tensor4D) => tf.transpose(t, [0, 2, 1, 3]); // [B, H, T, dH]
  const raw = tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(dH));
  const scores = rt.point(`${prefix}attn.hook_attn_scores`, tf.add(raw, mask) as tf.Tensor4D, position);
  const pattern = rt.point(`${prefix}attn.hook_pattern`, tf.softmax(scores, -1), position);
  const mixing = drop ? drop(pattern, `${prefix}attn.pattern`) : pattern;
  const z = rt.point(`${prefix}attn.hook_z`, tf.transpose(tf.matMul(mixing, heads(v)), [0, 2, 1, 3]) as tf.Tensor4D, position);
  return linear(tf.reshape(z, [B * T, H * dH]), tf.reshape(w.W_O, [H * dH, config.dModel]), w.b_O);
}
