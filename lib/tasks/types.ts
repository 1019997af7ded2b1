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

/** A sequence task: a vocabulary, named splits, and ground-truth label names. */
export interface SequenceTask<Spec = unknown> {
  readonly kind: string;
  /** Serialisable; `tasks/registry.createTask(kind, spec)` rebuilds the identical task from it. */
  readonly spec: Spec;
  readonly vocab: readonly string[];
  /** Names of the splits, training split first. */
  splitNames(): string[];
  split(name: string): TaskSplit;
  /** Human-readable values of categorical labels, e.g. labelNames.composition[3] = "t1 t6". */
  labelNames(): Record<string, string[]>;
  /** Number of classes of the per-position automaton state, for auxiliary supervision and probes (0 if none). */
  readonly stateCount: number;
  /** Decode token ids to text (for logs, errors and reports). */
  decode(tokens: readonly number[]): string;
}
