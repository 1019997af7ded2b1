/**
 * The population trainer's SIMD kernels over the wasm heap, in one module: the GRU / tanh cells' fused elementwise
 * forward and backward (one call per time step, gates never leave registers), a register-blocked gemm, in-place
 * Adam, column sums and transposes. tfjs's own elementwise kernels cost 1–6 ns per element plus a dispatch per op,
 * which at these sizes costs more than the matmuls; its XNNPACK matmul repacks changing operands (docs/performance.md).
 * exp/sigmoid/tanh use Cephes' single-precision approximations (≤ 2 ulp), not libm, so values differ from tfjs's
 * by ~1e-7 relative.
 */
import { WasmHeap } from '../wasm-heap';
import * as a from './wasm-asm';
import { Bytes, Fn, get, i32, Local, set } from './wasm-asm';

export interface SimdKernels {
  /**
   * One GRU step for B rows: gi = table[tok[b]] (input projection incl. b_ih, gathered by token), gh = hidden
   * projection incl. b_hh (row stride `ghStride` bytes; 0 broadcasts one row). Writes r, z, n and h ([B,H] each).
   */
  gruForward(tok: number, table: number, gh: number, ghStride: number, hprev: number, h: number, r: number, z: number, n: number, B: number, H: number): void;
  /**
   * Backward of one GRU step. dh = dhA + dhB + dhC. Writes dGh ([B,3H]: the gradient of the hidden projection),
   * dhd (dh·z, the direct path to h_{t-1}; may alias dhB) and adds the input-projection gradient into dT[tok[b]].
   */
  gruBackward(dhA: number, dhB: number, dhC: number, hprev: number, r: number, z: number, n: number, gh: number, ghStride: number, tok: number, dT: number, dGh: number, dhd: number, B: number, H: number): void;
  /** One Elman (tanh) step for B rows: h = tanh(table[tok[b]] + gh) (gh row stride `ghStride` bytes, 0 broadcasts). */
  tanhForward(tok: number, table: number, gh: number, ghStride: number, h: number, B: number, H: number): void;
  /** Backward of one tanh step: dh = dhA + dhC; writes dGh = dh(1 − h²) and adds it into dT[tok[b]]. */
  tanhBackward(dhA: number, dhC: number, h: number, tok: number, dT: number, dGh: number, B: number, H: number): void;
  /** tf.train.adam's update, elementwise in the same f32 operation order (count a multiple of 4). */
  adam(p: number, g: number, m: number, v: number, count: number, b1: number, omb1: number, b2: number, omb2: number, c1: number, c2: number, negLr: number, eps: number): void;
  /**
   * C[M,N] = bias[N] + Σ_k A(i,k)·B[k,:], with A(i,k) at A + 4(i·sI + k·sK): sI = K, sK = 1 for a row-major A,
   * sI = 1, sK = M for Aᵀ (the weight-gradient shape) — no transposed copy. B row-major [K,N], N a multiple of 4;
   * `bias` points at N floats (a zero row for none). Beats XNNPACK here: no per-call packing of B (docs/performance.md).
   */
  gemm(A: number, sI: number, sK: number, B: number, C: number, M: number, K: number, N: number, bias: number): void;
  /**
   * gemm on sub-blocks: B and C with row strides ldb, ldc (floats); row i starts from bias + i·biasStride (0: a
   * broadcast row; C itself with stride ldc: accumulate). What a cache-blocked driver (tiledGemm) calls per tile.
   */
  gemmTile(A: number, sI: number, sK: number, B: number, ldb: number, C: number, ldc: number, M: number, K: number, N: number, bias: number, biasStride: number): void;
  /** dst[c] = Σ_r src[r, c] (cols a multiple of 4). */
  colSum(src: number, rows: number, cols: number, dst: number): void;
  /** dst[cols, rows] = src[rows, cols]ᵀ. */
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /** Elementwise tanh and sigmoid over n floats (n a multiple of 4), for tests of the approximations. */
  tanh(src: number, dst: number, n: number): void;
  sigmoid(src: number, dst: number, n: number): void;
  /** dst = max(src, 0) over n floats (n a multiple of 4; may run in place). tfjs's relu: NaN stays NaN. */
  relu(src: number, dst: number, n: number): void;
  /** dst = post > 0 ? dy : 0 over n floats: relu's gradient read off its output (post > 0 exactly when pre > 0). */
  reluBackward(dy: number, post: number, dst: number, n: number): void;
  /** p *= s over n floats (AdamW's decoupled decay, one f32 multiply as tfjs's v.mul(1 − lr·wd)). */
  scale(p: number, n: number, s: number): void;
}

