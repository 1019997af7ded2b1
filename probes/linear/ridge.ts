/**
 * Exact ridge regression on already-centred data: W = argmin ‖XW − Y‖² + λ‖W‖² for every target column at once.
 * The intercept is handled by the caller (centring), which is what keeps it out of the penalty.
 */
import { CholeskyDecomposition, Matrix, SVD } from 'ml-matrix';

/**
 * Ridge coefficients [dims, targets] for centred X [rows, dims] and centred Y [rows, targets].
 * Uses the primal normal equations when rows ≥ dims and the dual (kernel) form otherwise, so the linear system is
 * always the smaller of dims×dims and rows×rows. λ = 0 (or a numerically singular system) falls back to the SVD,
 * which gives the minimum-norm least-squares solution instead of failing.
 */
export function solveRidge(X: Matrix, Y: Matrix, l2: number): Matrix {
  if (l2 > 0) {
    const primal = X.columns <= X.rows;
    const gram = primal ? X.transpose().mmul(X) : X.mmul(X.transpose());
    symmetriseAddDiagonal(gram, l2);
    const chol = new CholeskyDecomposition(gram);
    if (chol.isPositiveDefinite()) {
      return primal ? chol.solve(X.transpose().mmul(Y)) : X.transpose().mmul(chol.solve(Y));
    }
  }
  return svdRidge(X, Y, l2);
}

/** W = V diag(s / (s² + λ)) Uᵀ Y, dropping singular values below the SVD's own rank threshold. */
function svdRidge(X: Matrix, Y: Matrix, l2: number): Matrix {
  const svd = new SVD(X, { autoTranspose: true });
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const s = svd.diagonal;
  const UtY = U.transpose().mmul(Y);
  for (let k = 0; k < s.length; k++) {
    const f = s[k] > svd.threshold ? s[k] / (s[k] * s[k] + l2) : 0;
    for (let j = 0; j < UtY.columns; j++) UtY.set(k, j, UtY.get(k, j) * f);
  }
  return V.subMatrix(0, V.rows - 1, 0, s.length - 1).mmul(UtY.subMatrix(0, s.length - 1, 0, UtY.columns - 1));
}

/** Exact symmetry (ml-matrix's Cholesky rejects matrices that are not) plus λ on the diagonal. */
function symmetriseAddDiagonal(A: Matrix, l2: number): void {
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (A.get(i, j) + A.get(j, i));
      A.set(i, j, v);
      A.set(j, i, v);
    }
    A.set(i, i, A.get(i, i) + l2);
  }
}
