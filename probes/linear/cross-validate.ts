/** crossValidate: fit a fresh probe per fold and score it on the held-out rows. */
import { Matrix } from 'ml-matrix';
import { ProbeInputError } from './errors';
import { Features, toMatrix } from './features';
import { meanSd } from '../../lib/util/stats';
import { GroupKey, GroupKFold, KFold, Split, Splitter } from './splitters';
import { ClassLabels, RegressionTargets } from './targets';

/** Anything with sklearn's fit/score contract; `converged_`, when present, is collected into the result. */
export interface Estimator<Y> {
  fit(X: Features, y: Y): unknown;
  score(X: Features, y: Y): number;
  readonly converged_?: boolean;
}

export interface CrossValidateOptions {
  /** Default: GroupKFold({k: 5}) when groups are given, else KFold({k: 5, shuffle: true, seed: 0}). */
  cv?: Splitter;
  /** One key per row; required by GroupKFold. */
  groups?: readonly GroupKey[];
}

export interface CrossValidationResult {
  kind: 'crossValidation';
  /** The estimator's score() on each test fold, in fold order. */
  scores: number[];
  mean: number;
  /** Sample standard deviation over folds (n − 1). */
  sd: number;
  nSplits: number;
  /** False if any fold's estimator reported converged_ === false. */
  converged: boolean;
}

export function crossValidate<Y extends ClassLabels | RegressionTargets>(
  probeFactory: () => Estimator<Y>,
  X: Features,
  y: Y,
  options: CrossValidateOptions = {},
): CrossValidationResult {
  const Xm = toMatrix(X);
  const yRows = y instanceof Matrix ? y.rows : y.length;
  if (yRows !== Xm.rows) throw new ProbeInputError('y', `has ${yRows} rows but X has ${Xm.rows}`);
  const splits = makeSplits(Xm.rows, options);
  const { scores, converged } = scoreOnSplits(probeFactory, Xm, y, splits);
  const { mean, sd } = meanSd(scores);
  return { kind: 'crossValidation', scores, mean, sd, nSplits: splits.length, converged };
}

/** Fit a fresh estimator on each split's train rows and score it on its test rows. */
export function scoreOnSplits<Y extends ClassLabels | RegressionTargets>(
  probeFactory: () => Estimator<Y>,
  X: Matrix,
  y: Y,
  splits: readonly Split[],
): { scores: number[]; converged: boolean } {
  let converged = true;
  const scores = splits.map(({ train, test }) => {
    const probe = probeFactory();
    probe.fit(X.subMatrixRow(train), takeRows(y, train));
    if (probe.converged_ === false) converged = false;
    return probe.score(X.subMatrixRow(test), takeRows(y, test));
  });
  return { scores, converged };
}

/** The folds crossValidate would use, so that several analyses can share them. */
export function makeSplits(rows: number, options: CrossValidateOptions): Split[] {
  const cv = options.cv ?? (options.groups ? new GroupKFold({ k: 5 }) : new KFold({ k: 5, shuffle: true, seed: 0 }));
  if (options.groups && options.groups.length !== rows) {
    throw new ProbeInputError('groups', `has ${options.groups.length} keys but X has ${rows} rows`);
  }
  const splits = cv.split(rows, options.groups);
  for (const s of splits) {
    if (s.train.length === 0 || s.test.length === 0) throw new ProbeInputError('cv', 'a fold has an empty train or test set');
  }
  return splits;
}

/** The rows `idx` of any target format, in the same format. */
export function takeRows<Y extends ClassLabels | RegressionTargets>(y: Y, idx: Int32Array): Y {
  if (y instanceof Matrix) return y.subMatrixRow(idx) as Y;
  if (y instanceof Int32Array) return Int32Array.from(idx, (i) => y[i]) as Y;
  if (y instanceof Float64Array) return Float64Array.from(idx, (i) => y[i]) as Y;
  if (y instanceof Float32Array) return Float32Array.from(idx, (i) => y[i]) as Y;
  const arr = y as readonly unknown[];
  return Array.from(idx, (i) => arr[i]) as unknown as Y;
}
