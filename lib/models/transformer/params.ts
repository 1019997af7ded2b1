/**
 * Parameter names and shapes follow TransformerLens (per-head W_Q [n_heads, d_model, d_head] etc.), so imported
 * minGPT state dicts, masks and TL-style analyses all address the same tensors. Initialisation is minGPT's.
 */
import { ParamSpec } from '../types';
import { headDim, TransformerConfig } from './config';

const STD = 0.02;

export function transformerParamSpecs(config: TransformerConfig): ParamSpec[] {
  const { vocabSize: V, dModel: D, nHeads: H, dMlp: M, maxLength, nLayers } = config;
  const dH = headDim(config);
  // minGPT scales the projections that write into the residual stream so its variance stays O(1) with depth.
  const residStd = STD / Math.sqrt(2 * nLayers);
  const normal = (name: string, shape: number[], maskable: boolean, scale = STD): ParamSpec => ({ name, shape, init: 'normal', scale, maskable });
  const zeros = (name: string, shape: number[]): ParamSpec => ({ name, shape, init: 'zeros', maskable: false });
  const ones = (name: string, shape: number[]): ParamSpec => ({ name, shape, init: 'ones', maskable: false });

  const specs: ParamSpec[] = [normal('embed.W_E', [V, D], false), normal('pos_embed.W_pos', [maxLength, D], false)];
  for (let l = 0; l < nLayers; l++) {
    const p = `blocks.${l}.`;
    specs.push(
      ones(`${p}ln1.w`, [D]),
      zeros(`${p}ln1.b`, [D]),
      normal(`${p}attn.W_Q`, [H, D, dH], true),
      normal(`${p}attn.W_K`, [H, D, dH], true),
      normal(`${p}attn.W_V`, [H, D, dH], true),
      zeros(`${p}attn.b_Q`, [H, dH]),
      zeros(`${p}attn.b_K`, [H, dH]),
      zeros(`${p}attn.b_V`, [H, dH]),
      normal(`${p}attn.W_O`, [H, dH, D], true, residStd),
      zeros(`${p}attn.b_O`, [D]),
      ones(`${p}ln2.w`, [D]),
      zeros(`${p}ln2.b`, [D]),
      normal(`${p}mlp.W_in`, [D, M], true),
      zeros(`${p}mlp.b_in`, [M]),
      normal(`${p}mlp.W_out`, [M, D], true, residStd),
      zeros(`${p}mlp.b_out`, [D]),
    );
  }
  specs.push(ones('ln_final.w', [D]), zeros('ln_final.b', [D]), normal('unembed.W_U', [D, V], true));
  return specs;
}

export function parameterCount(config: TransformerConfig): number {
  return transformerParamSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}
