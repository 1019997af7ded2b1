import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { liveViews, wasmHeap } from '../../lib/backend/wasm-heap';
import { batchMatMul, MatMulEngine } from '../../lib/backend/simd/kernels';
import { simdKernels } from '../../lib/backend/simd/simd';
import { Rng } from '../../lib/util/random';

beforeAll(() => initBackend('wasm'));

const rand = (shape: number[], seed: number) => {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.uniform(-1, 1)), shape);
};

// [a shape, b shape, transposeA, transposeB]: the trainer's shapes, transposes, broadcasting, odd sizes.
const cases: [number[], number[], boolean, boolean][] = [
  [[32, 32, 64], [32, 64, 192], false, false],
  [[4, 64, 32], [4, 64, 192], true, false],
  [[4, 32, 192], [4, 64, 192], false, true],
  [[3, 16, 12], [3, 24, 16], true, true],
  [[32, 64], [64, 192], false, false],
  [[5, 7, 13], [13, 12], false, false],
  [[7, 5], [2, 7, 8], true, false],
  [[6, 9, 3], [6, 3, 10], false, false],
];

test.each(cases.flatMap((c) => (['simd', 'xnnpack'] as MatMulEngine[]).map((e) => [e, ...c] as const)))(
  '%s batchMatMul matches stock tf.matMul: %j · %j (tA %s, tB %s)',
  (engine, aShape, bShape, tA, tB) => {
    const [a, b] = [rand(aShape, 1), rand(bShape, 2)];
    const views = liveViews();
    const stock = tf.matMul(a, b, tA, tB);
    const mine = batchMatMul(a, b, tA, tB, engine);
    expect(mine.shape).toEqual(stock.shape);
    const [x, y] = [mine.dataSync(), stock.dataSync()];
    // Relative to the largest output: summation order differs from the stock kernel's (float32 rounding only).
    let err = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      err = Math.max(err, Math.abs(x[i] - y[i]));
      scale = Math.max(scale, Math.abs(y[i]));
    }
    expect(err / scale).toBeLessThanOrEqual(1e-6);
    expect(liveViews()).toBe(views);
    tf.dispose([a, b, stock, mine]);
  },
);

test('xnnpack engine is bit-identical to the stock kernel where that reaches XNNPACK (batch 1, no transposes)', () => {
  const [a, b] = [rand([32, 64], 3), rand([64, 192], 4)];
  const stock = tf.matMul(a, b);
  const mine = batchMatMul(a, b, false, false, 'xnnpack');
  expect(Array.from(mine.dataSync())).toEqual(Array.from(stock.dataSync()));
  tf.dispose([a, b, stock, mine]);
});

test('SIMD tanh and sigmoid stay within 2e-7 of the exact functions', () => {
  const heap = wasmHeap();
  const k = simdKernels(heap);
  const n = 4096;
  const [x, y] = [heap.alloc(n), heap.alloc(n)];
  const xs = Float32Array.from({ length: n }, (_, i) => (i / n - 0.5) * (i % 2 ? 40 : 2));
  heap.f32().set(xs, x >> 2);
  for (const [name, exact] of [['tanh', Math.tanh], ['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))]] as const) {
    k[name](x, y, n);
    const got = heap.f32().slice(y >> 2, (y >> 2) + n);
    let err = 0;
    xs.forEach((v, i) => (err = Math.max(err, Math.abs(got[i] - exact(v)))));
    expect(err).toBeLessThan(2e-7);
  }
  heap.free(x);
  heap.free(y);
});

test('tensor count is unchanged by the kernel', () => {
  const [a, b] = [rand([2, 8, 8], 5), rand([2, 8, 8], 6)];
  const before = tf.memory().numTensors;
  batchMatMul(a, b).dispose();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([a, b]);
});
