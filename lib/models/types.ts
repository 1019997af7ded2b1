/**
 * The Model concept. A model is a pure function of named weight tensors: `forward` reads weights from `params`
 * (its own variables unless overridden), so masks, ablations and imported weights never need a fork of the model
 * code — pass a different params record. Every intermediate goes through a named hook point (lib/hooks).
 */
import * as tf from '@tensorflow/tfjs';
import { CacheResult, HookMap, HookRuntime } from '../hooks';

export type Params = Record<string, tf.Tensor>;

/** A batch of token sequences of equal length: the full sequence prompt ++ target, row-major [batchSize, length]. */
export interface SequenceBatch {
  tokens: Int32Array;
  batchSize: number;
  /** Total length promptLength + targetLength. */
  length: number;
  promptLength: number;
}

export type DecodeMode = 'teacher' | 'greedy';

export interface ForwardOptions {
  /** 'teacher': answer step j reads target token j-1 (training); 'greedy': it reads the model's own previous argmax. */
  mode?: DecodeMode;
  /** Weights to use instead of the model's variables (same names and shapes). Missing names fall back to the variables. */
  params?: Params;
  hooks?: HookRuntime;
  /**
   * Training-time dropout (inverted: kept values are scaled by 1/(1 − rate)). The masks are a pure function of
   * `seed`, so a training step is reproducible. Teacher mode only; models without dropout sites (the RNN) ignore it.
   * Evaluation and generation never pass it.
   */
  dropout?: DropoutOptions;
}

export interface DropoutOptions {
  /** Probability of zeroing an element, in [0, 1). 0 is exactly no dropout. */
  rate: number;
  /** Seed of the masks (the trainer derives one per step from the data seed). */
  seed: number;
}

export interface ParamSpec {
  name: string;
  shape: number[];
  /** How the initialiser fills it. */
  init: 'uniform' | 'normal' | 'zeros' | 'ones';
  /** Bound for uniform (±scale) or standard deviation for normal. */
  scale?: number;
  /** Whether masks/pruning may touch this tensor (weights yes; biases, norms, embeddings no by default). */
  maskable: boolean;
}

export interface ModelBase<Config, HookName extends string> {
  readonly config: Config;
  /** Named trainable variables, in a stable order. */
  readonly params: Record<string, tf.Variable>;
  readonly paramSpecs: readonly ParamSpec[];
  /** Every hook point this model instance exposes, in forward order. */
  readonly hookPoints: readonly HookName[];
  /** Points that fire once per time step; their cached tensors are [batch, time, ...]. */
  readonly stepwiseHooks: ReadonlySet<HookName>;
  dispose(): void;
}

export interface SequenceModel<Config = unknown, HookName extends string = string> extends ModelBase<Config, HookName> {
  readonly kind: 'sequence';
  readonly vocabSize: number;
  /**
   * The hook whose time axis is aligned with `EncodedExample.positionLabels` (input position 0 = first prompt
   * token), used by auxiliary supervision, probes and automaton extraction by default.
   */
  readonly stateHook: HookName;
  /** Logits at the answer positions: [batchSize, targetLength, vocabSize]. */
  forward(batch: SequenceBatch, options?: ForwardOptions): tf.Tensor3D;
  /** Output plus only the requested activations (after any `hooks` replaced them). Dispose the result (hooks/disposeResult). */
  runWithCache(batch: SequenceBatch, options: { names: readonly HookName[]; hooks?: HookMap<HookName>; mode?: DecodeMode; params?: Params }): CacheResult<HookName>;
  /** Forward with hooks that may read or replace activations; returns logits like `forward`. */
  runWithHooks(batch: SequenceBatch, hooks: HookMap<HookName>, options?: { mode?: DecodeMode; params?: Params }): tf.Tensor3D;
  /** Greedy answers [batchSize, targetLength] as token ids. */
  generate(batch: SequenceBatch, options?: { params?: Params }): Int32Array;
}

/** A batch of fixed-size feature vectors, row-major [batchSize, inputSize]. */
export interface VectorBatch {
  inputs: Float32Array;
  batchSize: number;
  inputSize: number;
}

/** A feed-forward model on vectors (task-family MLPs, subroutine classifiers). */
export interface VectorModel<Config = unknown, HookName extends string = string> extends ModelBase<Config, HookName> {
  readonly kind: 'vector';
  readonly inputSize: number;
  readonly outputSize: number;
  /** Outputs [batchSize, outputSize] (regression values or class logits). */
  forward(batch: VectorBatch, options?: { params?: Params; hooks?: HookRuntime }): tf.Tensor2D;
  runWithCache(batch: VectorBatch, options: { names: readonly HookName[]; params?: Params }): CacheResult<HookName>;
  runWithHooks(batch: VectorBatch, hooks: HookMap<HookName>, options?: { params?: Params }): tf.Tensor2D;
}

export type AnyModel = SequenceModel<unknown, string> | VectorModel<unknown, string>;
