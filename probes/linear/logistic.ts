/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the intercepts), fitted by L-BFGS.
 * Objective, the same as sklearn's LogisticRegression(C = 1/l2, multinomial):
 *   Σ_i −log softmax(W x_i + b)[y_i]  +  (l2 / 2) ‖W‖²
 * The solver minimises it divided by the row count, so that `tol` (on the max-abs gradient) does not depend on n.
 */
import { minimizeLbfgs, ValueAndGradient } from './lbfgs';

/** Row-major design matrix [rows, dims] with class indices 0..classes-1 per row. */
export interface LogisticProblem {
  X: Float64Array;
  rows: number;
  dims: number;
  /** Class index per row, in 0..classes-1. */
  y: Int32Array;
  classes: number;
  l2: number;
}

export interface LogisticFit {
  /** [classes, dims] row-major. */
  W: Float64Array;
  b: Float64Array;
  nIter: number;
  converged: boolean;
  /** Max |gradient| of the per-row objective at the solution. */
  gradMaxAbs: number;
}

export function fitMultinomial(p: LogisticProblem, opts: { maxIter: number; tol: number }): LogisticFit {
  const size = p.classes * (p.dims + 1);
  const r = minimizeLbfgs(multinomialObjective(p), new Float64Array(size), opts);
  const nW = p.classes * p.dims;
  return { W: r.x.slice(0, nW), b: r.x.slice(nW), nIter: r.nIter, converged: r.converged, gradMaxAbs: r.gradMaxAbs };
}

/** Value and gradient of the objective divided by rows; θ = [W row-major (classes×dims), b (classes)]. */
export function multinomialObjective(p: LogisticProblem): ValueAndGradient {
  const { X, rows, dims, y, classes, l2 } = p;
  const nW = classes * dims;
  const logits = new Float64Array(classes);
  return (theta, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const row = i * dims;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        let z = theta[nW + k];
        const w = k * dims;
        for (let j = 0; j < dims; j++) z += theta[w + j] * X[row + j];
        logits[k] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(logits[k] - max);
      const logSum = max + Math.log(sum);
      loss += logSum - logits[y[i]];
      for (let k = 0; k < classes; k++) {
        const residual = Math.exp(logits[k] - logSum) - (k === y[i] ? 1 : 0);
        const w = k * dims;
        for (let j = 0; j < dims; j++) grad[w + j] += residual * X[row + j];
        grad[nW + k] += residual;
      }
    }
    let penalty = 0;
    for (let j = 0; j < nW; j++) {
      penalty += theta[j] * theta[j];
      grad[j] += l2 * theta[j];
    }
    for (let j = 0; j < grad.length; j++) grad[j] /= rows;
    return (loss + 0.5 * l2 * penalty) / rows;
  };
}
