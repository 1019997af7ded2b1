import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { RnnModel } from '../../lib/models/rnn';
import { TrainState, trainSequenceModel } from '../../lib/train/sequence';
import { evaluateExamples } from '../../lib/train/evaluate';
import { parityTask } from '../helpers/toy-task';

beforeAll(() => initBackend());

const task = parityTask(3);
const model = (seed: number) => new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: 4, embedSize: 4, hiddenSize: 16, numLayers: 1 }, seed);
const snapshot = (m: RnnModel) => Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Array.from(v.dataSync())]));

test('a GRU learns 3-bit parity to 100% train exact match and stops early', async () => {
  const m = model(0);
  const result = await trainSequenceModel(m, task, { batchSize: 4, maxSteps: 3000, evalEvery: 50, learningRate: 1e-2 });
  expect(result.stoppedBecause).toBe('accuracy');
  expect(result.trainExactMatch).toBe(1);
  expect(evaluateExamples(m, task.split('train').examples).exactMatch).toBe(1);
  expect(result.history.length).toBeGreaterThan(0);
  expect(result.history[result.history.length - 1].loss).toBeLessThan(result.history[0].loss);
  m.dispose();
});

test('training is deterministic for the same seeds; the data-order seed alone changes the result', async () => {
  const cfg = { batchSize: 3, maxSteps: 60, evalEvery: 1000, stopAtTrainAccuracy: 2 };
  const [a, b, c] = [model(5), model(5), model(5)];
  await trainSequenceModel(a, task, { ...cfg, dataSeed: 1 });
  await trainSequenceModel(b, task, { ...cfg, dataSeed: 1 });
  await trainSequenceModel(c, task, { ...cfg, dataSeed: 2 });
  expect(snapshot(a)).toEqual(snapshot(b));
  expect(snapshot(a)['cells.0.W_hh']).not.toEqual(snapshot(c)['cells.0.W_hh']);
  [a, b, c].forEach((m) => m.dispose());
});

test('a run resumed from a saved state ends with exactly the weights of an uninterrupted run', async () => {
  const cfg = { batchSize: 3, maxSteps: 40, evalEvery: 10, stopAtTrainAccuracy: 2, dataSeed: 3 };
  const whole = model(9);
  await trainSequenceModel(whole, task, cfg);

  const first = model(9);
  let saved: TrainState | undefined;
  let savedWeights: Record<string, tf.Tensor> = {};
  await trainSequenceModel(first, task, { ...cfg, maxSteps: 17 }, {
    saveEvery: 17,
    onSaveState: (state) => {
      saved = state;
      savedWeights = Object.fromEntries(Object.entries(first.params).map(([k, v]) => [k, v.clone()]));
    },
  });
  const resumed = model(123); // different init: everything must come from the saved state
  for (const [k, v] of Object.entries(savedWeights)) resumed.params[k].assign(v);
  await trainSequenceModel(resumed, task, cfg, { resume: saved });
  expect(snapshot(resumed)).toEqual(snapshot(whole));
  tf.dispose(Object.values(savedWeights));
  saved?.optimizer.forEach((o) => o.tensor.dispose());
  [whole, first, resumed].forEach((m) => m.dispose());
});

test('full-batch training and auxiliary state supervision run and leak no tensors', async () => {
  const m = model(2);
  const before = tf.memory().numTensors;
  const result = await trainSequenceModel(m, task, { batchSize: 0, maxSteps: 30, evalEvery: 10, auxWeight: 1, stopAtTrainAccuracy: 2 });
  expect(result.steps).toBe(30);
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});

test('bad training configs name the field', async () => {
  const m = model(1);
  await expect(trainSequenceModel(m, task, { learningRate: -1 })).rejects.toThrow(/training\.learningRate/);
  await expect(trainSequenceModel(m, task, { batchSize: 1.5 })).rejects.toThrow(/training\.batchSize/);
  m.dispose();
});
