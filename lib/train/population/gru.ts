/**
 * One GRU (or Elman tanh) model on the wasm heap: its parameters, gradients and Adam moments in one contiguous
 * block, and a forward + hand-written BPTT that computes exactly what RnnModel (single layout, 1 layer) + answerLoss compute,
 * with matmuls and everything elementwise in our own SIMD kernels on the backend's heap (no tfjs tensors).
 *
 * Time-major layout: block t holds the B rows of input position t. Tricks, each measured (docs/performance.md):
 * the input projection is a [V,3H] table W_E·W_ih + b_ih gathered by token (one-hot input ⇒ exact rows), and its
 * gradient is scattered back into that table; h_0 = 0 so step 0 skips its hidden matmul; weight gradients read
 * the activations through strides (Aᵀ·B) instead of transposed copies.
 */
import { WasmHeap } from '../../backend/wasm-heap';
import { rnnParamSpecs } from '../../models/rnn';
import { RnnConfig } from '../../models/rnn/config';
import { ParamSpec } from '../../models/types';
import { SimdKernels } from '../../backend/simd/simd';

export interface GruDims {
  vocabSize: number;
  embedSize: number;
  hiddenSize: number;
  /** Most rows in one forward (training batch or evaluation chunk). */
  maxRows: number;
  /** Most input positions (prompt + target − 1). */
  maxInputs: number;
  /** Most answer positions. */
  maxTargets: number;
}

/** A batch in the model's time-major layout. */
export interface TimeMajorBatch {
  rows: number;
  promptLength: number;
  /** Input positions (length − 1). */
  inputs: number;
  /** tokens[t * rows + b]: input token of row b at position t (answer positions hold the teacher-forced token). */
  tokens: Int32Array;
  /** labels[j * rows + b]: the answer token of row b at answer position j. */
  labels: Int32Array;
}

const PARAM_NAMES = ['embed.W_E', 'cells.0.W_ih', 'cells.0.W_hh', 'cells.0.b_ih', 'cells.0.b_hh', 'unembed.W_U', 'unembed.b_U'] as const;

/**
 * Activations and scratch for one forward/backward at a time, shared by every member of a population (members
 * step one after another, so one arena stays hot in cache however many members there are).
 */
export class GruWorkspace {
  readonly buf: Record<string, number> = {};
  private readonly aViews = new Map<number, number>();
  private readonly freshViews = new Map<number, number>();
  private disposed = false;

  constructor(readonly heap: WasmHeap, readonly k: SimdKernels, readonly dims: GruDims) {
    const { vocabSize: V, embedSize: E, hiddenSize: H, maxRows: B, maxInputs: T, maxTargets: Tt } = dims;
    if (H % 4 !== 0 || E % 4 !== 0) throw new Error(`the population trainer needs hiddenSize and embedSize divisible by 4 (SIMD lanes), got ${H}, ${E}`);
    const sizes: Record<string, number> = {
      tok: T * B, table: V * 3 * H,
      Hs: (T + 1) * B * H, GH: T * B * 3 * H, R: T * B * H, Z: T * B * H, N: T * B * H,
      logits: Tt * B * V, dlogits: Tt * B * V, dHans: Tt * B * H, dGH: T * B * 3 * H, dT: V * 3 * H,
      dhA: B * H, dhD: B * H, zeros: B * H, HansT: H * Tt * B, zeroRow: Math.max(3 * H, V, E) + 4,
    };
    for (const [name, n] of Object.entries(sizes)) this.buf[name] = heap.alloc(n);
    heap.f32().fill(0, this.buf.zeros >> 2, (this.buf.zeros >> 2) + B * H);
    heap.f32().fill(0, this.buf.zeroRow >> 2, (this.buf.zeroRow >> 2) + Math.max(3 * H, V, E) + 4);
  }

  /** out = a·b (+ bias); a and out are heap pointers, b and bias view ids. */
  mm(a: number, M: number, K: number, bId: number, N: number, out: number, biasId = 0): void {
    this.heap.matmul(this.aView(a), M, K, bId, N, this.aView(out), biasId);
  }