const cache = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The kernels, compiled once per heap. */
export function simdKernels(heap: WasmHeap): SimdKernels {
  let k = cache.get(heap.memory);
  if (!k) {
    const bytes = a.assemble([gruForward(), gruBackward(), tanhForward(), tanhBackward(), adam(), gemm(), gemmTile(), colSum(), transpose(), unary('tanh', vTanh), unary('sigmoid', vSigmoid), unary('relu', vRelu), reluBackward(), scale()]);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env: { memory: heap.memory } });
    k = instance.exports as unknown as SimdKernels;
    cache.set(heap.memory, k);
  }
  return k;
}

// ---- math on v128 locals (each writes `dst`, using `fn` for temporaries) ----------------------------------
function vExp(fn: Fn, dst: Local, x: Bytes): Bytes {
  const xx = fn.local('v128');
  const t = fn.local('v128');
  const fx = fn.local('v128');
  const r = fn.local('v128');
  const poly = [1.987569150e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
  let p = a.vConst(poly[0]);
  for (const c of poly.slice(1)) p = a.vAdd(a.vMul(p, get(r)), a.vConst(c));
  // Adding 1.5·2^23 rounds x·log2(e) to an integer (round-to-nearest-even) and leaves that integer in the low
  // mantissa bits, so 2^fx is built with an integer add and shift: no nearest/trunc (multi-instruction in V8).
  const magic = 12582912;
  return [
    // Clamped so that 2^fx stays a normal float: exp saturates instead of overflowing.
    ...set(xx, a.vPMin(a.vPMax(x, a.vConst(-87.3)), a.vConst(88.3))),
    ...set(t, a.vAdd(a.vMul(get(xx), a.vConst(1.44269504088896341)), a.vConst(magic))),
    ...set(fx, a.vSub(get(t), a.vConst(magic))),
    ...set(r, a.vAdd(a.vSub(get(xx), a.vMul(get(fx), a.vConst(0.693359375))), a.vMul(get(fx), a.vConst(2.12194440e-4)))),
    ...set(dst, a.vAdd(a.vAdd(a.vMul(a.vMul(p, get(r)), get(r)), get(r)), a.vConst(1))),
    ...set(dst, a.vMul(get(dst), a.iShl(a.iAdd(get(t), a.vConstI(127)), i32(23)))),
  ];
}

function vSigmoid(fn: Fn, dst: Local, x: Bytes): Bytes {
  const e = fn.local('v128');
  return [...vExp(fn, e, a.vSub(a.vConst(0), x)), ...set(dst, a.vDiv(a.vConst(1), a.vAdd(a.vConst(1), get(e))))];
}

function vTanh(fn: Fn, dst: Local, x: Bytes): Bytes {
  const xv = fn.local('v128');
  const ax = fn.local('v128');
  const zz = fn.local('v128');
  const e = fn.local('v128');
  const sign = a.vConstI(-0x80000000);
  // Cephes tanhf: an odd polynomial below 0.625, 1 − 2/(e^{2|x|} + 1) above; the sign is copied back.
  const coef = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];
  let p = a.vConst(coef[0]);
  for (const c of coef.slice(1)) p = a.vAdd(a.vMul(p, get(zz)), a.vConst(c));
  const small = a.vAdd(a.vMul(a.vMul(p, get(zz)), get(ax)), get(ax));
  const large = a.vSub(a.vConst(1), a.vDiv(a.vConst(2), a.vAdd(get(e), a.vConst(1))));
  return [
    ...set(xv, x),
    ...set(ax, a.vAbs(get(xv))),
    ...set(zz, a.vMul(get(ax), get(ax))),
    ...vExp(fn, e, a.vAdd(get(ax), get(ax))),
    ...set(dst, a.vOr(a.vSelect(small, large, a.vLt(get(ax), a.vConst(0.625))), a.vAnd(get(xv), sign))),
  ];
}

function vRelu(_fn: Fn, dst: Local, x: Bytes): Bytes {
  // pmax(x, 0) = x < 0 ? 0 : x.
  return set(dst, a.vPMax(x, a.vConst(0)));
}

