/**
 * Column standardisation, fitted on training rows only. Probes fit in standardised space (so that one l2 value
 * means the same on every layer and solvers are well conditioned) and then fold the scaling back into raw-space
 * coefficients, so `coef_` and `intercept_` apply to the features exactly as the caller passed them.
 */
import { Matrix } from 'ml-matrix';

export interface ColumnScaling {
  /** Column means (all 0 when centring is off). */
  mean: Float64Array;
  /** Column scales: population standard deviation, or 1 for constant columns and when scaling is off. */
  scale: Float64Array;
}

export function fitScaling(X: Matrix, center: boolean, scale: boolean): ColumnScaling {
  const d = X.columns;
  const n = X.rows;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d).fill(1);
  if (center || scale) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X.get(i, j);
      const m = s / n;
      if (center) mean[j] = m;
      if (scale) {
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (X.get(i, j) - m) ** 2;
        const v = Math.sqrt(ss / n);
        // A constant column carries no signal; leaving it unscaled (sklearn's choice) avoids dividing by zero.
        sd[j] = v > 1e-12 * Math.max(1, Math.abs(m)) ? v : 1;
      }
    }
  }
  return { mean, scale: sd };
}

/** (X - mean) / scale, in place, returning X. */
export function applyScaling(X: Matrix, s: ColumnScaling): Matrix {
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.columns; j++) X.set(i, j, (X.get(i, j) - s.mean[j]) / s.scale[j]);
  }
  return X;
}
