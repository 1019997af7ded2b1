/**
 * One MLP (MlpModel's architecture) on the tfjs wasm heap: parameters, gradients and Adam moments in contiguous
 * blocks, a hand-written forward and backward over the population trainer's SIMD kernels (cache-blocked gemm with
 * the bias folded in, relu and its gradient), so a training step creates no tensors and issues no tfjs op. The loss
 * heads (MSE, softmax cross-entropy, the odd-one-out scoring) run in JS (heads.ts).
 */
import { WasmHeap } from '../../backend/wasm-heap';
import { bodyInputSize, MlpConfig, mlpParamSpecs } from '../../models/mlp';
import { ParamSpec } from '../../models/types';
import { SimdKernels } from '../../backend/simd/simd';
import { GEMM_TILE, tiledGemm } from '../../backend/simd/tiled';
import { ComplensError } from '../../util/errors';
import type { LabelledVectors, VectorLoss } from '../vector';
import { headLoss, oddOneOut, oddOneOutBackward } from './heads';

interface Layer {
  fanIn: number;
  width: number;
  /** Byte offsets of W [fanIn, width] and b [width] inside the parameter (and gradient, moment) blocks. */
  w: number;
  b: number;
  /** Activation buffer after this layer (relu output; the raw output for the readout), [rows, width]. */
  out: number;
}

/** Why the fast engine cannot train this config (undefined when it can). */
export function fastMlpUnsupported(config: MlpConfig): string | undefined {
  const widths = [...config.hiddenSizes, config.outputSize];
  const odd = widths.find((w) => w % 4 !== 0);
  if (odd !== undefined) return `layer width ${odd} is not a multiple of 4 (the SIMD gemm's column blocks)`;
  if (config.activation !== 'relu') return `activation ${config.activation}`;
  return undefined;
}

export class MlpMember {
  readonly specs: readonly ParamSpec[];
  /** Floats in each of the parameter, gradient and moment blocks (a multiple of 4). */
  readonly size: number;
  readonly params: number;
  readonly grads: number;
  readonly m: number;
  readonly v: number;
  private readonly layers: Layer[];
  private readonly offsets = new Map<string, { byte: number; length: number }>();
  private readonly input: number;
  private readonly dOut: number;
  private readonly dh: [number, number];
  private readonly wT: number;
  private readonly aT: number;
  private readonly zero: number;
  private readonly tile: number;
  private readonly allocated: number[] = [];

  constructor(private readonly heap: WasmHeap, readonly kernels: SimdKernels, readonly config: MlpConfig, readonly maxRows: number) {
    const reason = fastMlpUnsupported(config);
    if (reason) throw new ComplensError(`the fast MLP trainer does not support this model: ${reason}`);
    this.specs = mlpParamSpecs(config);
    let floats = 0;
    for (const s of this.specs) {
      const length = s.shape.reduce((x, y) => x * y, 1);
      this.offsets.set(s.name, { byte: floats * 4, length });
      floats += Math.ceil(length / 4) * 4;
    }
    this.size = floats;
    [this.params, this.grads, this.m, this.v] = [0, 1, 2, 3].map(() => this.alloc(floats, true));
    const rows = this.bodyRows(maxRows);
    const widths = [...config.hiddenSizes, config.outputSize];
    let fanIn = bodyInputSize(config);
    this.layers = widths.map((width, i) => {
      const names = i < config.hiddenSizes.length ? [`layers.${i}.W`, `layers.${i}.b`] : ['unembed.W_U', 'unembed.b_U'];
      const layer = { fanIn, width, w: this.offsets.get(names[0])!.byte, b: this.offsets.get(names[1])!.byte, out: this.alloc(rows * width) };
      fanIn = width;
      return layer;
    });
    const widest = Math.max(...widths, bodyInputSize(config));
    this.input = this.alloc(maxRows * config.inputSize);
    this.dOut = this.alloc(rows * config.outputSize);
    this.dh = [this.alloc(rows * widest), this.alloc(rows * widest)];
    this.wT = this.alloc(Math.max(...this.layers.slice(1).map((l) => l.fanIn * l.width), 4));
    this.aT = this.alloc(rows * widest);
    this.zero = this.alloc(widest + 4, true);
    this.tile = this.alloc(GEMM_TILE.kb * GEMM_TILE.nb);
  }

  /** C = bias + A·B (strides as SimdKernels.gemm), cache-blocked for the large layers. */
  private gemm(A: number, sI: number, sK: number, B: number, C: number, M: number, K: number, N: number, bias = this.zero): void {
    tiledGemm(this.heap, this.kernels, this.tile, A, sI, sK, B, C, M, K, N, bias);
  }

  /** Rows the MLP body sees for a batch of `rows` (items are folded into rows for the odd-one-out head). */
  private bodyRows(rows: number): number {
    return this.config.head === 'odd-one-out' ? rows * this.config.items : rows;
  }

  private alloc(floats: number, zeroed = false): number {
    const ptr = this.heap.alloc(floats);
    this.allocated.push(ptr);
    if (zeroed) this.heap.f32().fill(0, ptr >> 2, (ptr >> 2) + floats);
    return ptr;
  }

