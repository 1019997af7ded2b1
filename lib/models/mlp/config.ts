/** Configuration of the feed-forward models (task-family MLPs, odd-one-out item encoders), validated at the boundary. */
import { ConfigError } from '../../util/errors';
import { requireInt, requireObject, requireOneOf } from '../../util/validate';

export const MLP_HEADS = ['linear', 'odd-one-out'] as const;
/**
 * 'linear': outputs = last hidden layer × W_U + b_U (regression values or class logits).
 * 'odd-one-out': the input row is `items` item vectors side by side; the same MLP embeds each item into
 * `outputSize` dims, the embeddings are L2-normalised and item i scores −Σ_j ⟨e_i, e_j⟩ (Lepori et al. 2023).
 */
export type MlpHead = (typeof MLP_HEADS)[number];
export const MLP_ACTIVATIONS = ['relu'] as const;
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

export interface MlpConfig {
  arch: 'mlp';
  /** Width of one input row (for 'odd-one-out': all items together, items × item width). */
  inputSize: number;
  hiddenSizes: number[];
  /** Output width for 'linear'; the item-embedding width for 'odd-one-out' (the model then outputs `items` logits). */
  outputSize: number;
  activation: MlpActivation;
  head: MlpHead;
  /** Items per row for the 'odd-one-out' head (ignored by 'linear'). */
  items: number;
}

export const MLP_DEFAULTS = { arch: 'mlp', hiddenSizes: [64], activation: 'relu', head: 'linear', items: 4 } as const;

const FIELDS = ['arch', 'inputSize', 'hiddenSizes', 'outputSize', 'activation', 'head', 'items'];

export function validateMlpConfig(json: unknown, field = 'model'): MlpConfig {
  const o = requireObject(json, field);
  for (const key of Object.keys(o)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${FIELDS.join(', ')})`, o[key]);
  }
  const hidden = o.hiddenSizes ?? MLP_DEFAULTS.hiddenSizes;
  if (!Array.isArray(hidden) || hidden.length > 64) throw new ConfigError(`${field}.hiddenSizes`, 'an array of at most 64 layer widths', hidden);
  const config: MlpConfig = {
    arch: requireOneOf(o.arch, `${field}.arch`, ['mlp'] as const),
    inputSize: requireInt(o.inputSize, `${field}.inputSize`, 1, 1 << 20),
    hiddenSizes: hidden.map((h, i) => requireInt(h, `${field}.hiddenSizes[${i}]`, 1, 65536)),
    outputSize: requireInt(o.outputSize, `${field}.outputSize`, 1, 65536),
    activation: requireOneOf(o.activation ?? MLP_DEFAULTS.activation, `${field}.activation`, MLP_ACTIVATIONS),
    head: requireOneOf(o.head ?? MLP_DEFAULTS.head, `${field}.head`, MLP_HEADS),
    items: requireInt(o.items ?? MLP_DEFAULTS.items, `${field}.items`, 2, 64),
  };
  if (config.head === 'odd-one-out' && config.inputSize % config.items !== 0) {
    throw new ConfigError(`${field}.inputSize`, `a multiple of ${field}.items (${config.items}) for the odd-one-out head`, config.inputSize);
  }
  return config;
}

/** Width of one item as the MLP body sees it: the whole row for 'linear', one item for 'odd-one-out'. */
export function bodyInputSize(config: MlpConfig): number {
  return config.head === 'odd-one-out' ? config.inputSize / config.items : config.inputSize;
}
