/**
 * Matmul ceilings of this machine, measured in the same run as a benchmark (the load varies): stock tfjs-wasm
 * (XNNPACK, 1 thread), our SIMD gemm on the wasm heap, and OpenBLAS through numpy (native, 1 or more threads).
 * All in GFLOP per CPU-second, so other processes on the shared machine inflate them less than wall time would.
 */
import { spawnSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import { wasmHeap } from '../lib/backend/wasm-heap';
import { batchMatMul } from '../lib/backend/simd/kernels';
import { simdKernels } from '../lib/backend/simd/simd';
import { GEMM_TILE, tiledGemm } from '../lib/backend/simd/tiled';

export const PYTHON = '/usr/bin/python3';

/** CPU seconds per call: other processes on this shared machine inflate wall time, much less CPU time. */
export function timeIt(f: () => void, reps: number): number {
  f();
  const c = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6 / reps;
}

/** Stock tf.matMul at 1024³: batch 1 without transposes is the one shape the wasm backend sends to XNNPACK. */
export function xnnpackCeiling(): number {
  const [a, b] = [tf.randomUniform([1024, 1024]), tf.randomUniform([1024, 1024])];
  const s = timeIt(() => tf.matMul(a, b).dispose(), 3);
  tf.dispose([a, b]);
  return (2 * 1024 ** 3) / s / 1e9;
}

export function simdCeiling(): number {
  const [a, b] = [tf.randomUniform([512, 512]), tf.randomUniform([512, 512])];
  const s = timeIt(() => batchMatMul(a, b).dispose(), 5);
  tf.dispose([a, b]);
  return (2 * 512 ** 3) / s / 1e9;
}

/**
 * Our gemm on heap buffers at C[M,N] = A[M,K]·B[K,N] (transposeA: Aᵀ read through strides, the weight-gradient
 * shape), through the cache-blocked driver the MLP trainer uses; M, K, N ≤ 64 stay in cache and show the
 * micro-kernel's own peak.
 */
export function simdGemmAt(M: number, K: number, N: number, transposeA = false): number {
  const heap = wasmHeap();
  const k = simdKernels(heap);
  const [A, B, C, zero, scratch] = [heap.alloc(M * K), heap.alloc(K * N), heap.alloc(M * N), heap.alloc(N), heap.alloc(GEMM_TILE.kb * GEMM_TILE.nb)];
  const f = heap.f32();
  for (let i = 0; i < M * K; i++) f[(A >> 2) + i] = Math.random();
  for (let i = 0; i < K * N; i++) f[(B >> 2) + i] = Math.random();
  f.fill(0, zero >> 2, (zero >> 2) + N);
  const reps = Math.max(3, Math.ceil(1e9 / (2 * M * K * N)));
  try {
    const s = timeIt(() => tiledGemm(heap, k, scratch, A, transposeA ? 1 : K, transposeA ? M : 1, B, C, M, K, N, zero), reps);
    return (2 * M * K * N) / s / 1e9;
  } finally {
    for (const p of [A, B, C, zero, scratch]) heap.free(p);
  }
}

/**
 * numpy's sgemm at 1024³ on `threads` threads: GFLOP per CPU-second ('cpu', counting every thread) or per
 * wall-second ('wall', what 2 threads buy on 2 cores).
 */
export function openblasCeiling(threads = 1, clock: 'cpu' | 'wall' = 'cpu'): number | undefined {
  const timer = clock === 'cpu' ? 'time.process_time' : 'time.perf_counter';
  const code = `import numpy as np,time\na=np.random.rand(1024,1024).astype(np.float32);b=a.copy();a@b\nt=${timer}()\nfor _ in range(5): a@b\nprint(2*1024**3/((${timer}()-t)/5)/1e9)`;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', env });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}
