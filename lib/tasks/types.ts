import type { VectorBatch } from '../models/types';

/**
 * The Task concept. A task turns its serialisable spec (which fully determines the data: tables, splits, seeds)
 * into named splits of encoded examples. Every example carries its ground truth so that instruments can compare
 * what a model does with what the task's own algorithm does.
 */

/** One example as token ids, with ground truth. Loss is taken only on `target`. */
export interface EncodedExample {
  /** Token ids the model reads before it answers. */
  prompt: number[];
  /** Token ids of the answer (the model emits these). */
  target: number[];
  /**
   * Per-position ground truth, aligned with the model's *input* positions: the single-stream input is
   * prompt ++ target[0 .. -2], so every array here has length prompt.length + target.length - 1.
   * -1 means "undefined at this position" (e.g. the automaton state while input bits are still being read).
   */
  positionLabels: Record<string, number[]>;
  /** Per-example ground truth (integers; categorical labels are indices into `labelNames`). */
  exampleLabels: Record<string, number>;
  /** A key grouping examples that must never be split across probe train/test folds (e.g. the composition). */
  group: string;
}

export interface TaskSplit {
  name: string;
  examples: EncodedExample[];
}

/** Which models read a task: token sequences ('sequence') or fixed-size rows ('vector'); equals `model.kind` of its models. */
export type ModelKind = 'sequence' | 'vector';

/**
 * What every task has: a serialisable spec from which `tasks/registry.createTask(spec)` rebuilds it exactly, its
 * family (`kind`, the registry key, = `spec.kind`), which models read it (`modelKind`, the discriminant of `Task`),
 * and named splits, training split first.
 */
export interface TaskBase<Spec = unknown> {
  readonly spec: Spec;
  /** The task family: 'lookup', 'arithmetic', 'hyperteacher', 'subroutines', or a registered one. */
  readonly kind: string;
  readonly modelKind: ModelKind;
  /** Names of the splits, training split first. */
  splitNames(): readonly string[];
}

/** A sequence task: a vocabulary, named splits of encoded examples, and ground-truth label names. */
export interface SequenceTask<Spec = unknown> extends TaskBase<Spec> {
  readonly modelKind: 'sequence';
  readonly vocab: readonly string[];
  splitNames(): string[];
  split(name: string): TaskSplit;
  /** Human-readable values of categorical labels, e.g. labelNames.composition[3] = "t1 t6". */
  labelNames(): Record<string, string[]>;
  /** Number of classes of the per-position automaton state, for auxiliary supervision and probes (0 if none). */
  readonly stateCount: number;
  /** The longest model input (prompt + target − 1) over all splits, when the task knows it without building them. */
  readonly maxInputLength?: number;
  /** Decode token ids to text (for logs, errors and reports). */
  decode(tokens: readonly number[]): string;
}

/**
 * One split of a vector task: rows [count, inputSize] with their supervision, `targets` [rows, outputSize] for a
 * regression or integer `labels` [rows or problems] for a classification.
 */
export interface VectorSplit {
  name: string;
  batch: VectorBatch;
  targets?: Float32Array;
  labels?: Int32Array;
}

/** A vector task: rows of `inputSize` features for a model with `outputSize` outputs, and named splits. */
export interface VectorTask<Spec = unknown> extends TaskBase<Spec> {
  readonly modelKind: 'vector';
  readonly inputSize: number;
  readonly outputSize: number;
  split(name: string): VectorSplit;
}

/** Every task is one of the two; `task.modelKind` tells which. */
export type Task<Spec = unknown> = SequenceTask<Spec> | VectorTask<Spec>;

export function isSequenceTask(task: TaskBase): task is SequenceTask {
  return task.modelKind === 'sequence';
}

export function isVectorTask(task: TaskBase): task is VectorTask {
  return task.modelKind === 'vector';
}