const ptrArgs = (names: string[]) => names.map(() => 'i32' as const);

function gruForward(): Fn {
  const fn = new Fn('gruForward', ptrArgs(['tok', 'table', 'gh', 'ghStride', 'hprev', 'h', 'r', 'z', 'n', 'B', 'H']));
  const [tok, table, gh, ghStride, hprev, h, r, z, n, B, H] = fn.params;
  const [b, j, H4, H8, rowT, rowG, o] = [0, 0, 0, 0, 0, 0, 0].map(() => fn.local('i32'));
  const [vr, vz, vn, tmp] = [0, 0, 0, 0].map(() => fn.local('v128'));
  const at = (base: Local, ...offsets: Local[]) => offsets.reduce((acc, x) => a.add(acc, get(x)), get(base));
  fn.emit(
    set(H4, a.shl(get(H), i32(2))),
    set(H8, a.shl(get(H), i32(3))),
    a.loop(b, i32(0), get(B), 1,
      set(rowT, a.add(get(table), a.mul(a.i32Load(a.add(get(tok), a.shl(get(b), i32(2)))), a.mul(get(H4), i32(3))))),
      set(rowG, a.add(get(gh), a.mul(get(b), get(ghStride)))),
      set(o, a.mul(get(b), get(H4))),
      a.loop(j, i32(0), get(H4), 16,
        vSigmoid(fn, vr, a.vAdd(a.vLoad(at(rowT, j)), a.vLoad(at(rowG, j)))),
        vSigmoid(fn, vz, a.vAdd(a.vLoad(at(rowT, j, H4)), a.vLoad(at(rowG, j, H4)))),
        vTanh(fn, vn, a.vAdd(a.vLoad(at(rowT, j, H8)), a.vMul(get(vr), a.vLoad(at(rowG, j, H8))))),
        set(tmp, a.vLoad(at(hprev, o, j))),
        a.vStore(at(h, o, j), a.vAdd(get(vn), a.vMul(get(vz), a.vSub(get(tmp), get(vn))))),
        a.vStore(at(r, o, j), get(vr)),
        a.vStore(at(z, o, j), get(vz)),
        a.vStore(at(n, o, j), get(vn)),
      ),
    ),
  );
  return fn;
}

function gruBackward(): Fn {
  const names = ['dhA', 'dhB', 'dhC', 'hprev', 'r', 'z', 'n', 'gh', 'ghStride', 'tok', 'dT', 'dGh', 'dhd', 'B', 'H'];
  const fn = new Fn('gruBackward', ptrArgs(names));
  const [dhA, dhB, dhC, hprev, r, z, n, gh, ghStride, tok, dT, dGh, dhd, B, H] = fn.params;
  const [b, j, H4, H8, rowT, rowG, rowD, o] = [0, 0, 0, 0, 0, 0, 0, 0].map(() => fn.local('i32'));
  const [dh, vr, vz, vn, dn, dz, dan, dar, daz] = [0, 0, 0, 0, 0, 0, 0, 0, 0].map(() => fn.local('v128'));
  const at = (base: Local, ...offsets: Local[]) => offsets.reduce((acc, x) => a.add(acc, get(x)), get(base));
  const one = a.vConst(1);
  const accumulate = (addr: Bytes, value: Bytes) => a.vStore(addr, a.vAdd(a.vLoad(addr), value));
  fn.emit(
    set(H4, a.shl(get(H), i32(2))),
    set(H8, a.shl(get(H), i32(3))),
    a.loop(b, i32(0), get(B), 1,
      set(rowT, a.add(get(dT), a.mul(a.i32Load(a.add(get(tok), a.shl(get(b), i32(2)))), a.mul(get(H4), i32(3))))),
      set(rowG, a.add(get(gh), a.mul(get(b), get(ghStride)))),
      set(rowD, a.add(get(dGh), a.mul(get(b), a.mul(get(H4), i32(3))))),
      set(o, a.mul(get(b), get(H4))),
      a.loop(j, i32(0), get(H4), 16,
        set(dh, a.vAdd(a.vAdd(a.vLoad(at(dhA, o, j)), a.vLoad(at(dhB, o, j))), a.vLoad(at(dhC, o, j)))),
        set(vr, a.vLoad(at(r, o, j))),
        set(vz, a.vLoad(at(z, o, j))),
        set(vn, a.vLoad(at(n, o, j))),
        // h = n + z(h_prev − n): ∂/∂n = 1 − z, ∂/∂z = h_prev − n, ∂/∂h_prev = z.
        set(dn, a.vMul(get(dh), a.vSub(one, get(vz)))),
        set(dz, a.vMul(get(dh), a.vSub(a.vLoad(at(hprev, o, j)), get(vn)))),
        a.vStore(at(dhd, o, j), a.vMul(get(dh), get(vz))),
        set(dan, a.vMul(get(dn), a.vSub(one, a.vMul(get(vn), get(vn))))),
        set(dar, a.vMul(a.vMul(a.vMul(get(dan), a.vLoad(at(rowG, j, H8))), get(vr)), a.vSub(one, get(vr)))),
        set(daz, a.vMul(a.vMul(get(dz), get(vz)), a.vSub(one, get(vz)))),
        a.vStore(at(rowD, j), get(dar)),
        a.vStore(at(rowD, j, H4), get(daz)),
        a.vStore(at(rowD, j, H8), a.vMul(get(dan), get(vr))),
        accumulate(at(rowT, j), get(dar)),
        accumulate(at(rowT, j, H4), get(daz)),
        accumulate(at(rowT, j, H8), get(dan)),
      ),
    ),
  );
  return fn;
}