  /** A stable id for a left operand or output: XNNPACK caches nothing under those. */
  aView(ptr: number): number {
    let id = this.aViews.get(ptr);
    if (id === undefined) this.aViews.set(ptr, (id = this.heap.view(ptr, 1)));
    return id;
  }

  /** A new id for a right operand whose contents changed (else XNNPACK would reuse its stale packed copy). */
  fresh(ptr: number): number {
    const old = this.freshViews.get(ptr);
    if (old !== undefined) this.heap.dropView(old);
    const id = this.heap.view(ptr, 1);
    this.freshViews.set(ptr, id);
    return id;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.aViews.values(), ...this.freshViews.values()]) this.heap.dropView(id);
    for (const ptr of Object.values(this.buf)) this.heap.free(ptr);
  }
}

export class GruMember {
  readonly specs: readonly ParamSpec[];
  /** Floats in the parameter block (each tensor starts 16-byte aligned). */
  readonly size: number;
  readonly offsets: Record<string, number> = {};
  readonly params: number;
  readonly grads: number;
  readonly m: number;
  readonly v: number;
  private readonly heap: WasmHeap;
  private readonly k: SimdKernels;
  private readonly dims: GruDims;
  /** The member's own transposed weights (backward operands). */
  private readonly own: Record<string, number> = {};
  private readonly weightViews: Record<string, number> = {};
  private weightsDirty = true;
  private disposed = false;
  private expScratch = new Float64Array(0);
  /** Gate blocks per projection: 3 for a GRU (r, z, n), 1 for an Elman tanh cell. */
  private readonly gates: number;
  private readonly cell: 'gru' | 'tanh';

  constructor(private readonly ws: GruWorkspace, config: RnnConfig) {
    this.heap = ws.heap;
    this.k = ws.k;
    this.dims = ws.dims;
    if (config.vocabSize !== ws.dims.vocabSize || config.embedSize !== ws.dims.embedSize || config.hiddenSize !== ws.dims.hiddenSize) {
      throw new Error('GruMember: the model config does not match the workspace dimensions');
    }
    this.specs = rnnParamSpecs(config);
    const names = this.specs.map((s) => s.name);
    if (config.cell === 'lstm' || config.layout !== 'single' || config.numLayers !== 1 || names.join() !== PARAM_NAMES.join()) {
      throw new Error('GruMember: only one-layer single-stream GRU and tanh cells are supported');
    }
    this.cell = config.cell;
    this.gates = config.cell === 'gru' ? 3 : 1;
    let size = 0;
    for (const s of this.specs) {
      this.offsets[s.name] = size;
      size += Math.ceil(s.shape.reduce((x, y) => x * y, 1) / 4) * 4;
    }
    this.size = size;
    const { vocabSize: V, embedSize: E, hiddenSize: H } = this.dims;
    const block = this.heap.alloc(4 * size);
    [this.params, this.grads, this.m, this.v] = [0, 1, 2, 3].map((i) => block + i * size * 4);
    this.own.block = block;
    const G = this.gates * H;
    const sizes: Record<string, number> = { WhhT: G * H, WUT: V * H, WihT: G * E };
    for (const [name, n] of Object.entries(sizes)) this.own[name] = this.heap.alloc(n);
    this.load(Object.fromEntries(this.specs.map((s) => [s.name, new Float32Array(s.shape.reduce((x, y) => x * y, 1))])));
  }

  get kernels(): SimdKernels {
    return this.k;
  }

  /** Sets the weights (RnnModel names) and resets the Adam moments. */
  load(values: Record<string, Float32Array>): void {
    const f = this.heap.f32();
    f.fill(0, this.params >> 2, (this.params >> 2) + 4 * this.size);
    for (const s of this.specs) f.set(values[s.name], (this.params >> 2) + this.offsets[s.name]);
    this.weightsDirty = true;
  }

  /** Copies of the weights under the RnnModel param names. */
  read(): Record<string, Float32Array> {
    return Object.fromEntries(this.specs.map((s) => [s.name, this.slice(this.params, s.name)]));
  }

