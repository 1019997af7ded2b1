/**
 * A small closed-form linear probe for the guided search's internal signals: ridge regression of one-hot labels on
 * the hidden state (plus a bias), decoded by argmax. One fit is a (H+1)² normal-equation solve, cheap enough to run
 * for every member after every round (the verdict's logistic probe, probes/linear, is too slow for that).
 */

export interface ProbeData {
  /** Feature vectors, all of length `dim`. */
  x: Float64Array[];
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
  return { dim, classes, w: choleskySolve(A, B, D, classes) };
}

export function predictRidge(probe: RidgeProbe, x: Float64Array): number {
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

/** Solves A·X = B for symmetric positive definite A [D×D] and B [D×C]. */
function choleskySolve(A: Float64Array, B: Float64Array, D: number, C: number): Float64Array {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * D + j];
      for (let k = 0; k < j; k++) s -= L[i * D + k] * L[j * D + k];
      if (i === j) L[i * D + i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i * D + j] = s / L[j * D + j];
    }
  }
  const X = new Float64Array(D * C);
  for (let c = 0; c < C; c++) {
    const y = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let s = B[i * C + c];
      for (let k = 0; k < i; k++) s -= L[i * D + k] * y[k];
      y[i] = s / L[i * D + i];
    }
    for (let i = D - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < D; k++) s -= L[k * D + i] * X[k * C + c];
      X[i * C + c] = s / L[i * D + i];
    }
  }
  return X;
}
