/** Warm starts of the population trainer (the guided search pauses, copies and resumes members). */
import { initBackend } from '../../lib/backend';
import { PopulationConfig, trainPopulation } from '../../lib/train/population/gru-trainer';
import { lookupTaskFromSample } from '../../lib/tasks/lookup';

beforeAll(() => initBackend('wasm'));

const lookup = lookupTaskFromSample('sample1', { encoding: 'final' });
const base: PopulationConfig = { cell: 'gru', hiddenSize: 16, embedSize: 8, learningRate: 3e-3, batchSize: 32, maxSteps: 40, evalEvery: 10, stopAtTrainAccuracy: 2 };

function same(a: Record<string, Float32Array>, b: Record<string, Float32Array>): boolean {
  return Object.keys(a).every((k) => a[k].length === b[k].length && a[k].every((x, i) => Object.is(x, b[k][i])));
}

test('pausing and resuming from the returned state reproduces the uninterrupted run bit for bit', async () => {
  const straight = await trainPopulation(lookup, [{ initSeed: 3, dataSeed: 5 }], base);
  const first = await trainPopulation(lookup, [{ initSeed: 3, dataSeed: 5, stopAtStep: 20 }], { ...base, returnState: true });
  const paused = first.members[0];
  expect(paused.steps).toBe(20);
  expect(paused.stoppedBecause).toBe('maxSteps');
  expect(paused.state!.step).toBe(20);
  expect(paused.state!.adam!.accBeta1).toBeCloseTo(0.9 ** 21, 6);
  // Resume in a population with another member, at another slot position.
  const second = await trainPopulation(lookup, [{ initSeed: 9, dataSeed: 9 }, { initSeed: 3, dataSeed: 5, start: paused.state }], { ...base, populationSize: 1, returnState: true });
  const resumed = second.members[1];
  expect(resumed.steps).toBe(40);
  expect(same(resumed.weights, straight.members[0].weights)).toBe(true);
  expect([...paused.history, ...resumed.history]).toEqual(straight.members[0].history);
  expect(second.totalSteps).toBe(40 + 20);
});

test('a branch continues the same weights on another data order; a warm start at its pause step returns untrained', async () => {
  const first = await trainPopulation(lookup, [{ initSeed: 1, dataSeed: 1, stopAtStep: 10 }], { ...base, returnState: true });
  const state = first.members[0].state!;
  const r = await trainPopulation(lookup, [
    { initSeed: 1, dataSeed: 1, start: state, stopAtStep: 20 },
    { initSeed: 1, dataSeed: 2, start: state, stopAtStep: 20 },
    { initSeed: 1, dataSeed: 1, start: state, stopAtStep: 10 },
  ], { ...base, returnState: true });
  expect(r.members.map((m) => m.steps)).toEqual([20, 20, 10]);
  expect(same(r.members[0].weights, r.members[1].weights)).toBe(false);
  expect(same(r.members[2].weights, state.weights)).toBe(true);
  expect(r.totalSteps).toBe(20);
});
