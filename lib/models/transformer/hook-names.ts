/**
 * Hook points of the transformer, in TransformerLens's grammar. Names are a template-literal union, so a typo in
 * a hook name fails to compile. `TRANSFORMER_HOOKS` is the one table of shapes: the docs copy it and the tests
 * check every point against it.
 *
 * Dimensions: B batch, T input positions (prompt ++ target[0..-2], i.e. length − 1), A answer positions
 * (targetLength), and the config's sizes.
 */
import { ComplensError } from '../../util/errors';
import { headDim, TransformerConfig } from './config';

export type TopHookLeaf = 'hook_embed' | 'hook_pos_embed' | 'ln_final.hook_normalized' | 'hook_logits';
export type BlockHookLeaf =
  | 'hook_resid_pre'
  | 'ln1.hook_normalized'
  | 'attn.hook_q'
  | 'attn.hook_k'
  | 'attn.hook_v'
  | 'attn.hook_attn_scores'
  | 'attn.hook_pattern'
  | 'attn.hook_z'
  | 'hook_attn_out'
  | 'hook_resid_mid'
  | 'ln2.hook_normalized'
  | 'mlp.hook_pre'
  | 'mlp.hook_post'
  | 'hook_mlp_out'
  | 'hook_resid_post';
export type TransformerHookName = TopHookLeaf | `blocks.${number}.${BlockHookLeaf}`;

export type HookDim = 'B' | 'T' | 'A' | 'd_model' | 'n_heads' | 'd_head' | 'd_mlp' | 'd_vocab';

export interface HookDoc<Leaf extends string> {
  leaf: Leaf;
  shape: readonly HookDim[];
  what: string;
}

/** Per-block points in forward order. */
export const BLOCK_HOOKS: readonly HookDoc<BlockHookLeaf>[] = [
  { leaf: 'hook_resid_pre', shape: ['B', 'T', 'd_model'], what: 'residual stream entering the block' },
  { leaf: 'ln1.hook_normalized', shape: ['B', 'T', 'd_model'], what: 'LayerNorm 1 output (after scale w and shift b)' },
  { leaf: 'attn.hook_q', shape: ['B', 'T', 'n_heads', 'd_head'], what: 'queries (bias included)' },
  { leaf: 'attn.hook_k', shape: ['B', 'T', 'n_heads', 'd_head'], what: 'keys' },
  { leaf: 'attn.hook_v', shape: ['B', 'T', 'n_heads', 'd_head'], what: 'values' },
  { leaf: 'attn.hook_attn_scores', shape: ['B', 'n_heads', 'T', 'T'], what: 'q·k/√d_head, causal-masked (−1e9 above the diagonal); [query, key]' },
  { leaf: 'attn.hook_pattern', shape: ['B', 'n_heads', 'T', 'T'], what: 'softmax of the scores over keys' },
  { leaf: 'attn.hook_z', shape: ['B', 'T', 'n_heads', 'd_head'], what: 'pattern-weighted values, per head, before W_O' },
  { leaf: 'hook_attn_out', shape: ['B', 'T', 'd_model'], what: 'attention output z·W_O + b_O' },
  { leaf: 'hook_resid_mid', shape: ['B', 'T', 'd_model'], what: 'resid_pre + attn_out' },
  { leaf: 'ln2.hook_normalized', shape: ['B', 'T', 'd_model'], what: 'LayerNorm 2 output' },
  { leaf: 'mlp.hook_pre', shape: ['B', 'T', 'd_mlp'], what: 'MLP pre-activation x·W_in + b_in' },
  { leaf: 'mlp.hook_post', shape: ['B', 'T', 'd_mlp'], what: 'tanh-GELU of hook_pre' },
  { leaf: 'hook_mlp_out', shape: ['B', 'T', 'd_model'], what: 'MLP output post·W_out + b_out' },
  { leaf: 'hook_resid_post', shape: ['B', 'T', 'd_model'], what: 'resid_mid + mlp_out (the next block\'s resid_pre)' },
];

