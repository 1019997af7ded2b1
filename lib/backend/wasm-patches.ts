/**
 * Kernel replacements for tfjs-backend-wasm 4.22 (pinned in package.json; see docs/performance.md).
 *
 * The stock wasm BatchMatMul uses XNNPACK only when batch = 1 and neither operand is transposed; every other case
 * is a naive triple loop (0.4–1.6 GFLOP/s). Autodiff of `matMul` always asks for transposes, so every backward pass
 * of every model hits the slow path. The patch materialises the transposed operand with the wasm Transpose kernel
 * (a cheap copy) and then calls the stock kernel without transposes, which reaches XNNPACK. Results are
 * bit-identical to the stock kernel on the shapes we test (test/backend.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];
let installed: string[] | undefined;

export function installWasmPatches(): string[] {
  if (installed) return installed;
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!stock || !transpose) return (installed = []);
  const stockFunc = stock.kernelFunc as KernelFunc;
  const transposeFunc = transpose.kernelFunc as KernelFunc;

  const patched: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batch = (t: tf.TensorInfo) => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    // Only the batch-1 case gains: XNNPACK is not used for batch > 1 even without transposes.
    if ((!transposeA && !transposeB) || batch(a) !== 1 || batch(b) !== 1) return stockFunc(args);
    const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return transposeFunc({ inputs: { x: t }, backend, attrs: { perm } as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
    };
    const aT = transposeA ? swapLast(a) : a;
    const bT = transposeB ? swapLast(b) : b;
    const out = stockFunc({
      inputs: { a: aT, b: bT },
      backend,
      attrs: { ...(attrs as object), transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap,
    });
    const wasmBackend = backend as unknown as { disposeData(id: object): void };
    if (aT !== a) wasmBackend.disposeData(aT.dataId);
    if (bT !== b) wasmBackend.disposeData(bT.dataId);
    return out;
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...stock, kernelFunc: patched });
  return (installed = ['matmul-transpose']);
}
