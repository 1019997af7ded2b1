import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { liveViews, wasmHeap } from '../../lib/backend/wasm-heap';
import { makeBatch } from '../../lib/data/batches';
import { RnnModel } from '../../lib/models/rnn';
import { timeMajorBatch } from '../../lib/train/population/gru-batches';
import { GruMember, GruWorkspace } from '../../lib/train/population/gru';
import { simdKernels } from '../../lib/backend/simd/simd';
import { lookupTaskFromSample } from '../../lib/tasks/lookup';
import { answerLoss, evaluateExamples } from '../../lib/train/evaluate';
import { relErr } from '../helpers/numeric';

beforeAll(() => initBackend('wasm'));

const task = lookupTaskFromSample('sample1', { encoding: 'final' });
const train = task.split('train').examples;
const config = { arch: 'rnn' as const, cell: 'gru' as 'gru' | 'tanh', layout: 'single' as const, vocabSize: task.vocab.length, embedSize: 16, hiddenSize: 64, numLayers: 1 };

function member(maxRows = 64, cell: 'gru' | 'tanh' = 'gru') {
  const heap = wasmHeap();
  const ws = new GruWorkspace(heap, simdKernels(heap), { vocabSize: config.vocabSize, embedSize: 16, hiddenSize: 64, maxRows, maxInputs: 9, maxTargets: 4 });
  const m = new GruMember(ws, { ...config, cell });
  return Object.assign(m, { disposeAll: () => (m.dispose(), ws.dispose()) });
}

test.each([
  ['gru', 'atomic rows', [0, 3, 7, 12, 40, 63]],
  ['gru', 'composed rows', [64, 70, 100, 150, 200, 231, 99, 65]],
  ['tanh', 'composed rows', [64, 70, 100, 150, 200, 231, 99, 65]],
] as const)('%s: hand-written BPTT matches tfjs autodiff of RnnModel.forward + answerLoss (%s)', (cell, _, indices) => {
  const model = new RnnModel({ ...config, cell }, 7);
  const batch = makeBatch(train, [...indices]);
  const { value, grads } = tf.variableGrads(() => answerLoss(model.forward(batch), batch.tokens, batch.promptLength, batch.length));
  const m = member(64, cell);
  m.load(Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array])));
  const loss = m.lossAndGrads(timeMajorBatch(train, [...indices]));
  expect(Math.abs(loss - value.dataSync()[0])).toBeLessThan(1e-5);
  const mine = m.readGrads();
  for (const [name, g] of Object.entries(grads)) {
    // variableGrads keys by the variable's unique name; map back to the param name.
    const param = Object.keys(model.params).find((k) => model.params[k].name === name) as string;
    expect(relErr(mine[param], g.dataSync() as Float32Array)).toBeLessThan(1e-5);
  }
  tf.dispose([value, ...Object.values(grads)]);
  m.disposeAll();
  model.dispose();
});

test('greedy predictions match RnnModel.generate on the whole training split', () => {
  const model = new RnnModel(config, 3);
  const m = member(232);
  m.load(Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array])));
  const reference = evaluateExamples(model, train);
  for (const bucket of [train.slice(0, 64).map((_, i) => i), train.slice(64).map((_, i) => i + 64)]) {
    const tm = timeMajorBatch(train, bucket);
    const pred = m.predict(tm);
    bucket.forEach((index, b) => {
      const got = Array.from({ length: 4 }, (_, j) => pred[j * bucket.length + b]);
      expect(got).toEqual(reference.predictions[index]);
    });
  }
  m.disposeAll();
  model.dispose();
});

test('members release every heap view they register', () => {
  const before = liveViews();
  const m = member();
  m.load(m.read());
  m.lossAndGrads(timeMajorBatch(train, [0, 1, 2]));
  m.disposeAll();
  expect(liveViews()).toBe(before);
});
