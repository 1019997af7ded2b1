/**
 * The ridge solver of Redhardt et al.'s probing code (compscale/model/regression.py, RidgeRegression), kept
 * quirk for quirk so that their numbers can be reproduced; decodeModuleWeights uses it with solver: 'cg10'.
 *   - no centring or scaling; a bias column is appended that is 1 only on rows whose features are all non-zero,
 *     yet prediction adds the bias to every row;
 *   - the penalty λ‖w‖² includes the bias;
 *   - A w = Xᵀy with A = XᵀX + λI is solved by at most 10 conjugate-gradient steps from w = 0 (jax.scipy cg,
 *     tol 1e-5 relative to ‖Xᵀy‖), which usually stops short of the minimum: extra, data-dependent shrinkage.
 */
import { Matrix } from 'ml-matrix';

export interface CgRidgeModel {
  /** [dims] weights followed by the bias. */
  weight: Float64Array;
  /** CG steps taken (≤ maxIter). */
  nIter: number;
}

export function fitCgRidge(X: Matrix, y: ArrayLike<number>, l2: number, maxIter = 10, tol = 1e-5): CgRidgeModel {
  const n = X.rows;
  const d = X.columns;
  const Xa = new Matrix(n, d + 1);
  for (let i = 0; i < n; i++) {
    let allNonZero = 1;
    for (let j = 0; j < d; j++) {
      const v = X.get(i, j);
      Xa.set(i, j, v);
      if (v === 0) allNonZero = 0;
    }
    Xa.set(i, d, allNonZero);
  }
  const XaT = Xa.transpose();
  const matvec = (u: Float64Array): Float64Array => {
    const Xu = Xa.mmul(Matrix.columnVector(Array.from(u)));
    const out = Float64Array.from(XaT.mmul(Xu).getColumn(0));
    for (let j = 0; j <= d; j++) out[j] += l2 * u[j];
    return out;
  };
  const b = Float64Array.from(XaT.mmul(Matrix.columnVector(Array.from(y))).getColumn(0));
  const w = new Float64Array(d + 1);
  const r = Float64Array.from(b);
  const p = Float64Array.from(r);
  let gamma = dot(r, r);
  const threshold = tol * tol * dot(b, b);
  let k = 0;
  while (gamma > threshold && k < maxIter) {
    const Ap = matvec(p);
    const alpha = gamma / dot(p, Ap);
    for (let j = 0; j <= d; j++) {
      w[j] += alpha * p[j];
      r[j] -= alpha * Ap[j];
    }
    const gammaNew = dot(r, r);
    const beta = gammaNew / gamma;
    for (let j = 0; j <= d; j++) p[j] = r[j] + beta * p[j];
    gamma = gammaNew;
    k++;
  }
  return { weight: w, nIter: k };
}

/** x·w + bias for every row (the original applies the bias unconditionally at prediction time). */
export function predictCgRidge(model: CgRidgeModel, X: Matrix): Float64Array {
  const d = X.columns;
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = model.weight[d];
    for (let j = 0; j < d; j++) s += X.get(i, j) * model.weight[j];
    out[i] = s;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
