/**
 * A small closed-form linear probe for the guided search's internal signals: ridge regression of one-hot labels on
 * the hidden state (plus a bias), decoded by argmax. One fit is a (H+1)² normal-equation solve, cheap enough to run
 * for every member after every round (the verdict's logistic probe, probes/linear, is too slow for that, and lib
 * cannot import probes/). The solve is ml-matrix's Cholesky decomposition.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export interface ProbeData {
  /** Feature vectors, all of length `dim`. */
  x: ArrayLike<number>[];
  /** Class labels 0..classes-1. */
  y: number[];
}

export interface RidgeProbe {
  dim: number;
  classes: number;
  /** Weights [(dim + 1) × classes], bias row last. */
  w: Float64Array;
}

export function fitRidge(data: ProbeData, classes: number, lambda = 1e-2): RidgeProbe {
  const n = data.x.length;
  if (n === 0) throw new Error('fitRidge: no samples');
  const dim = data.x[0].length;
  const D = dim + 1;
  const A = new Float64Array(D * D);
  const B = new Float64Array(D * classes);
  const row = new Float64Array(D);
  for (let s = 0; s < n; s++) {
    row.set(data.x[s]);
    row[dim] = 1;
    for (let i = 0; i < D; i++) {
      const xi = row[i];
      if (xi === 0) continue;
      const off = i * D;
      for (let j = i; j < D; j++) A[off + j] += xi * row[j];
      B[i * classes + data.y[s]] += xi;
    }
  }
  // Ridge scaled by the sample count, so lambda means the same at any n; the bias is penalised too (harmless here).
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < i; j++) A[i * D + j] = A[j * D + i];
    A[i * D + i] += lambda * n;
  }
  const X = new CholeskyDecomposition(matrixOf(A, D, D)).solve(matrixOf(B, D, classes));
  return { dim, classes, w: Float64Array.from(X.to1DArray()) };
}

export function predictRidge(probe: RidgeProbe, x: ArrayLike<number>): number {
  const { dim, classes, w } = probe;
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < classes; c++) {
    let s = w[dim * classes + c];
    for (let i = 0; i < dim; i++) s += x[i] * w[i * classes + c];
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

export function probeAccuracy(probe: RidgeProbe, data: ProbeData): number {
  if (data.x.length === 0) return NaN;
  let right = 0;
  data.x.forEach((x, i) => {
    if (predictRidge(probe, x) === data.y[i]) right++;
  });
  return right / data.x.length;
}

function matrixOf(values: Float64Array, rows: number, cols: number): Matrix {
  return new Matrix(Array.from({ length: rows }, (_, i) => Array.from(values.subarray(i * cols, (i + 1) * cols))));
}