  /** Sets the weights (MlpModel param names) and zeroes the Adam moments. */
  load(weights: Record<string, Float32Array>): void {
    this.write(this.params, weights);
    const f = this.heap.f32();
    f.fill(0, this.m >> 2, (this.m >> 2) + this.size);
    f.fill(0, this.v >> 2, (this.v >> 2) + this.size);
  }

  write(block: number, values: Record<string, Float32Array>): void {
    const f = this.heap.f32();
    for (const s of this.specs) {
      const { byte, length } = this.offsets.get(s.name)!;
      const src = values[s.name];
      if (!src || src.length !== length) throw new ComplensError(`fast MLP: ${s.name} needs ${length} values, got ${src?.length ?? 'none'}`);
      f.set(src, (block + byte) >> 2);
    }
  }

  /** Copies of a block (params, grads, m or v) under the MlpModel param names. */
  read(block = this.params): Record<string, Float32Array> {
    const f = this.heap.f32();
    return Object.fromEntries(this.specs.map((s) => {
      const { byte, length } = this.offsets.get(s.name)!;
      return [s.name, f.slice((block + byte) >> 2, ((block + byte) >> 2) + length)];
    }));
  }

  /** Byte offset (inside a block) and length of one parameter. */
  offset(name: string): { byte: number; length: number } {
    return this.offsets.get(name)!;
  }

  /** Forward pass of `rows` rows already in the input buffer; returns the readout's byte pointer. */
  private forward(rows: number): number {
    const k = this.kernels;
    const R = this.bodyRows(rows);
    let h = this.input;
    this.layers.forEach((l, i) => {
      this.gemm(h, l.fanIn, 1, this.params + l.w, l.out, R, l.fanIn, l.width, this.params + l.b);
      if (i < this.layers.length - 1) k.relu(l.out, l.out, R * l.width);
      h = l.out;
    });
    return h;
  }

  private loadInputs(data: LabelledVectors): number {
    const rows = data.batch.batchSize;
    if (rows > this.maxRows) throw new ComplensError(`fast MLP: ${rows} rows exceed the workspace's ${this.maxRows}`);
    if (data.batch.inputSize !== this.config.inputSize) throw new ComplensError(`VectorBatch: inputSize ${data.batch.inputSize}, but the model reads rows of ${this.config.inputSize}`);
    this.heap.f32().set(data.batch.inputs.subarray(0, rows * this.config.inputSize), this.input >> 2);
    return rows;
  }

  /** Model outputs [rows, model outputSize] (logits per item for the odd-one-out head), as MlpModel.forward. */
  predict(data: LabelledVectors): Float32Array {
    const rows = this.loadInputs(data);
    const out = this.forward(rows);
    const f = this.heap.f32();
    const raw = f.subarray(out >> 2, (out >> 2) + this.bodyRows(rows) * this.config.outputSize);
    return this.config.head === 'odd-one-out' ? oddOneOut(raw, rows, this.config.items, this.config.outputSize).scores : raw.slice();
  }

  /** Mean loss of the batch (as vectorLoss); leaves the gradient of that loss in the gradient block. */
  lossAndGrads(data: LabelledVectors, loss: VectorLoss): number {
    const k = this.kernels;
    const rows = this.loadInputs(data);
    const R = this.bodyRows(rows);
    const outPtr = this.forward(rows);
    const f = this.heap.f32();
    const E = this.config.outputSize;
    const raw = f.subarray(outPtr >> 2, (outPtr >> 2) + R * E);
    const dRaw = f.subarray(this.dOut >> 2, (this.dOut >> 2) + R * E);
    let value: number;
    if (this.config.head === 'odd-one-out') {
      const head = oddOneOut(raw, rows, this.config.items, E);
      const dScores = new Float32Array(rows * this.config.items);
      value = headLoss(head.scores, data, loss, dScores);
      oddOneOutBackward(head, dScores, rows, this.config.items, E, dRaw);
    } else {
      value = headLoss(raw, data, loss, dRaw);
    }
    // Backward through the layers; dh ping-pongs between two buffers.
    let dy = this.dOut;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const below = i > 0 ? this.layers[i - 1].out : this.input;
      // dW = belowᵀ·dy from a transposed copy: read in place (stride fanIn) each k step lands 4 KiB further on, and
      // in a 1024-wide layer all those lines share a few L1 sets (the weight-gradient gemm ran at 22 GFLOP/s vs 31).
      k.transpose(below, R, l.fanIn, this.aT);
      this.gemm(this.aT, R, 1, dy, this.grads + l.w, l.fanIn, R, l.width);
      k.colSum(dy, R, l.width, this.grads + l.b);
      if (i === 0) break;
      const dh = this.dh[i % 2];
      k.transpose(this.params + l.w, l.fanIn, l.width, this.wT);
      this.gemm(dy, l.width, 1, this.wT, dh, R, l.width, l.fanIn);
      k.reluBackward(dh, below, dh, R * l.fanIn);
      dy = dh;
    }
    return value;
  }

  dispose(): void {
    for (const ptr of this.allocated.splice(0)) this.heap.free(ptr);
  }
}
