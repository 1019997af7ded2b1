/**
 * A training smoke test: the transformer learns 1-digit addition in the paper's reversed-answer format with plain
 * tf.train.adam on teacher-mode logits. The real trainer lives in lib/train; this only shows gradients flow
 * through every parameter and the loss falls.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { createTransformer, validateTransformerConfig } from '../../../lib/models/transformer';
import { encodeArithmetic } from '../../../lib/tasks/arithmetic';

beforeAll(() => initBackend());

it('learns 1-digit addition: the loss falls and greedy answers become right', () => {
  const rows: number[][] = [];
  const targets: number[][] = [];
  for (let a = 0; a < 10; a++) {
    for (let b = 0; b < 10; b++) {
      const { prompt, target } = encodeArithmetic(a, b, 'add', 1); // [a, b] → reversed 2-digit sum
      rows.push([...prompt, ...target]);
      targets.push(target);
    }
  }
  const batch = { tokens: Int32Array.from(rows.flat()), batchSize: 100, length: 4, promptLength: 2 };
  const model = createTransformer(validateTransformerConfig({ arch: 'transformer', vocabSize: 10, nLayers: 2, nHeads: 2, dModel: 32, maxLength: 3 }), 0);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor2d(targets, [100, 2], 'int32'), 10));
  const optimizer = tf.train.adam(3e-3);
  const vars = Object.values(model.params);
  const loss = () => tf.losses.softmaxCrossEntropy(labels, model.forward(batch)) as tf.Scalar;

  // Every parameter gets a gradient.
  const { grads, value } = tf.variableGrads(loss, vars);
  for (const [name, v] of Object.entries(model.params)) {
    const g = Object.values(grads)[vars.indexOf(v)];
    expect({ name, norm: tf.tidy(() => tf.norm(g).dataSync()[0]) > 0 }).toEqual({ name, norm: true });
  }
  tf.dispose([...Object.values(grads), value]);

  const before = tf.memory().numTensors;
  const losses: number[] = [];
  for (let step = 0; step < 100; step++) {
    const cost = optimizer.minimize(loss, true, vars)!;
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  }
  const optimizerState = tf.memory().numTensors - before; // Adam's moment tensors, created on the first step
  expect(optimizerState).toBe(2 * vars.length);
  expect(losses[0]).toBeGreaterThan(2);
  expect(losses[99]).toBeLessThan(0.25 * losses[0]);

  const answers = model.generate(batch);
  let correct = 0;
  for (let i = 0; i < 100; i++) if (answers[2 * i] === targets[i][0] && answers[2 * i + 1] === targets[i][1]) correct++;
  expect(correct).toBeGreaterThan(80);

  optimizer.dispose();
  labels.dispose();
  model.dispose();
});
