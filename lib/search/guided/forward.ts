/**
 * A plain-JS forward pass of the population trainer's models (one-layer single-stream GRU or Elman tanh, RnnModel
 * parameter names and equations, lib/models/rnn/cells.ts) over host weights: greedy answers like
 * RnnModel.generate and the hidden state at every prompt position. The guided search scores every member after
 * every round from the weights the trainer returns, without tfjs tensors (about 0.1 ms per example for H = 64).
 * Arithmetic is in float64, so an answer can differ from the f32 models only where two logits tie to ~1e-7.
 */
import { EncodedExample } from '../../tasks/types';

export interface HostRnnDims {
  cell: 'gru' | 'tanh';
  vocabSize: number;
  embedSize: number;
  hiddenSize: number;
}

export interface HostRun {
  /** Greedy answer tokens per example (as many as its target). */
  answers: Int32Array[];
  /** Hidden state after each prompt position: states[i][t * H + j]. */
  states: Float64Array[];
}

export class HostRnn {
  private readonly G: number;
  /** Input projection per token: W_E·W_ih + b_ih, [V, G]. */
  private readonly table: Float64Array;
  private readonly Whh: Float64Array;
  private readonly bhh: Float64Array;
  private readonly WU: Float64Array;
  private readonly bU: Float64Array;

  constructor(readonly dims: HostRnnDims, weights: Record<string, Float32Array>) {
    const { vocabSize: V, embedSize: E, hiddenSize: H } = dims;
    const G = (this.G = (dims.cell === 'gru' ? 3 : 1) * H);
    const get = (name: string, n: number) => {
      const w = weights[name];
      if (!w || w.length !== n) throw new Error(`HostRnn: weight ${name} has ${w?.length ?? 'no'} values, expected ${n}`);
      return w;
    };
    const WE = get('embed.W_E', V * E);
    const Wih = get('cells.0.W_ih', E * G);
    const bih = get('cells.0.b_ih', G);
    this.Whh = Float64Array.from(get('cells.0.W_hh', H * G));
    this.bhh = Float64Array.from(get('cells.0.b_hh', G));
    this.WU = Float64Array.from(get('unembed.W_U', H * V));
    this.bU = Float64Array.from(get('unembed.b_U', V));
    this.table = new Float64Array(V * G);
    for (let v = 0; v < V; v++) {
      const row = this.table.subarray(v * G, (v + 1) * G);
      for (let j = 0; j < G; j++) row[j] = bih[j];
      for (let e = 0; e < E; e++) {
        const x = WE[v * E + e];
        if (x === 0) continue;
        for (let j = 0; j < G; j++) row[j] += x * Wih[e * G + j];
      }
    }
  }

  /** Runs every example: hidden states over the prompt, then greedy decoding of `target.length` tokens. */
  run(examples: readonly EncodedExample[]): HostRun {
    const H = this.dims.hiddenSize;
    const V = this.dims.vocabSize;
    const gh = new Float64Array(this.G);
    const logits = new Float64Array(V);
    const answers: Int32Array[] = [];
    const states: Float64Array[] = [];
    for (const ex of examples) {
      const Tp = ex.prompt.length;
      const hs = new Float64Array(Tp * H);
      // Annotated: TypeScript ≥ 5.7 infers Float64Array<ArrayBuffer> here, which step()'s result cannot be assigned to.
      let h: Float64Array = new Float64Array(H);
      for (let t = 0; t < Tp; t++) {
        h = this.step(h, ex.prompt[t], gh);
        hs.set(h, t * H);
      }
      const out = new Int32Array(ex.target.length);
      for (let j = 0; j < out.length; j++) {
        this.logits(h, logits);
        let best = 0;
        for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
        out[j] = best;
        if (j + 1 < out.length) h = this.step(h, best, gh);
      }
      answers.push(out);
      states.push(hs);
    }
    return { answers, states };
  }

  private logits(h: Float64Array, out: Float64Array): void {
    const H = this.dims.hiddenSize;
    const V = this.dims.vocabSize;
    for (let v = 0; v < V; v++) out[v] = this.bU[v];
    for (let i = 0; i < H; i++) {
      const x = h[i];
      const row = i * V;
      for (let v = 0; v < V; v++) out[v] += x * this.WU[row + v];
    }
  }

  private step(h: Float64Array, token: number, gh: Float64Array): Float64Array {
    const H = this.dims.hiddenSize;
    const G = this.G;
    for (let j = 0; j < G; j++) gh[j] = this.bhh[j];
    for (let i = 0; i < H; i++) {
      const x = h[i];
      if (x === 0) continue;
      const row = i * G;
      for (let j = 0; j < G; j++) gh[j] += x * this.Whh[row + j];
    }
    const gi = token * G;
    const next = new Float64Array(H);
    if (this.dims.cell === 'tanh') {
      for (let j = 0; j < H; j++) next[j] = Math.tanh(this.table[gi + j] + gh[j]);
      return next;
    }
    for (let j = 0; j < H; j++) {
      const r = sigmoid(this.table[gi + j] + gh[j]);
      const z = sigmoid(this.table[gi + H + j] + gh[H + j]);
      const n = Math.tanh(this.table[gi + 2 * H + j] + r * gh[2 * H + j]);
      next[j] = n + z * (h[j] - n);
    }
    return next;
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Fraction of examples whose whole greedy answer equals the target. */
export function exactMatchOf(examples: readonly EncodedExample[], answers: readonly Int32Array[]): number {
  if (examples.length === 0) return NaN;
  let right = 0;
  examples.forEach((ex, i) => {
    if (ex.target.every((t, j) => answers[i][j] === t)) right++;
  });
  return right / examples.length;
}

/** Fraction of answer tokens equal to the target's (greedy, so later tokens follow the model's own earlier ones). */
export function tokenAccuracyOf(examples: readonly EncodedExample[], answers: readonly Int32Array[]): number {
  let right = 0;
  let total = 0;
  examples.forEach((ex, i) => {
    ex.target.forEach((t, j) => {
      if (answers[i][j] === t) right++;
      total++;
    });
  });
  return total ? right / total : NaN;
}
