/**
 * Direct access to the heap of the tfjs wasm backend (4.22), for kernels that must not pay tfjs's per-op cost:
 * raw allocations, zero-copy "views" (backend tensor ids pointing into any heap range) and the XNNPACK matmul
 * entry point called on those views. Everything here bypasses the tfjs engine, so tf.memory() never sees it:
 * callers free what they allocate and dispose the views they register (`liveViews()` counts them for tests).
 */
import * as tf from '@tensorflow/tfjs';
import { ComplensError } from '../util/errors';

interface WasmModule {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  asm: { memory: WebAssembly.Memory };
  tfjs: { registerTensor(id: number, size: number, ptr: number): void; disposeData(id: number): void };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  // eslint-disable-next-line @typescript-eslint/naming-convention
  __FusedMatMul(
    aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number,
    transposeA: number, transposeB: number, activation: number, biasId: number, preluId: number, alpha: number, outId: number,
  ): void;
}

interface WasmBackendLike {
  wasm: WasmModule;
  dataIdNextNumber: number;
}

export interface WasmHeap {
  readonly module: WasmModule;
  /** The backend's memory, for other wasm modules to import (it may grow: re-read views after allocating). */
  readonly memory: WebAssembly.Memory;
  f32(): Float32Array;
  i32(): Int32Array;
  /** Allocates `floats` 4-byte words, 16-byte aligned; returns a byte pointer. */
  alloc(floats: number): number;
  free(ptr: number): void;
  /** Registers a backend tensor id for `size` floats at `ptr` (no copy). Dispose it with `dropView`. */
  view(ptr: number, size: number): number;
  dropView(id: number): void;
  /**
   * out[M,N] = a[M,K] · b[K,N] (+ bias[N]) through XNNPACK (the wasm backend's batch-1, no-transpose path).
   * XNNPACK caches `b` (and bias) packed under b's id: a `b` whose contents changed needs a new id.
   */
  matmul(aId: number, M: number, K: number, bId: number, N: number, outId: number, biasId?: number): void;
}

let heap: WasmHeap | undefined;
let live = 0;

/** The heap of the active wasm backend; throws when another backend is active. */
export function wasmHeap(): WasmHeap {
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (tf.getBackend() !== 'wasm' || !backend.wasm) {
    throw new ComplensError(`the population trainer needs the tfjs wasm backend (active: ${tf.getBackend()}); run with COMPLENS_BACKEND=wasm`);
  }
  if (heap && heap.module === backend.wasm) return heap;
  const m = backend.wasm;
  // Shapes are passed by pointer; one scratch block, rewritten before every call, avoids cwrap's stack copies.
  const shapes = (m._malloc(32) >>> 0) >> 2;
  heap = {
    module: m,
    memory: m.asm.memory,
    f32: () => m.HEAPF32,
    i32: () => m.HEAP32,
    alloc(floats) {
      // malloc aligns to 8; SIMD kernels prefer 16, so over-allocate and round up (the raw pointer is kept before it).
      const raw = m._malloc(floats * 4 + 20) >>> 0;
      if (!raw) throw new ComplensError(`wasm heap: could not allocate ${floats * 4} bytes`);
      const ptr = (raw + 4 + 15) & ~15;
      m.HEAPU32[(ptr >> 2) - 1] = raw;
      return ptr;
    },
    free(ptr) {
      m._free(m.HEAPU32[(ptr >> 2) - 1]);
    },
    view(ptr, size) {
      // Ids come from the backend's own counter so they can never collide with a tfjs tensor's id.
      const id = backend.dataIdNextNumber++;
      m.tfjs.registerTensor(id, size, ptr);
      live++;
      return id;
    },
    dropView(id) {
      // Disposing the id also frees the XNNPACK operators (packed weights) cached under it.
      m.tfjs.disposeData(id);
      live--;
    },
    matmul(aId, M, K, bId, N, outId, biasId = 0) {
      const u = m.HEAPU32;
      u[shapes] = 1;
      u[shapes + 1] = M;
      u[shapes + 2] = K;
      u[shapes + 3] = 1;
      u[shapes + 4] = K;
      u[shapes + 5] = N;
      m.__FusedMatMul(aId, shapes << 2, 3, bId, (shapes + 3) << 2, 3, 0, 0, 0, biasId, 0, 0, outId);
    },
  };
  return heap;
}

/** Views registered and not yet dropped (a leak check for tests). */
export function liveViews(): number {
  return live;
}