function tanhForward(): Fn {
  const fn = new Fn('tanhForward', ptrArgs(['tok', 'table', 'gh', 'ghStride', 'h', 'B', 'H']));
  const [tok, table, gh, ghStride, h, B, H] = fn.params;
  const [b, j, H4, rowT, rowG, o] = [0, 0, 0, 0, 0, 0].map(() => fn.local('i32'));
  const out = fn.local('v128');
  fn.emit(
    set(H4, a.shl(get(H), i32(2))),
    a.loop(b, i32(0), get(B), 1,
      set(rowT, a.add(get(table), a.mul(a.i32Load(a.add(get(tok), a.shl(get(b), i32(2)))), get(H4)))),
      set(rowG, a.add(get(gh), a.mul(get(b), get(ghStride)))),
      set(o, a.add(get(h), a.mul(get(b), get(H4)))),
      a.loop(j, i32(0), get(H4), 16,
        vTanh(fn, out, a.vAdd(a.vLoad(a.add(get(rowT), get(j))), a.vLoad(a.add(get(rowG), get(j))))),
        a.vStore(a.add(get(o), get(j)), get(out)),
      ),
    ),
  );
  return fn;
}

function tanhBackward(): Fn {
  const fn = new Fn('tanhBackward', ptrArgs(['dhA', 'dhC', 'h', 'tok', 'dT', 'dGh', 'B', 'H']));
  const [dhA, dhC, h, tok, dT, dGh, B, H] = fn.params;
  const [b, j, H4, rowT, o] = [0, 0, 0, 0, 0].map(() => fn.local('i32'));
  const [vh, da] = [fn.local('v128'), fn.local('v128')];
  const at = (base: Local) => a.add(a.add(get(base), get(o)), get(j));
  fn.emit(
    set(H4, a.shl(get(H), i32(2))),
    a.loop(b, i32(0), get(B), 1,
      set(rowT, a.add(get(dT), a.mul(a.i32Load(a.add(get(tok), a.shl(get(b), i32(2)))), get(H4)))),
      set(o, a.mul(get(b), get(H4))),
      a.loop(j, i32(0), get(H4), 16,
        set(vh, a.vLoad(at(h))),
        set(da, a.vMul(a.vAdd(a.vLoad(at(dhA)), a.vLoad(at(dhC))), a.vSub(a.vConst(1), a.vMul(get(vh), get(vh))))),
        a.vStore(at(dGh), get(da)),
        a.vStore(a.add(get(rowT), get(j)), a.vAdd(a.vLoad(a.add(get(rowT), get(j))), get(da))),
      ),
    ),
  );
  return fn;
}

