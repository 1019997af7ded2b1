/** Exact-match evaluation of sequence models by greedy decoding. */
import * as tf from '@tensorflow/tfjs';
import { evaluationBatches } from '../data/batches';
import { Params, SequenceModel } from '../models/types';
import { EncodedExample } from '../tasks/types';

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
