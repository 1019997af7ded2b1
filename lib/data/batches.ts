/**
 * Turning encoded examples into model batches. Examples of different lengths (atomic vs composed lookups) are
 * never padded: they are grouped into buckets of equal (prompt, target) length, so the recurrence never sees a
 * padding token and the automaton reading of every position stays exact.
 */
import { SequenceBatch } from '../models/types';
import { EncodedExample } from '../tasks/types';
import { Rng } from '../util/random';

export interface Bucket {
  promptLength: number;
  targetLength: number;
  /** Indices into the example list. */
  indices: number[];
}

export function bucketize(examples: readonly EncodedExample[]): Bucket[] {
  const byKey = new Map<string, Bucket>();
  examples.forEach((ex, i) => {
    const key = `${ex.prompt.length}:${ex.target.length}`;
    let bucket = byKey.get(key);
    if (!bucket) byKey.set(key, (bucket = { promptLength: ex.prompt.length, targetLength: ex.target.length, indices: [] }));
    bucket.indices.push(i);
  });
  return [...byKey.values()].sort((a, b) => a.promptLength - b.promptLength || a.targetLength - b.targetLength);
}

/** Builds one batch from examples that share prompt and target lengths. */
export function makeBatch(examples: readonly EncodedExample[], indices: readonly number[]): SequenceBatch {
  const first = examples[indices[0]];
  const promptLength = first.prompt.length;
  const length = promptLength + first.target.length;
  const tokens = new Int32Array(indices.length * length);
  indices.forEach((index, row) => {
    const ex = examples[index];
    if (ex.prompt.length !== promptLength || ex.prompt.length + ex.target.length !== length) {
      throw new Error(`makeBatch: example ${index} has lengths ${ex.prompt.length}+${ex.target.length}, the batch needs ${promptLength}+${length - promptLength}`);
    }
    tokens.set(ex.prompt, row * length);
    tokens.set(ex.target, row * length + promptLength);
  });
  return { tokens, batchSize: indices.length, length, promptLength };
}

/** All examples as batches of at most `batchSize`, in order (for evaluation). */
export function evaluationBatches(examples: readonly EncodedExample[], batchSize = 512): { batch: SequenceBatch; indices: number[] }[] {
  const out: { batch: SequenceBatch; indices: number[] }[] = [];
  for (const bucket of bucketize(examples)) {
    for (let i = 0; i < bucket.indices.length; i += batchSize) {
      const indices = bucket.indices.slice(i, i + batchSize);
      out.push({ batch: makeBatch(examples, indices), indices });
    }
  }
  return out;
}

/**
 * The minibatches of one epoch. The order is a pure function of (dataSeed, epoch), so a run resumed at any step
 * replays exactly the batches it would have seen, and the data-order seed can be varied independently of the
 * initialisation seed (the seed paper finds data order decides memorise vs generalise).
 */
export function epochBatches(examples: readonly EncodedExample[], batchSize: number, dataSeed: number, epoch: number): number[][] {
  const rng = Rng.derive(dataSeed, `epoch:${epoch}`);
  const batches: number[][] = [];
  for (const bucket of bucketize(examples)) {
    const order = rng.shuffleInPlace([...bucket.indices]);
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  }
  return rng.shuffleInPlace(batches);
}
