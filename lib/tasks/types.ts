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

/** What every task has: a serialisable spec from which `tasks/registry.createTask(spec)` rebuilds it exactly. */
export interface TaskBase<Spec = unknown> {
  readonly spec: Spec;
}

/** A sequence task: a vocabulary, named splits, and ground-truth label names. */
export interface SequenceTask<Spec = unknown> extends TaskBase<Spec> {
  readonly kind: string;
  readonly vocab: readonly string[];
  /** Names of the splits, training split first. */
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

export function isSequenceTask(task: TaskBase): task is SequenceTask {
  const t = task as Partial<SequenceTask>;
  return Array.isArray(t.vocab) && typeof t.split === 'function' && typeof t.splitNames === 'function';
}
