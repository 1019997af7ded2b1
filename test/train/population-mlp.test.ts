import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { liveViews, wasmHeap } from '../../lib/backend/wasm-heap';
import { MlpConfig, MlpModel } from '../../lib/models/mlp';
import { simdKernels } from '../../lib/backend/simd/simd';
import { tiledGemm } from '../../lib/backend/simd/tiled';
import { createHyperteacher } from '../../lib/tasks/hyperteacher';
import { MlpMember } from '../../lib/train/population/mlp';
import { trainMlpPopulation } from '../../lib/train/population';
import { LabelledVectors, trainVectorModel, VectorLoss, vectorLoss, VectorTrainConfig, VectorTrainState } from '../../lib/train/vector';
import { Rng } from '../../lib/util/random';
import { relErr } from '../helpers/numeric';

beforeAll(() => initBackend('wasm'));

const linear: MlpConfig = { arch: 'mlp', inputSize: 7, hiddenSizes: [8, 12], outputSize: 4, activation: 'relu', head: 'linear', items: 4 };
const oddOneOut: MlpConfig = { arch: 'mlp', inputSize: 20, hiddenSizes: [12], outputSize: 8, activation: 'relu', head: 'odd-one-out', items: 4 };

function rows(config: MlpConfig, n: number, seed: number): LabelledVectors {
  const rng = new Rng(seed);
  const width = config.head === 'odd-one-out' ? config.items : config.outputSize;
  return {
    batch: { inputs: Float32Array.from({ length: n * config.inputSize }, () => rng.normal()), batchSize: n, inputSize: config.inputSize },
    targets: Float32Array.from({ length: n * width }, () => rng.normal()),
    labels: Int32Array.from({ length: n }, () => Math.floor(rng.uniform(0, width))),
  };
}

const weightsOf = (m: MlpModel) => Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, v.dataSync() as Float32Array]));

function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let d = 0;
  for (const k of Object.keys(b)) for (let i = 0; i < b[k].length; i++) d = Math.max(d, Math.abs(a[k][i] - b[k][i]));
  return d;
}

function member(config: MlpConfig, maxRows: number): MlpMember {
  const heap = wasmHeap();
  return new MlpMember(heap, simdKernels(heap), config, maxRows);
}

test.each([false, true])('the cache-blocked gemm is bit-identical to the untiled one (transposed A: %s)', (transposeA) => {
  const heap = wasmHeap();
  const k = simdKernels(heap);
  const [M, K, N] = [37, 300, 200];
  const [A, B, C1, C2, bias, scratch] = [M * K, K * N, M * N, M * N, N, 128 * 48].map((n) => heap.alloc(n));
  const rng = new Rng(3);
  const f = heap.f32();
  for (const [p, n] of [[A, M * K], [B, K * N], [bias, N]]) for (let i = 0; i < n; i++) f[(p >> 2) + i] = rng.normal();
  const [sI, sK] = transposeA ? [1, M] : [K, 1];
  k.gemm(A, sI, sK, B, C1, M, K, N, bias);
  tiledGemm(heap, k, scratch, A, sI, sK, B, C2, M, K, N, bias, { kb: 64, nb: 48 });
  const g = heap.f32();
  const [c1, c2] = [g.slice(C1 >> 2, (C1 >> 2) + M * N), g.slice(C2 >> 2, (C2 >> 2) + M * N)];
  expect(c1.some((x) => x !== 0)).toBe(true);
  expect(Array.from(c2)).toEqual(Array.from(c1));
  // And right, not just consistent: one entry against a plain dot product.
  let dot = g[(bias >> 2) + 5];
  for (let kk = 0; kk < K; kk++) dot += g[(A >> 2) + 3 * sI + kk * sK] * g[(B >> 2) + kk * N + 5];
  expect(Math.abs(c1[3 * N + 5] - dot)).toBeLessThan(1e-4);
  for (const p of [A, B, C1, C2, bias, scratch]) heap.free(p);
});

test.each([
  ['linear head, MSE', linear, 'mse'],
  ['linear head, cross-entropy', linear, 'softmax-ce'],
  ['odd-one-out head, cross-entropy', oddOneOut, 'softmax-ce'],
  ['odd-one-out head, MSE', oddOneOut, 'mse'],
] as const)('%s: hand-written backward matches tfjs autodiff of MlpModel.forward + vectorLoss', (_, config, loss: VectorLoss) => {
  const model = new MlpModel(config, 5);
  const data = rows(config, 9, 1);
  const { value, grads } = tf.variableGrads(() => vectorLoss(model, data, loss));
  const m = member(config, 16);
  m.load(weightsOf(model));
  const mine = m.lossAndGrads(data, loss);
  expect(Math.abs(mine - value.dataSync()[0])).toBeLessThan(1e-6 * Math.max(1, Math.abs(mine)));
  const got = m.read(m.grads);
  for (const [name, v] of Object.entries(model.params)) {
    const g = grads[v.name].dataSync() as Float32Array;
    // A test that compares zeros with zeros could not fail: every parameter must get a real gradient.
    expect(g.some((x) => x !== 0)).toBe(true);
    expect(relErr(got[name], g)).toBeLessThan(1e-5);
  }
  const out = model.forward(data.batch);
  expect(relErr(m.predict(data), out.dataSync() as Float32Array)).toBeLessThan(1e-6);
  tf.dispose([value, out, ...Object.values(grads)]);
  m.dispose();
  model.dispose();
});

