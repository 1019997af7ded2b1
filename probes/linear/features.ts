/**
 * Feature matrices as probes accept them. Activations arrive from tfjs as a flat Float32Array plus a shape, and
 * analyses written by hand tend to use ml-matrix or nested arrays; every probe entry point takes any of them and
 * converts once, here, so that validation (shape, NaN) happens in one place with one wording.
 */
import { Matrix } from 'ml-matrix';
import { ProbeInputError } from './errors';

/** Row-major feature rows: `data.length === rows * dims`, the layout of `tensor.dataSync()` for a [rows, dims] tensor. */
export interface DenseRows {
  readonly data: Float32Array | Float64Array;
  readonly dims: number;
}

/** Features X, shape [rows, dims]. */
export type Features = Matrix | DenseRows | readonly (readonly number[])[];

/** Wrap a flat row-major buffer (e.g. `tensor.dataSync()` of a [rows, dims] tensor) as Features. */
export function denseRows(data: Float32Array | Float64Array, dims: number): DenseRows {
  if (!Number.isInteger(dims) || dims < 1) throw new ProbeInputError('dims', `expected a positive integer, got ${dims}`);
  if (data.length % dims !== 0) {
    throw new ProbeInputError('X', `a buffer of ${data.length} values is not a whole number of rows of ${dims} dims`);
  }
  return { data, dims };
}

/** A fresh ml-matrix copy of X (callers may mutate it), checked to be non-empty and finite. */
export function toMatrix(X: Features, field = 'X'): Matrix {
  let m: Matrix;
  if (X instanceof Matrix) {
    m = X.clone();
  } else if (Array.isArray(X)) {
    const rows = X as readonly (readonly number[])[];
    const dims = rows.length > 0 ? rows[0].length : 0;
    rows.forEach((row, i) => {
      if (!row || row.length !== dims) throw new ProbeInputError(field, `row ${i} has ${row?.length} values, row 0 has ${dims}`);
    });
    m = new Matrix(rows as number[][]);
  } else if (isDenseRows(X)) {
    const { data, dims } = denseRows(X.data, X.dims);
    m = Matrix.from1DArray(data.length / dims, dims, data);
  } else {
    throw new ProbeInputError(field, 'expected an ml-matrix Matrix, number[][] or {data: Float32Array, dims}');
  }
  if (m.rows === 0 || m.columns === 0) throw new ProbeInputError(field, `expected a non-empty matrix, got shape [${m.rows}, ${m.columns}]`);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.columns; j++) {
      if (!Number.isFinite(m.get(i, j))) {
        throw new ProbeInputError(field, `non-finite value ${m.get(i, j)} at row ${i}, column ${j}`);
      }
    }
  }
  return m;
}

/** Number of rows of X without converting it. */
export function rowCount(X: Features): number {
  if (X instanceof Matrix) return X.rows;
  if (Array.isArray(X)) return X.length;
  return Math.floor((X as DenseRows).data.length / (X as DenseRows).dims);
}

function isDenseRows(X: unknown): X is DenseRows {
  const d = X as DenseRows;
  return typeof d === 'object' && d !== null && (d.data instanceof Float32Array || d.data instanceof Float64Array) && typeof d.dims === 'number';
}
