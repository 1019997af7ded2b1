/**
 * PCA projections of activations (e.g. Xu et al.'s 3-D PCA of the last prompt position, coloured by (a+b) mod 10).
 * The SVD is ml-pca's; centring and scaling are done here because ml-pca silently skips scaling when centring is
 * off, and component signs are fixed here because an SVD's signs are arbitrary and plots should not flip between runs.
 */
import { Matrix } from 'ml-matrix';
import { PCA } from 'ml-pca';
import { requireBoolean, requireInt } from '../../lib/util/validate';
import { ProbeInputError } from '../linear/errors';
import { Features, toMatrix } from '../linear/features';

export interface PcaOptions {
  /** Number of principal components kept; 2 or 3 for plots. Default 2. */
  components?: number;
  /** Subtract column means first. Default true (without it, "variance" is the uncentred second moment). */
  center?: boolean;
  /** Divide columns by their standard deviation (constant columns left as is). Default false. */
  scale?: boolean;
}

export interface PcaProjection {
  kind: 'pcaProjection';
  /** Projected coordinates [rows, components]. */
  coords: Matrix;
  /** Share of the total variance per kept component, descending; sums to ≤ 1. */
  explainedVarianceRatio: number[];
  /** Unit principal directions [components, dims], in the centred/scaled feature space. */
  components: Matrix;
  /** Column means subtracted (zeros when center is false) and column scales divided by (ones when scale is false). */
  mean: Float64Array;
  scale: Float64Array;
}

export function pcaProject(X: Features, options: PcaOptions = {}): PcaProjection {
  const center = requireBoolean(options.center ?? true, 'pca.center');
  const scale = requireBoolean(options.scale ?? false, 'pca.scale');
  const Xm = toMatrix(X);
  const k = requireInt(options.components ?? 2, 'pca.components', 1, Math.min(Xm.rows, Xm.columns));
  if (Xm.rows < 2) throw new ProbeInputError('X', 'PCA needs at least 2 rows');
  const { mean, sd } = columnMoments(Xm, center, scale);
  const Xs = Xm.subRowVector(Array.from(mean)).divRowVector(Array.from(sd));
  const pca = new PCA(Xs, { center: false, scale: false });
  const ratio = pca.getExplainedVariance();
  const loadings = pca.getLoadings(); // [all components, dims]
  const components = new Matrix(k, Xm.columns);
  for (let c = 0; c < k; c++) {
    const row = loadings.getRow(c);
    let big = 0;
    for (let j = 1; j < row.length; j++) if (Math.abs(row[j]) > Math.abs(row[big])) big = j;
    const sign = row[big] < 0 ? -1 : 1;
    components.setRow(c, row.map((v) => sign * v));
  }
  return {
    kind: 'pcaProjection',
    coords: Xs.mmul(components.transpose()),
    explainedVarianceRatio: ratio.slice(0, k),
    components,
    mean,
    scale: sd,
  };
}

/** Project new rows onto an existing projection's components (e.g. OOD inputs onto the PCs of ID inputs). */
export function pcaTransform(projection: PcaProjection, X: Features): Matrix {
  const Xm = toMatrix(X);
  if (Xm.columns !== projection.components.columns) {
    throw new ProbeInputError('X', `has ${Xm.columns} columns but the projection was fitted on ${projection.components.columns}`);
  }
  return Xm.subRowVector(Array.from(projection.mean)).divRowVector(Array.from(projection.scale)).mmul(projection.components.transpose());
}

function columnMoments(X: Matrix, center: boolean, scale: boolean): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(X.columns);
  const sd = new Float64Array(X.columns).fill(1);
  for (let j = 0; j < X.columns; j++) {
    const col = X.getColumn(j);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    if (center) mean[j] = m;
    if (scale) {
      const s = Math.sqrt(col.reduce((a, v) => a + (v - m) ** 2, 0) / (col.length - 1));
      sd[j] = s > 0 ? s : 1;
    }
  }
  return { mean, sd };
}
