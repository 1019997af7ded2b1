/**
 * Hook points of the recurrent models, in the TransformerLens grammar with pyvene's GRU component names.
 * Per-step points (everything under `cells.`, and `hook_embed`) are cached as [batch, time, features];
 * hook functions see one step ([batch, features]) with `ctx.position`.
 *
 * | name                                   | cached shape          | what                                      |
 * |----------------------------------------|-----------------------|-------------------------------------------|
 * | {p}hook_embed                          | [B, T, embedSize]     | token embedding read at each step         |
 * | {p}cells.{l}.hook_pre                  | [B, T, hiddenSize]    | tanh cell: pre-activation                 |
 * | {p}cells.{l}.gates.reset.hook_out      | [B, T, hiddenSize]    | GRU reset gate r                          |
 * | {p}cells.{l}.gates.update.hook_out     | [B, T, hiddenSize]    | GRU update gate z                         |
 * | {p}cells.{l}.gates.input.hook_out      | [B, T, hiddenSize]    | LSTM input gate i                         |
 * | {p}cells.{l}.gates.forget.hook_out     | [B, T, hiddenSize]    | LSTM forget gate f                        |
 * | {p}cells.{l}.gates.output.hook_out     | [B, T, hiddenSize]    | LSTM output gate o                        |
 * | {p}cells.{l}.hook_candidate            | [B, T, hiddenSize]    | GRU n / LSTM g (candidate state)          |
 * | {p}cells.{l}.hook_c                    | [B, T, hiddenSize]    | LSTM cell state                           |
 * | {p}cells.{l}.hook_h                    | [B, T, hiddenSize]    | hidden state after the step               |
 * | hook_logits                            | [B, Tt, vocabSize]    | answer logits                             |
 *
 * {p} is '' for the single-stream layout (T = prompt + target − 1 input positions) and 'encoder.' (T = prompt
 * length) or 'decoder.' (T = target length) for the encoder–decoder layout.
 */
import { CellType, RnnConfig } from './config';

export type RnnPrefix = '' | 'encoder.' | 'decoder.';
export type RnnGate = 'reset' | 'update' | 'input' | 'forget' | 'output';
export type RnnHookName =
  | `${RnnPrefix}hook_embed`
  | `${RnnPrefix}cells.${number}.hook_pre`
  | `${RnnPrefix}cells.${number}.gates.${RnnGate}.hook_out`
  | `${RnnPrefix}cells.${number}.hook_candidate`
  | `${RnnPrefix}cells.${number}.hook_c`
  | `${RnnPrefix}cells.${number}.hook_h`
  | 'hook_logits';

const CELL_POINTS: Record<CellType, string[]> = {
  tanh: ['hook_pre', 'hook_h'],
  gru: ['gates.reset.hook_out', 'gates.update.hook_out', 'hook_candidate', 'hook_h'],
  lstm: ['gates.input.hook_out', 'gates.forget.hook_out', 'hook_candidate', 'gates.output.hook_out', 'hook_c', 'hook_h'],
};

export function rnnPrefixes(config: RnnConfig): RnnPrefix[] {
  return config.layout === 'single' ? [''] : ['encoder.', 'decoder.'];
}

/** All hook points of a model with this config, in forward order, and the subset that fires per step. */
export function rnnHookPoints(config: RnnConfig): { all: RnnHookName[]; stepwise: Set<RnnHookName> } {
  const stepwise: RnnHookName[] = [];
  for (const prefix of rnnPrefixes(config)) {
    stepwise.push(`${prefix}hook_embed`);
    for (let l = 0; l < config.numLayers; l++) {
      for (const point of CELL_POINTS[config.cell]) stepwise.push(`${prefix}cells.${l}.${point}` as RnnHookName);
    }
  }
  return { all: [...stepwise, 'hook_logits'], stepwise: new Set(stepwise) };
}

/** Shorthand like TransformerLens's get_act_name: `rnnActName('h', 0)` → 'cells.0.hook_h'. */
export function rnnActName(point: 'h' | 'c' | 'pre' | 'candidate', layer: number, prefix: RnnPrefix = ''): RnnHookName {
  return `${prefix}cells.${layer}.hook_${point}` as RnnHookName;
}
