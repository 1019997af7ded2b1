/**
 * A cache-blocked driver over the SIMD gemm for shapes whose right operand does not fit in cache (MLP layers of
 * 1024×1024: the untiled kernel streams all of B from memory for every 4 rows of A and runs at a third of its
 * in-cache speed). C is computed in column panels of `nb` and depth slices of `kb`, each tile accumulating onto the
 * previous one in the same k order, so the result is bit-identical to the untiled gemm. Each B tile is first packed
 * into a contiguous scratch block: its rows are 4 KiB apart in a 1024-wide matrix and would all map to the same
 * L1 sets (measured: 25 → see docs/performance.md).
 */
import { WasmHeap } from '../wasm-heap';
import { SimdKernels } from './simd';

/** Tile sizes measured on this machine's 32 KiB L1 (docs/performance.md): a B tile of kb × nb floats stays in L1. */
export const GEMM_TILE = { kb: 128, nb: 48 };

/**
 * C[M,N] = bias[N] + Σ_k A(i,k)·B[k,:], as SimdKernels.gemm (same strides), cache-blocked. `scratch` holds at
 * least tile.kb × tile.nb floats.
 */
export function tiledGemm(heap: WasmHeap, k: SimdKernels, scratch: number, A: number, sI: number, sK: number, B: number, C: number, M: number, K: number, N: number, bias: number, tile = GEMM_TILE): void {
  if (K * N <= tile.kb * tile.nb * 2) {
    k.gemm(A, sI, sK, B, C, M, K, N, bias);
    return;
  }
  for (let jb = 0; jb < N; jb += tile.nb) {
    const nb = Math.min(tile.nb, N - jb);
    for (let kb = 0; kb < K; kb += tile.kb) {
      const kl = Math.min(tile.kb, K - kb);
      const first = kb === 0;
      const f = heap.f32();
      const src = (B >> 2) + kb * N + jb;
      for (let r = 0; r < kl; r++) f.copyWithin((scratch >> 2) + r * nb, src + r * N, src + r * N + nb);
      k.gemmTile(A + 4 * kb * sK, sI, sK, scratch, nb, C + 4 * jb, N, M, kl, nb, first ? bias + 4 * jb : C + 4 * jb, first ? 0 : N);
    }
  }
}