async function both(config: MlpConfig, data: LabelledVectors | ((step: number) => LabelledVectors), training: Partial<VectorTrainConfig>, seed: number) {
  const [a, b] = [new MlpModel(config, seed), new MlpModel(config, seed)];
  const ref = await trainVectorModel(a, data, training, { engine: 'tfjs' });
  const fast = await trainVectorModel(b, data, training, { engine: 'fast' });
  const result = { weightDiff: maxDiff(weightsOf(b), weightsOf(a)), ref, fast, moved: maxDiff(weightsOf(a), weightsOf(new MlpModel(config, seed))) };
  a.dispose();
  b.dispose();
  return result;
}

test('hyperteacher (AdamW, MSE, fresh tasks per step): weights after 40 steps and the loss curve match the tfjs trainer', async () => {
  const task = createHyperteacher({ seed: 2, modules: 4, maxActive: 2, inputSize: 8, hiddenSize: 8, outputSize: 8, samplesPerTask: 4 });
  const config: MlpConfig = { ...linear, inputSize: task.inputSize, hiddenSizes: [16, 16], outputSize: 8 };
  const training = { optimizer: 'adamw' as const, learningRate: 3e-3, weightDecay: 0.05, loss: 'mse' as const, maxSteps: 40, evalEvery: 10 };
  const r = await both(config, task.trainStream(4, 9), training, 3);
  expect(r.moved).toBeGreaterThan(1e-2);
  expect(r.weightDiff).toBeLessThan(2e-6);
  expect(r.fast.history.map((h) => h.step)).toEqual([10, 20, 30, 40]);
  r.fast.history.forEach((h, i) => expect(Math.abs(h.loss - r.ref.history[i].loss)).toBeLessThan(1e-6 * r.ref.history[i].loss + 1e-9));
});

test('odd-one-out (Adam, cross-entropy, seeded minibatches of a fixed set): weights after 30 steps match', async () => {
  const r = await both(oddOneOut, rows(oddOneOut, 50, 4), { loss: 'softmax-ce', learningRate: 1e-2, batchSize: 16, maxSteps: 30, evalEvery: 30, dataSeed: 6 }, 8);
  expect(r.moved).toBeGreaterThan(1e-2);
  expect(r.weightDiff).toBeLessThan(2e-6);
  expect(Math.abs(r.fast.history[0].loss - r.ref.history[0].loss)).toBeLessThan(1e-6);
});

test('a fast run resumed from its saved state ends bit-identical; the tfjs engine resumes it too', async () => {
  const data = rows(linear, 40, 2);
  const training = { optimizer: 'adamw' as const, weightDecay: 0.1, learningRate: 1e-2, batchSize: 8, maxSteps: 20, evalEvery: 5, loss: 'mse' as const };
  const whole = new MlpModel(linear, 1);
  let state: VectorTrainState | undefined;
  let at10: Record<string, Float32Array> = {};
  await trainVectorModel(whole, data, training, {
    engine: 'fast',
    saveEvery: 10,
    onSaveState: (s) => void (state = s),
    evaluate: (m, step) => ((step === 10 ? (at10 = weightsOf(m as MlpModel)) : undefined), {}),
  });
  expect(state?.step).toBe(10);
  const resumed = async (engine: 'fast' | 'tfjs') => {
    const m = new MlpModel(linear, 99);
    for (const [k, v] of Object.entries(m.params)) v.assign(tf.tensor(at10[k], v.shape));
    const result = await trainVectorModel(m, data, training, { engine, resume: state });
    const w = weightsOf(m);
    m.dispose();
    return { w, result };
  };
  const fast = await resumed('fast');
  expect(maxDiff(fast.w, weightsOf(whole))).toBe(0);
  expect(fast.result.history.map((h) => h.step)).toEqual([5, 10, 15, 20]);
  expect(maxDiff((await resumed('tfjs')).w, weightsOf(whole))).toBeLessThan(1e-6);
  tf.dispose(state!.optimizer.map((s) => s.tensor));
  whole.dispose();
});

