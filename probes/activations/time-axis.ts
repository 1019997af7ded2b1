/**
 * How a hook's cached tensor lines up with the model's input positions. Every sequence model in complens reads
 * prompt ++ target[0..-2] (T input positions) but not every hook point has T steps:
 *
 * | hook                                            | cached shape             | index i on the time axis is input position |
 * |-------------------------------------------------|--------------------------|--------------------------------------------|
 * | single-stream RNN points (`cells.{l}.hook_h`…)   | [B, T, …]                | i                                          |
 * | transformer points (`blocks.{l}.hook_resid_post`…) | [B, T, …]              | i                                          |
 * | `encoder.…` (encoder–decoder RNN)                | [B, promptLength, …]     | i (prompt positions only)                  |
 * | `decoder.…` (encoder–decoder RNN)                | [B, targetLength, …]     | promptLength − 1 + i                       |
 * | `hook_logits` (every sequence model)             | [B, targetLength, vocab] | promptLength − 1 + i (where answer token i is emitted) |
 * | `blocks.{l}.attn.hook_pattern` / `hook_attn_scores` | [B, heads, T, T]      | query i on axis 2; the row holds heads × keys |
 * | VectorModel points                               | [B, …]                   | no time axis: one row per example          |
 * | odd-one-out MLP body points                      | [B·items, …]             | no time axis: the row holds items × features |
 *
 * Anything else with T on axis 1 is taken as input positions; other layouts need `timeAxes` in the options.
 */
import { AnyModel, SequenceBatch } from '../../lib/models/types';
import { ComplensError } from '../../lib/util/errors';
import { TimeAxis } from './types';

const ATTENTION = /(^|\.)attn\.hook_(pattern|attn_scores)$/;

/** The time axis of `name` given its cached shape for `batch`; `override` wins when given. */
export function hookTimeAxis(model: AnyModel, name: string, shape: readonly number[], batch?: SequenceBatch, override?: TimeAxis): TimeAxis {
  if (override !== undefined) return override;
  if (model.kind === 'vector' || !batch) return 'none';
  const T = batch.length - 1;
  if (name === 'hook_logits' || name.startsWith('decoder.')) return { axis: 1, start: 'answer' };
  if (name.startsWith('encoder.')) return { axis: 1, start: 'input' };
  if (ATTENTION.test(name)) return { axis: 2, start: 'input' };
  if (shape.length >= 2 && shape[1] === T) return { axis: 1, start: 'input' };
  throw new ComplensError(
    `cannot tell which axis of hook ${name} (shape [${shape.join(', ')}]) is time for inputs of ${T} positions; ` +
      `pass timeAxes: { '${name}': { axis, start: 'input' | 'answer' } } (or 'none')`,
  );
}

/**
 * The layout of one cached hook tensor for a batch: where its rows come from.
 * `pre` × `post` is the feature dimension (the axes before and after time, batch excluded).
 */
export interface HookLayout {
  name: string;
  axis: TimeAxis;
  /** Steps on the time axis (1 when there is none). */
  steps: number;
  /** Input position of step 0. */
  offset: number;
  pre: number;
  post: number;
  dim: number;
  /** True when the cached batch axis is 1 and is broadcast over the batch (e.g. position embeddings). */
  broadcast: boolean;
}

export function hookLayout(name: string, shape: readonly number[], axis: TimeAxis, batchSize: number, promptLength: number): HookLayout {
  if (shape.length < 1) throw new ComplensError(`hook ${name}: a scalar activation has no rows`);
  const broadcast = shape[0] === 1 && batchSize > 1;
  // A leading axis of B·k rows (the MLP's odd-one-out body: item i of problem b at row b·k + i) is read as [B, k, …].
  const folded = !broadcast && shape[0] !== batchSize && shape[0] % batchSize === 0 && axis === 'none' ? shape[0] / batchSize : 1;
  if (!broadcast && shape[0] !== batchSize * folded) {
    throw new ComplensError(`hook ${name}: cached shape [${shape.join(', ')}] does not start with the batch size ${batchSize}`);
  }
  const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (axis === 'none') {
    const dim = folded * prod(shape.slice(1));
    return { name, axis, steps: 1, offset: -1, pre: 1, post: dim, dim, broadcast };
  }
  if (!Number.isInteger(axis.axis) || axis.axis < 1 || axis.axis >= shape.length) {
    throw new ComplensError(`hook ${name}: time axis ${axis.axis} is outside its shape [${shape.join(', ')}] (axis 0 is the batch)`);
  }
  const pre = prod(shape.slice(1, axis.axis));
  const post = prod(shape.slice(axis.axis + 1));
  return {
    name,
    axis,
    steps: shape[axis.axis],
    offset: axis.start === 'answer' ? promptLength - 1 : 0,
    pre,
    post,
    dim: pre * post,
    broadcast,
  };
}

/** True when the hook has a value at input position p. */
export function covers(layout: HookLayout, p: number): boolean {
  return layout.axis === 'none' || (p >= layout.offset && p < layout.offset + layout.steps);
}

/** Copies the feature vector of batch row b at input position p (ignored without a time axis) into out[at…]. */
export function gatherRow(layout: HookLayout, data: Float32Array, b: number, p: number, out: Float32Array, at: number): void {
  const row = layout.broadcast ? 0 : b;
  if (layout.axis === 'none') {
    out.set(data.subarray(row * layout.dim, (row + 1) * layout.dim), at);
    return;
  }
  const t = p - layout.offset;
  const { pre, post, steps } = layout;
  if (pre === 1) {
    const start = (row * steps + t) * post;
    out.set(data.subarray(start, start + post), at);
    return;
  }
  for (let i = 0; i < pre; i++) {
    const start = ((row * pre + i) * steps + t) * post;
    out.set(data.subarray(start, start + post), at + i * post);
  }
}
