import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { liveViews } from '../../lib/backend/wasm-heap';
import { RnnModel } from '../../lib/models/rnn';
import { initialWeights, PopulationConfig, populationModelConfig, trainPopulation } from '../../lib/train/population/gru-trainer';
import { lookupTaskFromSample } from '../../lib/tasks/lookup';
import { evaluateExamples } from '../../lib/train/evaluate';
import { trainSequenceModel } from '../../lib/train/sequence';
import { parityTask } from '../helpers/toy-task';

beforeAll(() => initBackend('wasm'));

const lookup = lookupTaskFromSample('sample1', { encoding: 'final' });
const base: PopulationConfig = { cell: 'gru', hiddenSize: 64, embedSize: 16, learningRate: 3e-3, batchSize: 32, maxSteps: 30, evalEvery: 10, stopAtTrainAccuracy: 2 };

function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let d = 0;
  for (const k of Object.keys(b)) for (let i = 0; i < b[k].length; i++) d = Math.max(d, Math.abs(a[k][i] - b[k][i]));
  return d;
}

test('initial weights are exactly RnnModel’s', () => {
  const cfg = populationModelConfig(lookup, base);
  const model = new RnnModel(cfg, 11);
  const mine = initialWeights(cfg, 11);
  for (const [k, v] of Object.entries(model.params)) expect(Array.from(mine[k])).toEqual(Array.from(v.dataSync()));
  model.dispose();
});

test('a population of 3 trains each member to the reference trainer’s weights', async () => {
  const members = [{ initSeed: 1, dataSeed: 10 }, { initSeed: 2, dataSeed: 20 }, { initSeed: 3, dataSeed: 10 }];
  // Population size 2 < 3 members: the third starts when the first finishes, at a different step from the second.
  const pop = await trainPopulation(lookup, members, { ...base, populationSize: 2 });
  for (const [i, { initSeed, dataSeed }] of members.entries()) {
    const model = new RnnModel(populationModelConfig(lookup, base), initSeed);
    const ref = await trainSequenceModel(model, lookup, { learningRate: 3e-3, batchSize: 32, maxSteps: 30, evalEvery: 10, stopAtTrainAccuracy: 2, dataSeed });
    const refWeights = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array]));
    const got = pop.members[i];
    expect(got.steps).toBe(ref.steps);
    expect(got.stoppedBecause).toBe(ref.stoppedBecause);
    expect(maxDiff(got.weights, refWeights)).toBeLessThan(1e-4);
    expect(got.history.map((h) => h.trainExactMatch)).toEqual(ref.history.map((h) => h.trainExactMatch));
    got.history.forEach((h, j) => expect(Math.abs(h.loss - ref.history[j].loss)).toBeLessThan(1e-4));
    model.dispose();
  }
});

test('members stop at 100% train exact match; the returned weights reproduce it in RnnModel', async () => {
  const task = parityTask(3);
  const config: PopulationConfig = { ...base, hiddenSize: 16, embedSize: 4, learningRate: 1e-2, batchSize: 4, maxSteps: 3000, evalEvery: 50, stopAtTrainAccuracy: 1 };
  const done: number[] = [];
  const pop = await trainPopulation(task, [{ initSeed: 0, dataSeed: 0 }, { initSeed: 1, dataSeed: 1 }], config, { onMemberDone: (r) => done.push(r.index) });
  expect(done.sort()).toEqual([0, 1]);
  for (const r of pop.members) {
    expect(r.stoppedBecause).toBe('accuracy');
    expect(r.steps % 50).toBe(0);
    const model = new RnnModel(populationModelConfig(task, config), r.initSeed);
    for (const [k, v] of Object.entries(model.params)) v.assign(tf.tensor(r.weights[k], v.shape));
    expect(evaluateExamples(model, task.split('train').examples).exactMatch).toBe(1);
    model.dispose();
  }
});

test('an Elman (tanh) population matches the reference trainer', async () => {
  const config: PopulationConfig = { ...base, cell: 'tanh', maxSteps: 20 };
  const pop = await trainPopulation(lookup, [{ initSeed: 6, dataSeed: 7 }], config);
  const model = new RnnModel(populationModelConfig(lookup, config), 6);
  await trainSequenceModel(model, lookup, { learningRate: 3e-3, batchSize: 32, maxSteps: 20, evalEvery: 10, stopAtTrainAccuracy: 2, dataSeed: 7 });
  expect(maxDiff(pop.members[0].weights, Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array])))).toBeLessThan(1e-4);
  model.dispose();
});

test('a vocabulary that is not a multiple of 4 (XNNPACK output path) matches the reference too', async () => {
  const parity = parityTask(3);
  const task = { ...parity, vocab: [...parity.vocab, 'unused'] }; // V = 5
  const config: PopulationConfig = { ...base, hiddenSize: 16, embedSize: 4, batchSize: 3, maxSteps: 20, evalEvery: 10 };
  const pop = await trainPopulation(task, [{ initSeed: 4, dataSeed: 5 }], config);
  const model = new RnnModel(populationModelConfig(task, config), 4);
  await trainSequenceModel(model, task, { learningRate: 3e-3, batchSize: 3, maxSteps: 20, evalEvery: 10, stopAtTrainAccuracy: 2, dataSeed: 5 });
  expect(maxDiff(pop.members[0].weights, Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array])))).toBeLessThan(1e-5);
  model.dispose();
});

test('population size does not change results; tensors and heap views stay flat', async () => {
  const members = [0, 1, 2, 3].map((i) => ({ initSeed: i, dataSeed: 100 + i }));
  const tensors = tf.memory().numTensors;
  const views = liveViews();
  const a = await trainPopulation(lookup, members, { ...base, maxSteps: 12, populationSize: 1 });
  const b = await trainPopulation(lookup, members, { ...base, maxSteps: 12, populationSize: 3 });
  for (let i = 0; i < members.length; i++) expect(maxDiff(a.members[i].weights, b.members[i].weights)).toBe(0);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(liveViews()).toBe(views);
});

test('bad configs name the field', async () => {
  await expect(trainPopulation(lookup, [{ initSeed: 0, dataSeed: 0 }], { ...base, cell: 'lstm' as 'gru' })).rejects.toThrow(/population\.cell/);
  await expect(trainPopulation(lookup, [{ initSeed: 0, dataSeed: 0 }], { ...base, hiddenSize: 30 })).rejects.toThrow(/population\.hiddenSize/);
  await expect(trainPopulation(lookup, [{ initSeed: 0, dataSeed: 0 }], { ...base, embedSize: 6 })).rejects.toThrow(/population\.embedSize/);
});
