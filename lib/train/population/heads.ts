/**
 * The fast MLP trainer's loss heads in JS, as MlpModel and vectorLoss compute them in tfjs: they touch rows × outputs
 * values, a thousandth of the matmul work on the standard shapes, so plain loops (in double precision) suffice.
 */
import { ComplensError } from '../../util/errors';
import type { LabelledVectors, VectorLoss } from '../vector';

/**
 * The loss of outputs [n, width] against the batch's supervision, as vectorLoss computes it, and its gradient
 * (written to `grad`): MSE mean((y − t)²) → 2(y − t)/N; cross-entropy −mean log softmax[label] → (softmax − onehot)/n.
 */
export function headLoss(out: Float32Array, data: LabelledVectors, loss: VectorLoss, grad: Float32Array): number {
  const n = data.batch.batchSize;
  const width = out.length / n;
  if (loss === 'mse') {
    const t = data.targets;
    if (!t || t.length !== n * width) throw new ComplensError(`mse loss needs targets with ${n} × ${width} entries, got ${t?.length ?? 'none'}`);
    const N = n * width;
    const inv = Math.fround(1 / N);
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const d = Math.fround(out[i] - t[i]);
      sum += d * d;
      grad[i] = Math.fround(2 * d) * inv;
    }
    return sum / N;
  }
  const labels = data.labels;
  if (!labels || labels.length !== n) throw new ComplensError(`softmax-ce loss needs ${n} labels, got ${labels?.length ?? 'none'}`);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const label = labels[r];
    if (!(label >= 0 && label < width)) throw new ComplensError(`label ${label} at row ${r} is outside 0..${width - 1}`);
    const o = r * width;
    let max = -Infinity;
    for (let c = 0; c < width; c++) max = Math.max(max, out[o + c]);
    let z = 0;
    for (let c = 0; c < width; c++) z += Math.exp(out[o + c] - max);
    total -= out[o + label] - max - Math.log(z);
    for (let c = 0; c < width; c++) grad[o + c] = (Math.exp(out[o + c] - max) / z - (c === label ? 1 : 0)) / n;
  }
  return total / n;
}

export interface OddOneOut {
  /** Unit item embeddings [rows·items, E], their norms (clamped at 1e-12), per-problem sums [rows, E], scores. */
  e: Float64Array;
  norm: Float64Array;
  total: Float64Array;
  scores: Float32Array;
}

/** MlpModel's odd-one-out head: e = out/max(‖out‖, 1e-12); score_i = −⟨e_i, Σ_j e_j⟩. */
export function oddOneOut(raw: Float32Array, rows: number, items: number, E: number): OddOneOut {
  const e = new Float64Array(rows * items * E);
  const norm = new Float64Array(rows * items);
  const total = new Float64Array(rows * E);
  const scores = new Float32Array(rows * items);
  for (let r = 0; r < rows * items; r++) {
    let s = 0;
    for (let d = 0; d < E; d++) s += raw[r * E + d] ** 2;
    norm[r] = Math.max(Math.sqrt(s), 1e-12);
    const b = Math.floor(r / items);
    for (let d = 0; d < E; d++) {
      e[r * E + d] = raw[r * E + d] / norm[r];
      total[b * E + d] += e[r * E + d];
    }
  }
  for (let r = 0; r < rows * items; r++) {
    const b = Math.floor(r / items);
    let s = 0;
    for (let d = 0; d < E; d++) s += e[r * E + d] * total[b * E + d];
    scores[r] = -s;
  }
  return { e, norm, total, scores };
}

/** Gradient of the head's scores back to the raw embeddings (written to `dRaw`). */
export function oddOneOutBackward(h: OddOneOut, dScores: Float32Array, rows: number, items: number, E: number, dRaw: Float32Array): void {
  const de = new Float64Array(E);
  for (let b = 0; b < rows; b++) {
    // ∂/∂e_i of −Σ_j s_j⟨e_j, total⟩ with total = Σ_j e_j: −s_i·total − Σ_j s_j e_j.
    const weighted = new Float64Array(E);
    for (let j = 0; j < items; j++) for (let d = 0; d < E; d++) weighted[d] += dScores[b * items + j] * h.e[(b * items + j) * E + d];
    for (let i = 0; i < items; i++) {
      const r = b * items + i;
      let dot = 0;
      for (let d = 0; d < E; d++) {
        de[d] = -dScores[r] * h.total[b * E + d] - weighted[d];
        dot += de[d] * h.e[r * E + d];
      }
      // Through e = y/‖y‖: (de − e⟨e, de⟩)/‖y‖; a clamped norm is a constant, so only de/1e-12 passes.
      const clamped = h.norm[r] === 1e-12;
      for (let d = 0; d < E; d++) dRaw[r * E + d] = (clamped ? de[d] : de[d] - h.e[r * E + d] * dot) / h.norm[r];
    }
  }
}
