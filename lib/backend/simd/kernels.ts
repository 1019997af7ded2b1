/**
 * Batched matmul over tfjs wasm tensors without the stock kernel's naive loop (tfjs-wasm 4.22 reaches XNNPACK only
 * for batch 1 without transposes). Each batch slice is computed in place on zero-copy pointers into the operands'
 * heap buffers, by one of two engines:
 *  - 'simd': our register-blocked SIMD gemm (simd.ts); transposed left operands are read through strides;
 *  - 'xnnpack': one XNNPACK call per slice on heap views (the perf study's kernel), transposes materialised.
 * Tests compare both with stock tf.matMul: they guard the backend internals this relies on against a tfjs bump.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmHeap, wasmHeap } from '../wasm-heap';
import { simdKernels } from './simd';

export type MatMulEngine = 'simd' | 'xnnpack';

interface DataMap {
  dataIdMap: { get(id: object): { memoryOffset: number } };
}

/** Byte offset of a wasm tensor's data in the heap (stable while the tensor lives, even if the heap grows). */
function pointer(t: tf.Tensor): number {
  return (tf.backend() as unknown as DataMap).dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * a [batch?, M, K] (or [batch?, K, M] with transposeA) · b [batch?, K, N] (or [batch?, N, K] with transposeB); a
 * rank-2 operand broadcasts over the other's batch. float32 only. Returns a new tensor the caller owns.
 */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false, engine: MatMulEngine = 'simd'): tf.Tensor {
  const heap = wasmHeap();
  const k = simdKernels(heap);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.rank < 2 || b.rank < 2 || a.rank > 3 || b.rank > 3) {
    throw new Error('batchMatMul: float32 operands of rank 2 or 3');
  }
  const batchOf = (t: tf.Tensor) => (t.rank === 3 ? t.shape[0] : 1);
  const [Pa, Pb] = [batchOf(a), batchOf(b)];
  if (Pa !== Pb && Pa !== 1 && Pb !== 1) throw new Error(`batchMatMul: batch sizes ${Pa} and ${Pb} do not broadcast`);
  const P = Math.max(Pa, Pb);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [M, K] = transposeA ? [ac, ar] : [ar, ac];
  const [K2, N] = transposeB ? [bc, br] : [br, bc];
  if (K !== K2) throw new Error(`batchMatMul: inner dimensions ${K} and ${K2} differ`);
  const outShape = a.rank === 3 || b.rank === 3 ? [P, M, N] : [M, N];
  const out = tf.zeros(outShape);
  const useSimd = engine === 'simd' && N % 4 === 0;
  // Scratch for transposed copies and a zero bias row, freed below.
  const scratch: number[] = [];
  const take = (floats: number) => {
    const ptr = heap.alloc(floats);
    scratch.push(ptr);
    return ptr;
  };
  const zero = take(N + 4);
  heap.f32().fill(0, zero >> 2, (zero >> 2) + N + 4);
  const bT = transposeB ? take(K * N) : 0;
  const aT = transposeA && !useSimd ? take(M * K) : 0;
  const views: number[] = [];
  try {
    for (let p = 0; p < P; p++) {
      const pa = pointer(a) + (Pa > 1 ? p : 0) * M * K * 4;
      let pb = pointer(b) + (Pb > 1 ? p : 0) * K * N * 4;
      const pc = pointer(out) + p * M * N * 4;
      if (transposeB) {
        k.transpose(pb, N, K, bT);
        pb = bT;
      }
      if (useSimd) {
        k.gemm(pa, transposeA ? 1 : K, transposeA ? M : 1, pb, pc, M, K, N, zero);
      } else {
        let left = pa;
        if (transposeA) {
          k.transpose(pa, K, M, aT);
          left = aT;
        }
        xnnpack(heap, views, left, M, K, pb, N, pc);
      }
    }
  } finally {
    for (const id of views) heap.dropView(id);
    for (const ptr of scratch) heap.free(ptr);
  }
  return out;
}

function xnnpack(heap: WasmHeap, views: number[], a: number, M: number, K: number, b: number, N: number, out: number): void {
  // A fresh id per call for the right operand: XNNPACK caches its packed copy under the id.
  const ids = [heap.view(a, M * K), heap.view(b, K * N), heap.view(out, M * N)];
  views.push(...ids);
  heap.matmul(ids[0], M, K, ids[1], N, ids[2]);
}