  /** Sets the Adam moments (RnnModel names; warm starts). Call after `load`, which zeroes them. */
  loadMoments(m: Record<string, Float32Array>, v: Record<string, Float32Array>): void {
    const f = this.heap.f32();
    for (const s of this.specs) {
      f.set(m[s.name], (this.m >> 2) + this.offsets[s.name]);
      f.set(v[s.name], (this.v >> 2) + this.offsets[s.name]);
    }
  }

  /** Copies of the Adam moments under the RnnModel param names. */
  readMoments(): { m: Record<string, Float32Array>; v: Record<string, Float32Array> } {
    return {
      m: Object.fromEntries(this.specs.map((s) => [s.name, this.slice(this.m, s.name)])),
      v: Object.fromEntries(this.specs.map((s) => [s.name, this.slice(this.v, s.name)])),
    };
  }

  /** Copies of the gradients of the last `lossAndGrads`. */
  readGrads(): Record<string, Float32Array> {
    return Object.fromEntries(this.specs.map((s) => [s.name, this.slice(this.grads, s.name)]));
  }

  /** The parameters changed in place (Adam): XNNPACK's packed copies and the transposed weights are stale. */
  markWeightsChanged(): void {
    this.weightsDirty = true;
  }

  /** Teacher-forced mean answer cross-entropy; leaves the gradients in the gradient block. */
  lossAndGrads(batch: TimeMajorBatch): number {
    this.check(batch);
    this.prepareWeights();
    const { rows: B, promptLength: Tp, inputs: T } = batch;
    const { hiddenSize: H, vocabSize: V, embedSize: E } = this.dims;
    const Tt = T - Tp + 1;
    const G = this.gates * H;
    const b = this.ws.buf;
    const k = this.k;
    this.heap.i32().set(batch.tokens, b.tok >> 2);
    this.forward(B, T, Tp, null);
    const loss = this.softmaxCrossEntropy(batch.labels, B * Tt);

    // Output layer.
    const ans = b.Hs + Tp * B * H * 4;
    const gWU = this.p(this.grads, 'unembed.W_U');
    this.gemm(b.dlogits, V, 1, this.own.WUT, b.dHans, B * Tt, V, H);
    if (V % 4 === 0) {
      this.gemm(ans, 1, H, b.dlogits, gWU, H, B * Tt, V);
    } else {
      k.transpose(ans, B * Tt, H, b.HansT);
      this.ws.mm(b.HansT, H, B * Tt, this.ws.fresh(b.dlogits), V, gWU);
    }
    this.colSumScalar(b.dlogits, B * Tt, V, this.p(this.grads, 'unembed.b_U'));

    // Recurrence, last step first.
    this.heap.f32().fill(0, b.dT >> 2, (b.dT >> 2) + V * G);
    this.heap.f32().fill(0, b.dhD >> 2, (b.dhD >> 2) + B * H);
    for (let t = T - 1; t >= 0; t--) {
      const dhA = t === T - 1 ? b.zeros : b.dhA;
      const dhC = t >= Tp - 1 ? b.dHans + (t - Tp + 1) * B * H * 4 : b.zeros;
      const gh = t === 0 ? this.p(this.params, 'cells.0.b_hh') : b.GH + t * B * G * 4;
      const at = t * B * H * 4;
      if (this.cell === 'gru') {
        k.gruBackward(dhA, b.dhD, dhC, t === 0 ? b.zeros : b.Hs + at, b.R + at, b.Z + at, b.N + at, gh, t === 0 ? 0 : G * 4, b.tok + t * B * 4, b.dT, b.dGH + t * B * G * 4, b.dhD, B, H);
      } else {
        k.tanhBackward(dhA, dhC, b.Hs + (t + 1) * B * H * 4, b.tok + t * B * 4, b.dT, b.dGH + t * B * G * 4, B, H);
      }
      if (t > 0) this.gemm(b.dGH + t * B * G * 4, G, 1, this.own.WhhT, b.dhA, B, G, H);
    }

    // Weight gradients: h_0 = 0 contributes nothing to dW_hh.
    const gWhh = this.p(this.grads, 'cells.0.W_hh');
    if (T > 1) {
      this.gemm(b.Hs + B * H * 4, 1, H, b.dGH + B * G * 4, gWhh, H, (T - 1) * B, G);
    } else {
      this.heap.f32().fill(0, gWhh >> 2, (gWhh >> 2) + H * G);
    }
    k.colSum(b.dGH, T * B, G, this.p(this.grads, 'cells.0.b_hh'));
    k.colSum(b.dT, V, G, this.p(this.grads, 'cells.0.b_ih'));
    this.gemm(this.p(this.params, 'embed.W_E'), 1, E, b.dT, this.p(this.grads, 'cells.0.W_ih'), E, V, G);
    this.gemm(b.dT, G, 1, this.own.WihT, this.p(this.grads, 'embed.W_E'), V, G, E);
    return loss;
  }