test('tensors and heap views stay flat over fast runs', async () => {
  const data = rows(linear, 40, 3);
  const run = async () => {
    const m = new MlpModel(linear, 2);
    await trainVectorModel(m, data, { batchSize: 8, maxSteps: 12, evalEvery: 4 }, { engine: 'fast', evaluate: () => ({}) });
    m.dispose();
  };
  await run();
  const [tensors, views, heapBytes] = [tf.memory().numTensors, liveViews(), wasmHeap().memory.buffer.byteLength];
  for (let i = 0; i < 3; i++) await run();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(liveViews()).toBe(views);
  expect(wasmHeap().memory.buffer.byteLength).toBe(heapBytes);
});

test("engine 'fast' names what it cannot do; 'auto' falls back to tfjs", async () => {
  const data = rows(linear, 16, 5);
  const m = new MlpModel(linear, 1);
  await expect(trainVectorModel(m, data, { gradClip: 1, maxSteps: 2 }, { engine: 'fast' })).rejects.toThrow(/gradient clipping/);
  const odd = new MlpModel({ ...linear, hiddenSizes: [6] }, 1);
  await expect(trainVectorModel(odd, data, { maxSteps: 2 }, { engine: 'fast' })).rejects.toThrow(/width 6 is not a multiple of 4/);
  const result = await trainVectorModel(odd, data, { maxSteps: 2, evalEvery: 2 }, { engine: 'auto' });
  expect(result.history).toHaveLength(1);
  m.dispose();
  odd.dispose();
});

test('a population trains every member exactly as its own trainVectorModel run would', async () => {
  const data = rows(linear, 30, 7);
  const training = { learningRate: 1e-2, batchSize: 8, maxSteps: 12, evalEvery: 6, loss: 'softmax-ce' as const };
  const members = [{ initSeed: 1, dataSeed: 5 }, { initSeed: 2, dataSeed: 5 }, { initSeed: 1, dataSeed: 6 }];
  const pop = await trainMlpPopulation(linear, members, () => data, training);
  expect(pop.totalSteps).toBe(36);
  for (const [i, member] of members.entries()) {
    const m = new MlpModel(linear, member.initSeed);
    const ref = await trainVectorModel(m, data, { ...training, dataSeed: member.dataSeed }, { engine: 'tfjs' });
    expect(pop.members[i].history.map((h) => h.step)).toEqual(ref.history.map((h) => h.step));
    expect(maxDiff(pop.members[i].weights, weightsOf(m))).toBeLessThan(2e-6);
    m.dispose();
  }
  // Different seeds or data orders give different models.
  expect(maxDiff(pop.members[0].weights, pop.members[1].weights)).toBeGreaterThan(1e-3);
  expect(maxDiff(pop.members[0].weights, pop.members[2].weights)).toBeGreaterThan(1e-4);
});

test('the fast engine resumes a state saved by the tfjs engine', async () => {
  const data = rows(linear, 40, 9);
  const training = { learningRate: 1e-2, batchSize: 8, maxSteps: 20, evalEvery: 5, loss: 'mse' as const };
  const whole = new MlpModel(linear, 4);
  let state: VectorTrainState | undefined;
  let at10: Record<string, Float32Array> = {};
  await trainVectorModel(whole, data, training, {
    engine: 'tfjs',
    saveEvery: 10,
    onSaveState: (s) => void (state = s),
    evaluate: (m, step) => ((step === 10 ? (at10 = weightsOf(m as MlpModel)) : undefined), {}),
  });
  const m = new MlpModel(linear, 99);
  for (const [k, v] of Object.entries(m.params)) v.assign(tf.tensor(at10[k], v.shape));
  await trainVectorModel(m, data, training, { engine: 'fast', resume: state });
  expect(maxDiff(weightsOf(m), weightsOf(whole))).toBeLessThan(1e-6);
  expect(maxDiff(weightsOf(m), at10)).toBeGreaterThan(1e-3);
  tf.dispose(state!.optimizer.map((s) => s.tensor));
  m.dispose();
  whole.dispose();
});

test('a generator whose batches grow mid-run gets a larger workspace and the same weights as tfjs', async () => {
  const sizes = [4, 4, 12, 6, 16];
  const batches = sizes.map((n, i) => rows(linear, n, 20 + i));
  const training = { learningRate: 1e-2, maxSteps: sizes.length, evalEvery: sizes.length, loss: 'softmax-ce' as const };
  const [a, b] = [new MlpModel(linear, 6), new MlpModel(linear, 6)];
  await trainVectorModel(a, (step) => batches[step], training, { engine: 'tfjs' });
  await trainVectorModel(b, (step) => batches[step], training, { engine: 'fast' });
  expect(maxDiff(weightsOf(b), weightsOf(a))).toBeLessThan(2e-6);
  a.dispose();
  b.dispose();
});
