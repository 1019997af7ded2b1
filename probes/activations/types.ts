/**
 * Types of activation datasets: what `collectActivations` reads (examples, hooks, positions) and how positions on a
 * hook's own time axis map to the model's input positions.
 */
import { DecodeMode, Params } from '../../lib/models/types';
import { EncodedExample } from '../../lib/tasks/types';

/** An example for a VectorModel: one input vector plus optional ground truth (one activation row per example). */
export interface VectorExample {
  /** The input vector, length `model.inputSize`. */
  input: ArrayLike<number>;
  /** Per-example ground truth, as in EncodedExample.exampleLabels. */
  exampleLabels?: Record<string, number>;
  /** Group key for probe folds; '' when absent. */
  group?: string;
}

/**
 * Which input positions of a sequence example get a row. Input positions are those of `EncodedExample.positionLabels`:
 * prompt ++ target[0..-2], so position `promptLength − 1` is the last prompt token, where the first answer token is
 * emitted.
 * - 'all': every input position 0 … T−1 (T = prompt + target − 1);
 * - 'prompt': 0 … promptLength−1;
 * - 'answer': promptLength−1 … T−1, the positions that emit answer tokens (answer token j at promptLength−1+j);
 * - 'last-prompt': promptLength−1 only (Xu et al.'s "last prompt position");
 * - number[]: explicit positions; negative numbers count from the end (−1 = T−1);
 * - a function of (example, exampleIndex) returning positions (negative allowed, as above).
 * Named selectors keep only the positions every requested hook has (an encoder hook has no answer positions);
 * explicit positions that some hook lacks are an error.
 */
export type PositionSelector =
  | 'all'
  | 'prompt'
  | 'answer'
  | 'last-prompt'
  | readonly number[]
  | ((example: EncodedExample, exampleIndex: number) => readonly number[]);

/**
 * Where a cached hook tensor keeps time. `axis` is the tensor axis (1 for [B, T, ...], 2 for attention patterns
 * [B, heads, query, key]); `start` says which input position index 0 on that axis is: 'input' → input position 0,
 * 'answer' → promptLength − 1 (answer-position tensors such as hook_logits and decoder points). 'none': no time
 * axis (one row per example, position −1).
 */
export type TimeAxis = 'none' | { axis: number; start: 'input' | 'answer' };

export interface ActivationOptions {
  /** Hook point names to record, e.g. ['cells.0.hook_h', 'hook_logits']. At least one. */
  hooks: readonly string[];
  /** Positions to record (sequence models; ignored for VectorModels). Default 'all'. */
  positions?: PositionSelector;
  /** Examples per model call (and per streamed chunk). Default 256. */
  chunkSize?: number;
  /** Weights to use instead of the model's own (masks, ablations). */
  params?: Params;
  /** 'teacher' (default): answer positions read the true previous target token; 'greedy': the model's own. */
  mode?: DecodeMode;
  /** Time axes for hooks whose layout `hookTimeAxis` cannot infer (or to override it). */
  timeAxes?: Record<string, TimeAxis>;
  /**
   * Label columns to record. Default: the union over all examples (collectActivations) or over the first chunk
   * (streams; a later example with a label not seen then is an error that names this option).
   */
  labels?: { position?: readonly string[]; example?: readonly string[] };
}
