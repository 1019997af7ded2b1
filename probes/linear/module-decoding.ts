/**
 * Linear decodability of task constituents, the protocol of Redhardt et al. (2025) "Scaling can lead to
 * compositional generalization" (compscale/callbacks.py): per layer, one ridge regression per module dimension of
 * the task code z, fitted on the first half of the in-distribution rows and scored (R²) on the second half and on
 * the OOD rows; R² is averaged over module dimensions.
 */
import { Matrix } from 'ml-matrix';
import { requireNumber, requireOneOf } from '../../lib/util/validate';
import { fitCgRidge, predictCgRidge } from './cg-ridge';
import { ProbeInputError } from './errors';
import { Features, toMatrix } from './features';
import { r2PerColumn } from './metrics';
import { LinearProbe } from './probe';

export type ModuleDecodingSolver = 'exact' | 'cg10';

export interface ModuleDecodingOptions {
  /** In-distribution rows, in order: the first ⌊n/2⌋ fit the probes, the rest are the held-out test set. */
  idRows: ArrayLike<number>;
  /** OOD rows (held-out module combinations), scored with the probes fitted on ID rows. */
  oodRows?: ArrayLike<number>;
  /** Ridge penalty on raw (unstandardised) features, as in the original. Default 1.0. */
  l2?: number;
  /**
   * 'exact' (default): closed-form ridge with an unpenalised intercept. 'cg10': the original's solver and quirks
   * (10 conjugate-gradient steps, penalised masked bias; see cg-ridge.ts), to reproduce published numbers.
   */
  solver?: ModuleDecodingSolver;
}

export interface ModuleDecodingLayer {
  layer: string;
  /** R² on the held-out half of the ID rows, averaged over module dimensions. */
  r2Test: number;
  /** R² on the OOD rows averaged over module dimensions, or null without oodRows. */
  r2Ood: number | null;
  r2TestPerModule: number[];
  r2OodPerModule: number[] | null;
}

export interface ModuleDecodingResult {
  kind: 'moduleDecoding';
  layers: ModuleDecodingLayer[];
  solver: ModuleDecodingSolver;
  l2: number;
  /** Number of module dimensions M (columns of z). */
  modules: number;
  nTrain: number;
  nTest: number;
  nOod: number;
}

/**
 * @param layers activations per layer name, each [rows, dims] over the same rows as z (e.g. each task's last sample).
 * @param z      task codes [rows, M] (weighted k-hot in the original).
 */
export function decodeModuleWeights(layers: Record<string, Features>, z: Matrix | readonly (readonly number[])[], options: ModuleDecodingOptions): ModuleDecodingResult {
  const Z = toMatrix(z as Matrix | number[][], 'z');
  const l2 = requireNumber(options.l2 ?? 1.0, 'moduleDecoding.l2', 0);
  const solver = requireOneOf(options.solver ?? 'exact', 'moduleDecoding.solver', ['exact', 'cg10'] as const);
  const idRows = checkRows(options.idRows, Z.rows, 'idRows');
  const oodRows = options.oodRows ? checkRows(options.oodRows, Z.rows, 'oodRows') : null;
  if (idRows.length < 4) throw new ProbeInputError('idRows', `need at least 4 ID rows (2 to fit, 2 to score), got ${idRows.length}`);
  if (oodRows && oodRows.some((r) => idRows.includes(r))) throw new ProbeInputError('oodRows', 'shares rows with idRows');
  const half = Math.floor(idRows.length / 2);
  const trainRows = idRows.slice(0, half);
  const testRows = idRows.slice(half);
  const names = Object.keys(layers);
  if (names.length === 0) throw new ProbeInputError('layers', 'no layers given');

  const out = names.map((layer): ModuleDecodingLayer => {
    const X = toMatrix(layers[layer], `layers.${layer}`);
    if (X.rows !== Z.rows) throw new ProbeInputError(`layers.${layer}`, `has ${X.rows} rows but z has ${Z.rows}`);
    const predict = fitPerModule(X.subMatrixRow(trainRows), Z.subMatrixRow(trainRows), l2, solver);
    const scoreRows = (rows: Int32Array) => r2PerColumn(Z.subMatrixRow(rows), predict(X.subMatrixRow(rows)));
    const test = scoreRows(testRows);
    const ood = oodRows ? scoreRows(oodRows) : null;
    return { layer, r2Test: average(test), r2Ood: ood ? average(ood) : null, r2TestPerModule: test, r2OodPerModule: ood };
  });
  return { kind: 'moduleDecoding', layers: out, solver, l2, modules: Z.columns, nTrain: trainRows.length, nTest: testRows.length, nOod: oodRows?.length ?? 0 };
}

/** A predictor [rows, M] from one ridge per module dimension (for 'exact', one multi-output solve: the same thing). */
function fitPerModule(X: Matrix, Z: Matrix, l2: number, solver: ModuleDecodingSolver): (X: Matrix) => Matrix {
  if (solver === 'exact') {
    const probe = new LinearProbe({ kind: 'ridge', l2, standardize: false }).fit(X, Z);
    return (Xs) => probe.decisionFunction(Xs);
  }
  const models = Array.from({ length: Z.columns }, (_, m) => fitCgRidge(X, Z.getColumn(m), l2));
  return (Xs) => {
    const P = new Matrix(Xs.rows, models.length);
    models.forEach((model, m) => P.setColumn(m, Array.from(predictCgRidge(model, Xs))));
    return P;
  };
}

function checkRows(rows: ArrayLike<number>, n: number, field: string): Int32Array {
  const out = Int32Array.from(rows);
  const seen = new Set<number>();
  out.forEach((r, i) => {
    if (!Number.isInteger(rows[i]) || r < 0 || r >= n) throw new ProbeInputError(field, `entry ${i} is ${rows[i]}, not a row index in [0, ${n})`);
    if (seen.has(r)) throw new ProbeInputError(field, `row ${r} appears twice`);
    seen.add(r);
  });
  return out;
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
