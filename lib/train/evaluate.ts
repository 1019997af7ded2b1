/** Exact-match evaluation of sequence models by greedy decoding. */
import * as tf from '@tensorflow/tfjs';
import { evaluationBatches } from '../data/batches';
import { Params, SequenceModel } from '../models/types';
import { EncodedExample, SequenceTask } from '../tasks/types';
import { ComplensError } from '../util/errors';

export interface SplitEvaluation {
  /** Examples evaluated. */
  count: number;
  /** Fraction of examples whose whole answer (every target token) is right. */
  exactMatch: number;
  /** Fraction of answer tokens that are right. */
  tokenAccuracy: number;
  /** Per example (in input order): 1 when the whole answer is right. */
  correct: Uint8Array;
  /** Per example: the greedy answer's token ids. */
  predictions: number[][];
}

export function evaluateExamples(
  model: SequenceModel,
  examples: readonly EncodedExample[],
  options: { params?: Params; batchSize?: number } = {},
): SplitEvaluation {
  const correct = new Uint8Array(examples.length);
  const predictions: number[][] = new Array(examples.length);
  let tokensRight = 0;
  let tokensTotal = 0;
  for (const { batch, indices } of evaluationBatches(examples, options.batchSize)) {
    const answer = model.generate(batch, { params: options.params });
    const Tt = batch.length - batch.promptLength;
    indices.forEach((index, row) => {
      const target = examples[index].target;
      const predicted = Array.from(answer.subarray(row * Tt, (row + 1) * Tt));
      let right = 0;
      for (let j = 0; j < Tt; j++) if (predicted[j] === target[j]) right++;
      tokensRight += right;
      tokensTotal += Tt;
      correct[index] = right === Tt ? 1 : 0;
      predictions[index] = predicted;
    });
  }
  const n = examples.length;
  return {
    count: n,
    exactMatch: n ? correct.reduce((a, b) => a + b, 0) / n : NaN,
    tokenAccuracy: tokensTotal ? tokensRight / tokensTotal : NaN,
    correct,
    predictions,
  };
}

/** Mean softmax cross-entropy of the answer tokens under teacher forcing (a scalar tensor; callers own it). */
export function answerLoss(logits: tf.Tensor3D, tokens: Int32Array, promptLength: number, length: number): tf.Scalar {
  return tf.tidy(() => {
    const [B, Tt, V] = logits.shape;
    const labels = new Int32Array(B * Tt);
    for (let b = 0; b < B; b++) for (let j = 0; j < Tt; j++) labels[b * Tt + j] = tokens[b * length + promptLength + j];
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), V);
    return tf.losses.softmaxCrossEntropy(onehot, logits.reshape([B * Tt, V])) as tf.Scalar;
  });
}

/** A split a model cannot read, and why; commands report these instead of dying on them. */
export interface SkippedSplit {
  split: string;
  reason: string;
}

/**
 * Why `model` cannot read `examples` (inputs longer than its block size, tokens outside its vocabulary), or
 * undefined when it can. An imported model's block size need not cover every split of the task, e.g. a minGPT adder
 * with block 15 and the 18-position `ood_length` split.
 */
export function unfitReason(model: SequenceModel, examples: readonly EncodedExample[]): string | undefined {
  const maxLength = (model.config as { maxLength?: unknown }).maxLength;
  const V = model.vocabSize;
  let longest = 0;
  for (const ex of examples) {
    const fed = ex.prompt.length + ex.target.length - 1;
    longest = Math.max(longest, fed);
    for (let i = 0; i < fed; i++) {
      const t = i < ex.prompt.length ? ex.prompt[i] : ex.target[i - ex.prompt.length];
      if (!(t >= 0 && t < V)) return `token ${t} is outside the model's vocabulary of ${V}`;
    }
  }
  if (typeof maxLength === 'number' && longest > maxLength) return `inputs of ${longest} positions exceed the model's block size ${maxLength}`;
  return undefined;
}

/** Splits of `task` the model can read, and the others with the reason (in the order of `names`). */
export function partitionSplits(model: SequenceModel, task: SequenceTask, names: readonly string[] = task.splitNames()): { usable: string[]; skipped: SkippedSplit[] } {
  const usable: string[] = [];
  const skipped: SkippedSplit[] = [];
  for (const split of names) {
    const reason = unfitReason(model, task.split(split).examples);
    if (reason) skipped.push({ split, reason });
    else usable.push(split);
  }
  return { usable, skipped };
}

/** Throws one clear error when an instrument needs a split the model cannot read. */
export function requireFit(model: SequenceModel, task: SequenceTask, split: string, what: string): void {
  const reason = unfitReason(model, task.split(split).examples);
  if (reason) throw new ComplensError(`${what} needs split ${split}, which this model cannot read: ${reason}`);
}

export interface SplitRow {
  split: string;
  count: number;
  exactMatch: number;
  tokenAccuracy: number;
}

/** Exact match on every split the model can read; the rest are returned as skipped, with the reason. */
export function evaluateSplits(model: SequenceModel, task: SequenceTask, names?: readonly string[]): { splits: SplitRow[]; skipped: SkippedSplit[] } {
  const { usable, skipped } = partitionSplits(model, task, names);
  const splits = usable.map((split) => {
    const e = evaluateExamples(model, task.split(split).examples);
    return { split, count: e.count, exactMatch: e.exactMatch, tokenAccuracy: e.tokenAccuracy };
  });
  return { splits, skipped };
}
