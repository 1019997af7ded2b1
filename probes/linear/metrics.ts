/** Scores shared by probes, cross-validation and the module-decoding protocol. */
import { Matrix } from 'ml-matrix';

/** Fraction of positions where the two label arrays agree. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot of one target, SS_tot taken around the mean of `yTrue` (the
 * scored rows), as sklearn's r2_score and the Redhardt et al. code do. A constant target has no variance to
 * explain: following sklearn's force_finite it scores 1 if predicted exactly and 0 otherwise, instead of ±∞/NaN
 * that would poison averages over targets.
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (yTrue[i] - yPred[i]) ** 2;
    tot += (yTrue[i] - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** R² of every column of a [rows, targets] pair. */
export function r2PerColumn(yTrue: Matrix, yPred: Matrix): number[] {
  return Array.from({ length: yTrue.columns }, (_, j) => r2(yTrue.getColumn(j), yPred.getColumn(j)));
}

export { meanSd } from '../../lib/util/stats';