function adam(): Fn {
  const fn = new Fn('adam', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32']);
  const [p, g, m, v, count, b1, omb1, b2, omb2, c1, c2, negLr, eps] = fn.params;
  const [i, end] = [fn.local('i32'), fn.local('i32')];
  const [gv, mv, vv] = [fn.local('v128'), fn.local('v128'), fn.local('v128')];
  const s = (x: Local) => a.vSplat(get(x));
  const at = (base: Local) => a.add(get(base), get(i));
  fn.emit(
    set(end, a.shl(get(count), i32(2))),
    a.loop(i, i32(0), get(end), 16,
      set(gv, a.vLoad(at(g))),
      set(mv, a.vAdd(a.vMul(a.vLoad(at(m)), s(b1)), a.vMul(get(gv), s(omb1)))),
      set(vv, a.vAdd(a.vMul(a.vLoad(at(v)), s(b2)), a.vMul(a.vMul(get(gv), get(gv)), s(omb2)))),
      a.vStore(at(m), get(mv)),
      a.vStore(at(v), get(vv)),
      a.vStore(at(p), a.vAdd(a.vMul(a.vDiv(a.vDiv(get(mv), s(c1)), a.vAdd(a.vSqrt(a.vDiv(get(vv), s(c2))), s(eps))), s(negLr)), a.vLoad(at(p)))),
    ),
  );
  return fn;
}

function gemm(): Fn {
  return gemmFn(false, 4);
}

/** gemm with explicit row strides (in floats) for B and C and a bias row stride: the tile of a cache-blocked gemm. */
function gemmTile(): Fn {
  // 6-row blocks (12 accumulators) measured slower than 4 (V8 spills): same 4 × 8 block as gemm.
  return gemmFn(true, 4);
}

function gemmFn(tile: boolean, R: number): Fn {
  const fn = tile
    ? new Fn('gemmTile', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'])
    : new Fn('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const named = fn.params;
  const [A, sI, sK, B] = named;
  const [ldb, C, ldc, M, K, N, bias, biasStride] = tile ? named.slice(4) : [named[7], named[4], named[7], named[5], named[6], named[7], named[8], undefined];
  const [i, j, k, pb, sK4, N4, jEnd, mEnd] = [0, 0, 0, 0, 0, 0, 0, 0].map(() => fn.local('i32'));
  const pa = Array.from({ length: R }, () => fn.local('i32'));
  // A block of up to R rows × 8 columns of C in registers: per k, 2 vector loads of B, one load-splat of A per
  // row, 8 mul+add. A is addressed through strides, so Aᵀ operands need no transposed copy.
  const acc = Array.from({ length: 2 * R }, () => fn.local('v128'));
  const [b0, b1, s] = [fn.local('v128'), fn.local('v128'), fn.local('v128')];
  // relaxed_madd (FMA) measured no faster in Node 20's V8, and needs an experimental flag: plain mul + add.
  const madd = (acc: Local, x: Local, y: Local) => set(acc, a.vAdd(get(acc), a.vMul(get(x), get(y))));
  const block = (rows: number, cols: 4 | 8) => {
    const n = cols / 4;
    const q = Array.from({ length: rows }, (_, x) => x);
    // The tile variant starts row x from bias + x·biasStride (0: one broadcast row; ldc with bias = C: accumulate).
    const biasRow = (x: number) => (biasStride ? a.add(get(bias), a.shl(a.add(a.mul(a.add(get(i), i32(x)), get(biasStride)), get(j)), i32(2))) : a.add(get(bias), a.shl(get(j), i32(2))));
    const init = (x: number, h: number) => a.vLoad(biasRow(x), 16 * h);
    const body: Bytes[] = [
      ...q.flatMap((x) => Array.from({ length: n }, (_, h) => set(acc[x * n + h], init(x, h)))),
      ...q.map((x) => set(pa[x], a.add(get(A), a.shl(a.mul(a.add(get(i), i32(x)), get(sI)), i32(2))))),
      set(pb, a.add(get(B), a.shl(get(j), i32(2)))),
      a.loop(k, i32(0), get(K), 1,
        set(b0, a.vLoad(get(pb))),
        n === 2 ? set(b1, a.vLoad(get(pb), 16)) : [],
        ...q.flatMap((x) => [
          set(s, a.vLoadSplat(get(pa[x]))),
          madd(acc[x * n], s, b0),
          n === 2 ? madd(acc[x * n + 1], s, b1) : [],
          set(pa[x], a.add(get(pa[x]), get(sK4))),
        ]),
        set(pb, a.add(get(pb), get(N4))),
      ),
    ];
    for (const x of q) {
      const row = a.add(get(C), a.shl(a.add(a.mul(a.add(get(i), i32(x)), get(ldc)), get(j)), i32(2)));
      for (let h = 0; h < n; h++) body.push(a.vStore(row, get(acc[x * n + h]), 16 * h));
    }
    return body;
  };
  const columns = (rows: number) => [a.loop(j, i32(0), get(jEnd), 8, ...block(rows, 8)), a.loop(j, get(jEnd), get(N), 4, ...block(rows, 4))];
  fn.emit(
    // Without a bias the accumulators start from a zero row (the caller's `bias` = a zero buffer of N floats).
    set(sK4, a.shl(get(sK), i32(2))),
    set(N4, a.shl(get(ldb), i32(2))),
    set(jEnd, a.shl(a.shr(get(N), i32(3)), i32(3))),
    set(mEnd, a.mul(a.divU(get(M), i32(R)), i32(R))),
    a.loop(i, i32(0), get(mEnd), R, ...columns(R)),
    a.loop(i, get(mEnd), get(M), 1, ...columns(1)),
  );
  return fn;
}

function colSum(): Fn {
  const fn = new Fn('colSum', ['i32', 'i32', 'i32', 'i32']);
  const [src, rows, cols, dst] = fn.params;
  const [c, rr, C4, ptr] = [fn.local('i32'), fn.local('i32'), fn.local('i32'), fn.local('i32')];
  const acc = fn.local('v128');
  fn.emit(
    set(C4, a.shl(get(cols), i32(2))),
    a.loop(c, i32(0), get(C4), 16,
      set(acc, a.vConst(0)),
      set(ptr, a.add(get(src), get(c))),
      a.loop(rr, i32(0), get(rows), 1, set(acc, a.vAdd(get(acc), a.vLoad(get(ptr)))), set(ptr, a.add(get(ptr), get(C4)))),
      a.vStore(a.add(get(dst), get(c)), get(acc)),
    ),
  );
  return fn;
}

function transpose(): Fn {
  const fn = new Fn('transpose', ['i32', 'i32', 'i32', 'i32']);
  const [src, rows, cols, dst] = fn.params;
  const [rr, c, sp, dp, C4] = [0, 0, 0, 0, 0].map(() => fn.local('i32'));
  // Sequential writes, strided reads: strided stores were 3× slower.
  fn.emit(
    set(C4, a.shl(get(cols), i32(2))),
    set(dp, get(dst)),
    a.loop(c, i32(0), get(cols), 1,
      set(sp, a.add(get(src), a.shl(get(c), i32(2)))),
      a.loop(rr, i32(0), get(rows), 1,
        a.fStore(get(dp), a.fLoad(get(sp))),
        set(sp, a.add(get(sp), get(C4))),
        set(dp, a.add(get(dp), i32(4))),
      ),
    ),
  );
  return fn;
}

function unary(name: string, op: (fn: Fn, dst: Local, x: Bytes) => Bytes): Fn {
  const fn = new Fn(name, ['i32', 'i32', 'i32']);
  const [src, dst, count] = fn.params;
  const i = fn.local('i32');
  const out = fn.local('v128');
  fn.emit(
    a.loop(i, i32(0), a.shl(get(count), i32(2)), 16,
      op(fn, out, a.vLoad(a.add(get(src), get(i)))),
      a.vStore(a.add(get(dst), get(i)), get(out)),
    ),
  );
  return fn;
}

function reluBackward(): Fn {
  const fn = new Fn('reluBackward', ['i32', 'i32', 'i32', 'i32']);
  const [dy, post, dst, count] = fn.params;
  const i = fn.local('i32');
  fn.emit(
    a.loop(i, i32(0), a.shl(get(count), i32(2)), 16,
      a.vStore(a.add(get(dst), get(i)), a.vAnd(a.vLoad(a.add(get(dy), get(i))), a.vLt(a.vConst(0), a.vLoad(a.add(get(post), get(i)))))),
    ),
  );
  return fn;
}

function scale(): Fn {
  const fn = new Fn('scale', ['i32', 'i32', 'f32']);
  const [p, count, s] = fn.params;
  const i = fn.local('i32');
  fn.emit(
    a.loop(i, i32(0), a.shl(get(count), i32(2)), 16,
      a.vStore(a.add(get(p), get(i)), a.vMul(a.vLoad(a.add(get(p), get(i))), a.vSplat(get(s)))),
    ),
  );
  return fn;
}
