/**
 * Targets as probes accept them: integer class labels for the logistic probe, one or several real-valued targets
 * for ridge. Converted and checked once here so that every probe reports bad labels the same way.
 */
import { Matrix } from 'ml-matrix';
import { ProbeInputError } from './errors';

/** Class labels, one integer per row. Any integers (not only 0..K-1): `classes_` keeps the sorted distinct values. */
export type ClassLabels = Int32Array | readonly number[];

/** Regression targets: one value per row, or a [rows, targets] matrix fitted as independent outputs at once. */
export type RegressionTargets = Float64Array | Float32Array | Int32Array | readonly number[] | Matrix | readonly (readonly number[])[];

/** Class labels as an Int32Array of length `rows`. */
export function toClassLabels(y: ClassLabels, rows: number, field = 'y'): Int32Array {
  if (y.length !== rows) throw new ProbeInputError(field, `has ${y.length} labels but X has ${rows} rows`);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1) {
      throw new ProbeInputError(field, `label ${i} is ${v}; class labels must be integers (map strings to codes first)`);
    }
    out[i] = v;
  }
  return out;
}

/** Sorted distinct labels and, per row, the index of its label in that list. */
export function encodeClasses(y: Int32Array): { classes: Int32Array; index: Int32Array } {
  const classes = Int32Array.from(new Set(y)).sort();
  const position = new Map<number, number>();
  classes.forEach((c, k) => position.set(c, k));
  return { classes, index: y.map((v) => position.get(v) as number) };
}

/** Regression targets as a [rows, targets] matrix, plus whether the caller gave a single column as a vector. */
export function toTargetMatrix(y: RegressionTargets, rows: number, field = 'y'): { Y: Matrix; vector: boolean } {
  let Y: Matrix;
  let vector = false;
  if (y instanceof Matrix) {
    Y = y.clone();
  } else if (Array.isArray(y) && y.length > 0 && Array.isArray(y[0])) {
    Y = new Matrix(y as number[][]);
  } else {
    Y = Matrix.columnVector(Array.from(y as ArrayLike<number>));
    vector = true;
  }
  if (Y.rows !== rows) throw new ProbeInputError(field, `has ${Y.rows} rows of targets but X has ${rows} rows`);
  if (Y.columns === 0) throw new ProbeInputError(field, 'has no target columns');
  for (let i = 0; i < Y.rows; i++) {
    for (let j = 0; j < Y.columns; j++) {
      const v = Y.get(i, j);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProbeInputError(field, `non-finite target ${v} at row ${i}, column ${j}`);
    }
  }
  return { Y, vector };
}
