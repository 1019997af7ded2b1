/**
 * The guided search's data split and signals: validation compositions are training compositions (never test ones)
 * that leave every table at every position; the host forward pass matches RnnModel; the ridge probe and the signals
 * behave on cases with known answers.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { RnnModel } from '../../lib/models/rnn';
import { computeSignals, HostRnn, SIGNAL_NAMES } from '../../lib/search/guided';
import { fitRidge, probeAccuracy } from '../../lib/search/guided/probe';
import { chooseValidationCompositions, guidedData } from '../../lib/search/guided/task';
import { populationModelConfig, trainPopulation } from '../../lib/train/population/gru-trainer';
import { lookupTaskFromSample } from '../../lib/tasks/lookup';
import { evaluateExamples } from '../../lib/train/evaluate';
import { collectHookVectors } from '../../probes/automata/model-traces';
import { Rng } from '../../lib/util/random';

beforeAll(() => initBackend('wasm'));

const task = lookupTaskFromSample('sample1', { encoding: 'final' });
const spec = task.spec;

test('validation compositions: training compositions only, every table kept at every position, seeded', () => {
  const test = new Set(task.rows('heldout_compositions').map((r) => r.tables.map((t) => `t${t + 1}`).join(' ')));
  const trainComps = new Set(task.rows('train').filter((r) => r.tables.length > 1).map((r) => r.tables.map((t) => `t${t + 1}`).join(' ')));
  for (const seed of [0, 1, 2]) {
    const held = chooseValidationCompositions(spec, 6, seed);
    expect(held).toHaveLength(6);
    for (const c of held) {
      expect(trainComps.has(c)).toBe(true);
      expect(test.has(c)).toBe(false);
    }
    const kept = [...trainComps].filter((c) => !held.includes(c)).map((c) => c.split(' '));
    for (const c of [...trainComps].map((x) => x.split(' '))) c.forEach((t, p) => expect(kept.some((k) => k[p] === t)).toBe(true));
  }
  expect(chooseValidationCompositions(spec, 4, 0)).toEqual(chooseValidationCompositions(spec, 4, 0));
  expect(chooseValidationCompositions(spec, 4, 0)).not.toEqual(chooseValidationCompositions(spec, 4, 1));
  expect(() => chooseValidationCompositions(spec, 28, 0)).toThrow(/only 28 compositions/);

  const data = guidedData(spec, 'atomic+composed', chooseValidationCompositions(spec, 4, 0));
  expect(data.train).toHaveLength(232 - 4 * 6);
  expect(data.valComps).toHaveLength(4 * 8);
  expect(data.train.some((e) => data.validationCompositions.includes(e.group))).toBe(false);
  expect(data.validation.some((e) => data.validationCompositions.includes(e.group))).toBe(false);
  // Final models are evaluated on the unchanged task.
  expect(data.evalTask.split('train').examples).toHaveLength(232);
  expect(data.evalTask.split('heldout_compositions').examples).toHaveLength(64);
  expect(guidedData(spec, 'composed-only', data.validationCompositions).train).toHaveLength(168 - 24);
});

test('the host forward pass gives RnnModel’s greedy answers and hidden states', async () => {
  const cfg = { cell: 'gru' as const, hiddenSize: 16, embedSize: 8, learningRate: 1e-2, batchSize: 32, maxSteps: 60, evalEvery: 60, stopAtTrainAccuracy: 2 };
  const { members } = await trainPopulation(task, [{ initSeed: 4, dataSeed: 4 }], cfg);
  const mc = populationModelConfig(task, cfg);
  const model = new RnnModel(mc, 0);
  for (const [k, v] of Object.entries(model.params)) v.assign(tf.tensor(members[0].weights[k], v.shape));
  const host = new HostRnn({ cell: 'gru', vocabSize: mc.vocabSize, embedSize: 8, hiddenSize: 16 }, members[0].weights);
  const examples = [...task.split('train').examples.slice(0, 40), ...task.split('heldout_compositions').examples];
  const mine = host.run(examples);
  const ref = evaluateExamples(model, examples);
  expect(mine.answers.map((a) => Array.from(a))).toEqual(ref.predictions);
  const positions = examples.map((e) => e.prompt.map((_, t) => t));
  const states = collectHookVectors(model, examples, model.stateHook, positions);
  let diff = 0;
  examples.forEach((e, i) => positions[i].forEach((t) => states[i][t].forEach((x, j) => (diff = Math.max(diff, Math.abs(x - mine.states[i][t * 16 + j]))))));
  expect(diff).toBeLessThan(1e-5);
  model.dispose();
});

test('ridge probe: separable classes are decoded, noise is not', () => {
  const rng = new Rng(1);
  const make = (n: number, signal: number) => {
    const x: Float64Array[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 8;
      const v = new Float64Array(12);
      for (let j = 0; j < 12; j++) v[j] = rng.normal() * 0.3 + (j === c ? signal : 0);
      x.push(v);
      y.push(c);
    }
    return { x, y };
  };
  expect(probeAccuracy(fitRidge(make(400, 2), 8), make(200, 2))).toBeGreaterThan(0.95);
  expect(probeAccuracy(fitRidge(make(400, 0), 8), make(200, 0))).toBeLessThan(0.3);
});

test('signals of a trained member are in [0, 1]; a subset computes only what it needs', async () => {
  const cfg = { cell: 'gru' as const, hiddenSize: 16, embedSize: 8, learningRate: 1e-2, batchSize: 32, maxSteps: 40, evalEvery: 40, stopAtTrainAccuracy: 2 };
  const data = guidedData(spec, 'atomic+composed', chooseValidationCompositions(spec, 4, 0));
  const { members } = await trainPopulation(data.trainTask, [{ initSeed: 1, dataSeed: 1 }], cfg);
  const ctx = { dims: { cell: 'gru' as const, vocabSize: task.vocab.length, embedSize: 8, hiddenSize: 16 }, tables: spec.tables, states: 8, train: data.train, valComps: data.valComps, validation: data.validation };
  const all = computeSignals(members[0].weights, ctx);
  for (const n of SIGNAL_NAMES) {
    expect(all[n]).toBeGreaterThanOrEqual(0);
    expect(all[n]).toBeLessThanOrEqual(1);
  }
  const some = computeSignals(members[0].weights, ctx, new Set(['valCompEM'] as const));
  expect(some.valCompEM).toBe(all.valCompEM);
  expect(Number.isNaN(some.probeCV)).toBe(true);
});
