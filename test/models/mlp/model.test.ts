import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { disposeResult } from '../../../lib/hooks';
import { MlpConfig, MlpHookName, MlpModel, mlpActName, validateMlpConfig } from '../../../lib/models/mlp';
import { VectorBatch } from '../../../lib/models/types';
import { ConfigError } from '../../../lib/util/errors';
import { Rng } from '../../../lib/util/random';

beforeAll(() => initBackend());

const linear: MlpConfig = { arch: 'mlp', inputSize: 6, hiddenSizes: [5, 7], outputSize: 3, activation: 'relu', head: 'linear', items: 4 };
const ooo: MlpConfig = { ...linear, inputSize: 12, head: 'odd-one-out', outputSize: 4 };

function randomBatch(rows: number, width: number, seed: number): VectorBatch {
  const rng = new Rng(seed);
  return { inputs: Float32Array.from({ length: rows * width }, () => rng.uniform(-1, 1)), batchSize: rows, inputSize: width };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('config', () => {
  test('defaults fill in and bad fields are named', () => {
    expect(validateMlpConfig({ arch: 'mlp', inputSize: 4, outputSize: 2 })).toEqual({ ...linear, inputSize: 4, outputSize: 2, hiddenSizes: [64] });
    expect(() => validateMlpConfig({ arch: 'mlp', inputSize: 4, outputSize: 2, hiddenSizes: [3, 0] })).toThrow(/model\.hiddenSizes\[1\]/);
    expect(() => validateMlpConfig({ ...ooo, inputSize: 10 })).toThrow(ConfigError);
    expect(() => validateMlpConfig({ ...ooo, inputSize: 10 })).toThrow(/model\.inputSize.*multiple of model\.items/);
    expect(() => validateMlpConfig({ ...linear, activation: 'tanh' }, 'm')).toThrow(/m\.activation/);
    expect(() => validateMlpConfig({ ...linear, depth: 2 })).toThrow(/model\.depth: expected no such field/);
  });
});

describe.each([
  ['linear', linear, 6, 3, 1],
  ['odd-one-out', ooo, 12, 4, 4],
] as const)('%s head', (_name, config, width, outWidth, rowsPerInput) => {
  test('output shape and every hook point with its documented shape; no tensors leak', () => {
    const model = new MlpModel(config, 1);
    const batch = randomBatch(5, width, 2);
    const before = tf.memory().numTensors;
    const result = model.runWithCache(batch, { names: model.hookPoints });
    expect(result.output.shape).toEqual([5, outWidth]);
    expect(model.outputSize).toBe(outWidth);
    const R = 5 * rowsPerInput;
    const expected: Record<string, number[]> = {
      hook_input: [5, width],
      'layers.0.hook_pre': [R, 5],
      'layers.0.hook_post': [R, 5],
      'layers.1.hook_pre': [R, 7],
      'layers.1.hook_post': [R, 7],
      hook_output: [5, outWidth],
    };
    if (config.head === 'odd-one-out') expected['head.hook_embed'] = [R, 4];
    expect([...model.hookPoints].sort()).toEqual(Object.keys(expected).sort());
    for (const name of model.hookPoints) expect(result.cache[name]!.shape).toEqual(expected[name]);
    expect(values(result.cache.hook_output!)).toEqual(values(result.output));
    disposeResult(result);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  test('post = relu(pre), and pre = previous post × W + b', () => {
    const model = new MlpModel(config, 3);
    const batch = randomBatch(4, width, 4);
    const result = model.runWithCache(batch, { names: [mlpActName('post', 0), mlpActName('pre', 1), mlpActName('post', 1)] });
    const recomputed = tf.tidy(() => result.cache['layers.0.hook_post']!.matMul(model.params['layers.1.W']).add(model.params['layers.1.b']));
    values(recomputed).forEach((v, i) => expect(v).toBeCloseTo(result.cache['layers.1.hook_pre']!.dataSync()[i], 5));
    const pre = result.cache['layers.1.hook_pre']!.dataSync();
    result.cache['layers.1.hook_post']!.dataSync().forEach((v, i) => expect(v).toBe(Math.max(0, pre[i])));
    recomputed.dispose();
    disposeResult(result);
    model.dispose();
  });

  test('a replacement hook changes the output; the same hook through runWithCache gives the same output', () => {
    const model = new MlpModel(config, 5);
    const batch = randomBatch(4, width, 6);
    const clean = model.forward(batch);
    const hooks = { 'layers.0.hook_post': (h: tf.Tensor) => tf.zerosLike(h) };
    const patched = model.runWithHooks(batch, hooks);
    expect(values(patched)).not.toEqual(values(clean));
    const cached = model.runWithCache(batch, { names: ['layers.0.hook_post'], hooks });
    expect(values(cached.output)).toEqual(values(patched));
    expect(values(cached.cache['layers.0.hook_post']!).every((v) => v === 0)).toBe(true);
    tf.dispose([clean, patched]);
    disposeResult(cached);
    model.dispose();
  });

  test('params override replaces weights without touching the variables', () => {
    const model = new MlpModel(config, 7);
    const batch = randomBatch(3, width, 8);
    const base = model.forward(batch);
    const zeroW = tf.zerosLike(model.params['layers.1.W']);
    // With layer 1's W zeroed, every row's output is the same function of b only.
    const overridden = model.forward(batch, { params: { 'layers.1.W': zeroW } });
    const rows = overridden.arraySync() as number[][];
    if (config.head === 'linear') for (const row of rows) row.forEach((v, j) => expect(v).toBeCloseTo(rows[0][j], 6));
    else for (const row of rows) row.forEach((v) => expect(v).toBeCloseTo(-4, 5)); // identical unit embeddings: −Σ_j 1
    const again = model.forward(batch);
    expect(values(again)).toEqual(values(base));
    tf.dispose([base, zeroW, overridden, again]);
    model.dispose();
  });

  test('same seed gives identical weights and outputs; different seeds differ', () => {
    const [a, b, c] = [11, 11, 12].map((s) => new MlpModel(config, s));
    for (const name of Object.keys(a.params)) expect(values(a.params[name])).toEqual(values(b.params[name]));
    expect(values(a.params['layers.0.W'])).not.toEqual(values(c.params['layers.0.W']));
    const batch = randomBatch(2, width, 9);
    const [ya, yb] = [a.forward(batch), b.forward(batch)];
    expect(values(ya)).toEqual(values(yb));
    tf.dispose([ya, yb]);
    [a, b, c].forEach((m) => m.dispose());
  });
});

test('PyTorch-Linear initialisation: every tensor uniform within ±1/√fan_in; masks may touch weights, not biases', () => {
  const model = new MlpModel({ ...linear, inputSize: 100, hiddenSizes: [400] }, 13);
  const w0 = values(model.params['layers.0.W']);
  expect(Math.max(...w0.map(Math.abs))).toBeLessThanOrEqual(0.1);
  expect(Math.max(...w0.map(Math.abs))).toBeGreaterThan(0.09);
  expect(Math.max(...values(model.params['unembed.W_U']).map(Math.abs))).toBeLessThanOrEqual(0.05);
  expect(model.paramSpecs.map((s) => [s.name, s.maskable])).toEqual([
    ['layers.0.W', true],
    ['layers.0.b', false],
    ['unembed.W_U', true],
    ['unembed.b_U', false],
  ]);
  model.dispose();
});

test('odd-one-out head: logits are −Σ_j ⟨e_i, e_j⟩ of the normalised item embeddings, items embedded independently', () => {
  const model = new MlpModel(ooo, 15);
  const batch = randomBatch(3, 12, 16);
  const result = model.runWithCache(batch, { names: ['head.hook_embed'] });
  const e = result.cache['head.hook_embed']!.arraySync() as number[][];
  e.forEach((row) => expect(Math.hypot(...row)).toBeCloseTo(1, 5));
  const logits = result.output.arraySync() as number[][];
  for (let b = 0; b < 3; b++) {
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += e[b * 4 + i].reduce((acc, v, k) => acc + v * e[b * 4 + j][k], 0);
      expect(logits[b][i]).toBeCloseTo(-s, 5);
    }
  }
  // Permuting the items permutes the logits: the body is shared across item slots.
  const permuted = new Float32Array(batch.inputs);
  for (let b = 0; b < 3; b++) {
    permuted.set(batch.inputs.subarray(b * 12, b * 12 + 3), b * 12 + 9);
    permuted.set(batch.inputs.subarray(b * 12 + 9, b * 12 + 12), b * 12);
  }
  const swappedTensor = model.forward({ ...batch, inputs: permuted });
  const swapped = swappedTensor.arraySync() as number[][];
  swappedTensor.dispose();
  for (let b = 0; b < 3; b++) {
    expect(swapped[b][0]).toBeCloseTo(logits[b][3], 5);
    expect(swapped[b][3]).toBeCloseTo(logits[b][0], 5);
    expect(swapped[b][1]).toBeCloseTo(logits[b][1], 5);
  }
  disposeResult(result);
  model.dispose();
});

test('unknown hook names are refused (and typos fail to compile); bad batches are refused', () => {
  const model = new MlpModel(linear, 17);
  // @ts-expect-error 'layers.0.hook_hidden' is not a hook point name
  const typo: MlpHookName = 'layers.0.hook_hidden';
  expect(() => model.runWithCache(randomBatch(2, 6, 1), { names: [typo] })).toThrow(/unknown hook point/);
  expect(() => model.forward(randomBatch(2, 5, 1))).toThrow(/inputSize 5/);
  expect(() => model.runWithCache(randomBatch(2, 6, 1), { names: ['head.hook_embed'] })).toThrow(/unknown hook point/);
  model.dispose();
});
