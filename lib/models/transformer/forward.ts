/**
 * One pass of the network over a [B, T] token block: embeddings, pre-LayerNorm blocks, final LayerNorm, and the
 * unembedding at the answer positions only. Callers own the tidy scope.
 */
import * as tf from '@tensorflow/tfjs';
import { HookRuntime } from '../../hooks';
import { DropoutOptions } from '../types';
import { attention, DropFn } from './attention';
import { TransformerConfig } from './config';
import { causalMask, dropout, gelu, layerNorm, linear, oneHotRows } from './layers';

export interface PassInput {
  /** Row-major [B, T] token ids: the model's input positions (prompt ++ target[0..-2]). */
  tokens: Int32Array;
  B: number;
  T: number;
  /** First input position whose logits are returned (promptLength − 1). */
  answerStart: number;
  /** Given to hooks as ctx.position: the position being decoded in greedy mode; undefined in teacher mode. */
  position?: number;
  /**
   * Training-time dropout (minGPT's sites): on the embedding sum, the attention pattern, and the attention and MLP
   * outputs before they are added to the residual stream. Absent or rate 0: no dropout, bit for bit.
   */
  dropout?: DropoutOptions;
}

export type WeightOf = (name: string) => tf.Tensor;

/** Returns logits [B, T − answerStart, vocab]. */
export function transformerPass(config: TransformerConfig, w: WeightOf, input: PassInput, rt: HookRuntime): tf.Tensor3D {
  const { B, T, answerStart, position } = input;
  const D = config.dModel;
  const N = B * T;
  const eps = config.layerNormEps;
  // Hooks see [B, T, ...]; the stream itself stays 2-D for the matmuls.
  const at = (name: string, x: tf.Tensor2D, width = D): tf.Tensor2D =>
    tf.reshape(rt.point(name, tf.reshape(x, [B, T, width]), position), [N, width]);
  const rate = input.dropout?.rate ?? 0;
  const seed = input.dropout?.seed ?? 0;
  const drop: DropFn | undefined = rate > 0 ? (x, site) => dropout(x, rate, seed, site) : undefined;
  const maybeDrop = (x: tf.Tensor2D, site: string): tf.Tensor2D => (drop ? drop(x, site) : x);

  const embed = at('hook_embed', tf.matMul(oneHotRows(input.tokens, config.vocabSize), w('embed.W_E') as tf.Tensor2D));
  const posRows = tf.slice(w('pos_embed.W_pos'), [0, 0], [T, D]);
  // Broadcast by adding to zeros, not broadcastTo: its gradient (Tile's) is one Slice per batch row.
  const pos = at('hook_pos_embed', tf.reshape(tf.add(tf.zeros([B, T, D]), posRows), [N, D]));
  let resid: tf.Tensor2D = maybeDrop(tf.add(embed, pos), 'embed');
  const mask = causalMask(T);

  for (let l = 0; l < config.nLayers; l++) {
    const p = `blocks.${l}.`;
    resid = at(`${p}hook_resid_pre`, resid);
    const x1 = at(`${p}ln1.hook_normalized`, layerNorm(resid, w(`${p}ln1.w`), w(`${p}ln1.b`), eps));
    const attnWeights = {
      W_Q: w(`${p}attn.W_Q`),
      W_K: w(`${p}attn.W_K`),
      W_V: w(`${p}attn.W_V`),
      b_Q: w(`${p}attn.b_Q`),
      b_K: w(`${p}attn.b_K`),
      b_V: w(`${p}attn.b_V`),
      W_O: w(`${p}attn.W_O`),
      b_O: w(`${p}attn.b_O`),
    };
    // Residual dropout sits before the hook, so resid_mid = resid_pre + attn_out holds while training too.
    const attnOut = at(`${p}hook_attn_out`, maybeDrop(attention(x1, attnWeights, { B, T }, mask, config, rt, p, position, drop), `${p}attn_out`));
    resid = at(`${p}hook_resid_mid`, tf.add(resid, attnOut));
    const x2 = at(`${p}ln2.hook_normalized`, layerNorm(resid, w(`${p}ln2.w`), w(`${p}ln2.b`), eps));
    const pre = at(`${p}mlp.hook_pre`, linear(x2, w(`${p}mlp.W_in`), w(`${p}mlp.b_in`)), config.dMlp);
    const post = at(`${p}mlp.hook_post`, gelu(pre) as tf.Tensor2D, config.dMlp);
    const mlpOut = at(`${p}hook_mlp_out`, maybeDrop(linear(post, w(`${p}mlp.W_out`), w(`${p}mlp.b_out`)), `${p}mlp_out`));
    resid = at(`${p}hook_resid_post`, tf.add(resid, mlpOut));
  }

  const final = rt.point('ln_final.hook_normalized', tf.reshape(layerNorm(resid, w('ln_final.w'), w('ln_final.b'), eps), [B, T, D]), position);
  const A = T - answerStart;
  const answers = tf.reshape(tf.slice(final, [0, answerStart, 0], [B, A, D]), [B * A, D]);
  const logits = tf.reshape(tf.matMul(answers, w('unembed.W_U') as tf.Tensor2D), [B, A, config.vocabSize]) as tf.Tensor3D;
  return rt.point('hook_logits', logits, position);
}