  /**
   * Greedy answers like RnnModel.generate: answer position j reads the argmax of position j − 1. `batch.tokens`
   * needs only the prompt positions. Returns predictions[j * rows + b].
   */
  predict(batch: TimeMajorBatch): Int32Array {
    this.check(batch);
    this.prepareWeights();
    const { rows: B, promptLength: Tp, inputs: T } = batch;
    this.heap.i32().set(batch.tokens.subarray(0, Tp * B), this.ws.buf.tok >> 2);
    const out = new Int32Array((T - Tp + 1) * B);
    this.forward(B, T, Tp, out);
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of Object.values(this.weightViews)) this.heap.dropView(id);
    for (const ptr of Object.values(this.own)) this.heap.free(ptr);
  }

  /** Forward over all input positions; with `greedy`, feeds back argmaxes and records them instead of logits. */
  private forward(B: number, T: number, Tp: number, greedy: Int32Array | null): void {
    const { hiddenSize: H, vocabSize: V, embedSize: E } = this.dims;
    const G = this.gates * H;
    const b = this.ws.buf;
    this.gemm(this.p(this.params, 'embed.W_E'), E, 1, this.p(this.params, 'cells.0.W_ih'), b.table, V, E, G, this.p(this.params, 'cells.0.b_ih'));
    for (let t = 0; t < T; t++) {
      const at = t * B * H * 4;
      // h_0 comes from the zero buffer: block 0 of Hs is overwritten by batches with fewer rows.
      const hprev = t === 0 ? b.zeros : b.Hs + at;
      let gh = this.p(this.params, 'cells.0.b_hh');
      if (t > 0) {
        gh = b.GH + t * B * G * 4;
        this.gemm(hprev, H, 1, this.p(this.params, 'cells.0.W_hh'), gh, B, H, G, this.p(this.params, 'cells.0.b_hh'));
      }
      const h = b.Hs + (t + 1) * B * H * 4;
      if (this.cell === 'gru') this.k.gruForward(b.tok + t * B * 4, b.table, gh, t > 0 ? G * 4 : 0, hprev, h, b.R + at, b.Z + at, b.N + at, B, H);
      else this.k.tanhForward(b.tok + t * B * 4, b.table, gh, t > 0 ? G * 4 : 0, h, B, H);
      if (greedy && t >= Tp - 1) {
        this.logits(h, B);
        const f = this.heap.f32();
        const tok = this.heap.i32();
        const j = t - Tp + 1;
        for (let r = 0; r < B; r++) {
          const base = (b.logits >> 2) + r * V;
          let best = 0;
          for (let c = 1; c < V; c++) if (f[base + c] > f[base + best]) best = c;
          greedy[j * B + r] = best;
          if (t + 1 < T) tok[(b.tok >> 2) + (t + 1) * B + r] = best;
        }
      }
    }
    if (!greedy) this.logits(b.Hs + Tp * B * H * 4, B * (T - Tp + 1));
  }

  /** The arena is sized once: a larger batch would write past it. */
  private check(batch: TimeMajorBatch): void {
    const { maxRows, maxInputs, maxTargets } = this.dims;
    const targets = batch.inputs - batch.promptLength + 1;
    if (this.disposed || batch.rows > maxRows || batch.inputs > maxInputs || targets > maxTargets || batch.promptLength < 1 || targets < 1) {
      throw new Error(`GruMember: batch of ${batch.rows} rows × ${batch.inputs} inputs (${targets} answer) exceeds the workspace (${maxRows} × ${maxInputs}, ${maxTargets}) or the member is disposed`);
    }
  }

  /** Mean cross-entropy over `n` rows of logits; writes its gradient to dlogits. */
  private softmaxCrossEntropy(labels: Int32Array, n: number): number {
    const V = this.dims.vocabSize;
    const f = this.heap.f32();
    const lo = this.ws.buf.logits >> 2;
    const dl = this.ws.buf.dlogits >> 2;
    const e = this.expScratch.length >= V ? this.expScratch : (this.expScratch = new Float64Array(V));
    let total = 0;
    for (let r = 0; r < n; r++) {
      const base = lo + r * V;
      let max = -Infinity;
      for (let c = 0; c < V; c++) max = Math.max(max, f[base + c]);
      let sum = 0;
      for (let c = 0; c < V; c++) sum += e[c] = Math.exp(f[base + c] - max);
      const label = labels[r];
      total += Math.log(sum) + max - f[base + label];
      for (let c = 0; c < V; c++) f[dl + r * V + c] = (e[c] / sum - (c === label ? 1 : 0)) / n;
    }
    return total / n;
  }

  private colSumScalar(src: number, rows: number, cols: number, dst: number): void {
    const f = this.heap.f32();
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = Math.fround(s + f[(src >> 2) + r * cols + c]);
      f[(dst >> 2) + c] = s;
    }
  }

  /** Transposed copies and fresh XNNPACK views of weights that changed since the last forward. */
  private prepareWeights(): void {
    if (!this.weightsDirty) return;
    const { hiddenSize: H, vocabSize: V, embedSize: E } = this.dims;
    const o = this.own;
    this.k.transpose(this.p(this.params, 'cells.0.W_hh'), H, this.gates * H, o.WhhT);
    this.k.transpose(this.p(this.params, 'unembed.W_U'), H, V, o.WUT);
    this.k.transpose(this.p(this.params, 'cells.0.W_ih'), E, this.gates * H, o.WihT);
    // XNNPACK serves only the vocabulary-wide output matmul, when V is not a multiple of the SIMD width.
    const views: Record<string, number> = V % 4 === 0 ? {} : { W_U: this.p(this.params, 'unembed.W_U'), b_U: this.p(this.params, 'unembed.b_U') };
    for (const [name, ptr] of Object.entries(views)) {
      if (this.weightViews[name] !== undefined) this.heap.dropView(this.weightViews[name]);
      this.weightViews[name] = this.heap.view(ptr, 1);
    }
    this.weightsDirty = false;
  }

  /** C = bias + A·B through the SIMD kernel (see SimdKernels.gemm for the strides). */
  private gemm(A: number, sI: number, sK: number, B: number, C: number, M: number, K: number, N: number, bias = this.ws.buf.zeroRow): void {
    this.k.gemm(A, sI, sK, B, C, M, K, N, bias);
  }

  /** logits[rows, V] = h·W_U + b_U. */
  private logits(h: number, rows: number): void {
    const { hiddenSize: H, vocabSize: V } = this.dims;
    if (V % 4 === 0) this.gemm(h, H, 1, this.p(this.params, 'unembed.W_U'), this.ws.buf.logits, rows, H, V, this.p(this.params, 'unembed.b_U'));
    else this.ws.mm(h, rows, H, this.weightViews.W_U, V, this.ws.buf.logits, this.weightViews.b_U);
  }

  private p(block: number, name: string): number {
    return block + this.offsets[name] * 4;
  }

  private slice(block: number, name: string): Float32Array {
    const spec = this.specs.find((s) => s.name === name) as ParamSpec;
    const n = spec.shape.reduce((x, y) => x * y, 1);
    const start = (block >> 2) + this.offsets[name];
    return this.heap.f32().slice(start, start + n);
  }
}