/** Points outside the blocks; the first two fire before block 0, the last two after the last block. */
export const TOP_HOOKS: readonly HookDoc<TopHookLeaf>[] = [
  { leaf: 'hook_embed', shape: ['B', 'T', 'd_model'], what: 'token embeddings (one-hot · W_E)' },
  { leaf: 'hook_pos_embed', shape: ['B', 'T', 'd_model'], what: 'position embeddings W_pos[0..T-1], broadcast over the batch' },
  { leaf: 'ln_final.hook_normalized', shape: ['B', 'T', 'd_model'], what: 'final LayerNorm output at every input position' },
  { leaf: 'hook_logits', shape: ['B', 'A', 'd_vocab'], what: 'logits at the answer positions only (input positions promptLength−1 … T−1)' },
];

/** Every hook point of a model with this config, in forward order. */
export function transformerHookPoints(config: TransformerConfig): TransformerHookName[] {
  const names: TransformerHookName[] = ['hook_embed', 'hook_pos_embed'];
  for (let l = 0; l < config.nLayers; l++) for (const h of BLOCK_HOOKS) names.push(`blocks.${l}.${h.leaf}`);
  names.push('ln_final.hook_normalized', 'hook_logits');
  return names;
}

/** The documented entry of a hook name (the layer index stripped). */
export function hookDoc(name: TransformerHookName): HookDoc<string> {
  const m = /^blocks\.\d+\.(.+)$/.exec(name);
  const doc = m ? BLOCK_HOOKS.find((h) => h.leaf === m[1]) : TOP_HOOKS.find((h) => h.leaf === name);
  if (!doc) throw new ComplensError(`no transformer hook point ${JSON.stringify(name)}`);
  return doc;
}

/** The numeric shape a hook point has for a batch, from the table. */
export function hookShape(name: TransformerHookName, config: TransformerConfig, dims: { batchSize: number; inputLength: number; answerLength: number }): number[] {
  const size: Record<HookDim, number> = {
    B: dims.batchSize,
    T: dims.inputLength,
    A: dims.answerLength,
    d_model: config.dModel,
    n_heads: config.nHeads,
    d_head: headDim(config),
    d_mlp: config.dMlp,
    d_vocab: config.vocabSize,
  };
  return hookDoc(name).shape.map((d) => size[d]);
}

/** TransformerLens-style short names (`get_act_name`). */
const BLOCK_SHORT = {
  resid_pre: 'hook_resid_pre',
  resid_mid: 'hook_resid_mid',
  resid_post: 'hook_resid_post',
  attn_out: 'hook_attn_out',
  mlp_out: 'hook_mlp_out',
  ln1: 'ln1.hook_normalized',
  ln2: 'ln2.hook_normalized',
  q: 'attn.hook_q',
  k: 'attn.hook_k',
  v: 'attn.hook_v',
  z: 'attn.hook_z',
  attn_scores: 'attn.hook_attn_scores',
  scores: 'attn.hook_attn_scores',
  pattern: 'attn.hook_pattern',
  attn: 'attn.hook_pattern',
  pre: 'mlp.hook_pre',
  post: 'mlp.hook_post',
} as const satisfies Record<string, BlockHookLeaf>;
const TOP_SHORT = {
  embed: 'hook_embed',
  pos_embed: 'hook_pos_embed',
  ln_final: 'ln_final.hook_normalized',
  logits: 'hook_logits',
} as const satisfies Record<string, TopHookLeaf>;
export type BlockActShort = keyof typeof BLOCK_SHORT;
export type TopActShort = keyof typeof TOP_SHORT;

/** `getActName('pattern', 1)` → 'blocks.1.attn.hook_pattern'; `getActName('embed')` → 'hook_embed'. */
export function getActName(name: TopActShort): TransformerHookName;
export function getActName(name: BlockActShort, layer: number): TransformerHookName;
export function getActName(name: TopActShort | BlockActShort, layer?: number): TransformerHookName {
  if (name in TOP_SHORT) return TOP_SHORT[name as TopActShort];
  if (!(name in BLOCK_SHORT)) throw new ComplensError(`getActName: unknown activation ${JSON.stringify(name)}`);
  if (layer === undefined || !Number.isInteger(layer) || layer < 0) throw new ComplensError(`getActName(${JSON.stringify(name)}): a layer index is required`);
  return `blocks.${layer}.${BLOCK_SHORT[name as BlockActShort]}`;
}
