/** Configuration of the recurrent sequence models, validated at the boundary. */
import { requireInt, requireObject, requireOneOf } from '../../util/validate';

export const CELL_TYPES = ['tanh', 'gru', 'lstm'] as const;
export type CellType = (typeof CELL_TYPES)[number];
export const LAYOUTS = ['single', 'encdec'] as const;
/** 'single': one recurrence reads the prompt and then emits the answer; 'encdec': an encoder reads the prompt, a decoder started from its final state emits the answer. */
export type RnnLayout = (typeof LAYOUTS)[number];

export interface RnnConfig {
  arch: 'rnn';
  cell: CellType;
  layout: RnnLayout;
  vocabSize: number;
  embedSize: number;
  hiddenSize: number;
  numLayers: number;
}

export const RNN_DEFAULTS: Omit<RnnConfig, 'vocabSize'> = {
  arch: 'rnn',
  cell: 'gru',
  layout: 'single',
  embedSize: 16,
  hiddenSize: 64,
  numLayers: 1,
};

/** Gates per cell: the weight matrices hold them side by side in PyTorch's order (GRU r,z,n; LSTM i,f,g,o). */
export function gateCount(cell: CellType): number {
  return cell === 'tanh' ? 1 : cell === 'gru' ? 3 : 4;
}

export function validateRnnConfig(json: unknown, field = 'model'): RnnConfig {
  const o = requireObject(json, field);
  return {
    arch: requireOneOf(o.arch, `${field}.arch`, ['rnn'] as const),
    cell: requireOneOf(o.cell ?? RNN_DEFAULTS.cell, `${field}.cell`, CELL_TYPES),
    layout: requireOneOf(o.layout ?? RNN_DEFAULTS.layout, `${field}.layout`, LAYOUTS),
    vocabSize: requireInt(o.vocabSize, `${field}.vocabSize`, 2, 100000),
    embedSize: requireInt(o.embedSize ?? RNN_DEFAULTS.embedSize, `${field}.embedSize`, 1, 4096),
    hiddenSize: requireInt(o.hiddenSize ?? RNN_DEFAULTS.hiddenSize, `${field}.hiddenSize`, 1, 4096),
    numLayers: requireInt(o.numLayers ?? RNN_DEFAULTS.numLayers, `${field}.numLayers`, 1, 16),
  };
}
