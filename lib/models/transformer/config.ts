/** Configuration of the minGPT-style decoder-only transformer, validated at the boundary. */
import { ConfigError } from '../../util/errors';
import { requireInt, requireNumber, requireObject, requireOneOf } from '../../util/validate';

export interface TransformerConfig {
  arch: 'transformer';
  vocabSize: number;
  nLayers: number;
  nHeads: number;
  dModel: number;
  /** Hidden width of the MLP; minGPT uses 4·dModel. */
  dMlp: number;
  /** Block size: the most input positions a sequence may have (learned position embeddings exist only this far). */
  maxLength: number;
  layerNormEps: number;
}

/** minGPT's model_type presets (Xu et al. use gpt-nano for addition, gpt-mini for multiplication). */
export const TRANSFORMER_PRESETS = {
  'gpt-nano': { nLayers: 3, nHeads: 3, dModel: 48 },
  'gpt-micro': { nLayers: 4, nHeads: 4, dModel: 128 },
  'gpt-mini': { nLayers: 6, nHeads: 6, dModel: 192 },
} as const;
export type TransformerPreset = keyof typeof TRANSFORMER_PRESETS;
const PRESET_NAMES = Object.keys(TRANSFORMER_PRESETS) as TransformerPreset[];

/** A complete config from a preset; `maxLength` is the task's longest input (e.g. `task.maxInputLength`). */
export function transformerPreset(preset: TransformerPreset, dims: { vocabSize: number; maxLength: number }): TransformerConfig {
  return validateTransformerConfig({ arch: 'transformer', preset, ...dims });
}

/**
 * Accepts either explicit sizes or `preset` (explicit sizes win over the preset's). Returns the fully explicit
 * config, without `preset`, so a saved config never depends on the preset table.
 */
export function validateTransformerConfig(json: unknown, field = 'model'): TransformerConfig {
  const o = requireObject(json, field);
  const arch = requireOneOf(o.arch, `${field}.arch`, ['transformer'] as const);
  const preset = o.preset === undefined ? undefined : TRANSFORMER_PRESETS[requireOneOf(o.preset, `${field}.preset`, PRESET_NAMES)];
  const pick = (key: 'nLayers' | 'nHeads' | 'dModel') => o[key] ?? preset?.[key];
  const nLayers = requireInt(pick('nLayers'), `${field}.nLayers`, 1, 64);
  const nHeads = requireInt(pick('nHeads'), `${field}.nHeads`, 1, 128);
  const dModel = requireInt(pick('dModel'), `${field}.dModel`, 1, 8192);
  if (dModel % nHeads !== 0) throw new ConfigError(`${field}.nHeads`, `a divisor of dModel (${dModel})`, nHeads);
  return {
    arch,
    vocabSize: requireInt(o.vocabSize, `${field}.vocabSize`, 2, 1_000_000),
    nLayers,
    nHeads,
    dModel,
    dMlp: requireInt(o.dMlp ?? 4 * dModel, `${field}.dMlp`, 1, 65536),
    maxLength: requireInt(o.maxLength, `${field}.maxLength`, 1, 65536),
    layerNormEps: requireNumber(o.layerNormEps ?? 1e-5, `${field}.layerNormEps`, 0, 1),
  };
}

export function headDim(config: TransformerConfig): number {
  return config.dModel / config.nHeads;
}
