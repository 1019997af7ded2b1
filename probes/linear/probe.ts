/**
 * LinearProbe: the sklearn estimator contract for the two probes interpretability work needs.
 *   new LinearProbe({ kind: 'logistic', l2: 1 }).fit(X, y).score(Xtest, ytest)
 * Configuration lives in the constructor and never changes; fit() learns state exposed with sklearn's trailing
 * underscore (`coef_`, `intercept_`, ...), readable only after fit (NotFittedError otherwise).
 */
import { Matrix } from 'ml-matrix';
import { requireBoolean, requireInt, requireNumber, requireOneOf } from '../../lib/util/validate';
import { NotFittedError, ProbeInputError } from './errors';
import { Features, toMatrix } from './features';
import { fitMultinomial } from './logistic';
import { accuracy, r2PerColumn } from './metrics';
import { solveRidge } from './ridge';
import { applyScaling, ColumnScaling, fitScaling } from './standardize';
import { ClassLabels, encodeClasses, RegressionTargets, toClassLabels, toTargetMatrix } from './targets';

export type ProbeKind = 'logistic' | 'ridge';

export interface LinearProbeOptions<K extends ProbeKind = ProbeKind> {
  /** 'logistic': multinomial classifier, score = accuracy. 'ridge': (multi-output) regression, score = R². */
  kind: K;
  /** L2 penalty strength; the intercept is never penalised. ridge: sklearn Ridge(alpha = l2); logistic: LogisticRegression(C = 1 / l2). Default 1. */
  l2?: number;
  /** Standardise features (training-set mean and population sd) before fitting; coefficients are reported in raw feature space. Default true. */
  standardize?: boolean;
  /** logistic only: L-BFGS iteration cap. Default 1000. */
  maxIter?: number;
  /** logistic only: converged when max |gradient of the per-row objective| ≤ tol. Default 1e-6. */
  tol?: number;
}

/** What the probe takes as y: class labels for logistic, real targets for ridge. */
export type ProbeTargets<K extends ProbeKind> = K extends 'logistic' ? ClassLabels : K extends 'ridge' ? RegressionTargets : ClassLabels | RegressionTargets;
/** What predict returns: class labels (from classes_) for logistic, one value per row for single-target ridge. */
export type ProbePrediction<K extends ProbeKind> = K extends 'logistic' ? Int32Array : K extends 'ridge' ? Float64Array : Int32Array | Float64Array;

interface Fitted {
  coef: Matrix;
  intercept: Float64Array;
  classes?: Int32Array;
  nIter: number;
  converged: boolean;
  vectorTarget: boolean;
  scaling: ColumnScaling;
}

export class LinearProbe<K extends ProbeKind = ProbeKind> {
  readonly kind: K;
  readonly l2: number;
  readonly standardize: boolean;
  readonly maxIter: number;
  readonly tol: number;
  private fitted?: Fitted;

  constructor(options: LinearProbeOptions<K>) {
    this.kind = requireOneOf(options?.kind, 'probe.kind', ['logistic', 'ridge'] as const) as K;
    this.l2 = requireNumber(options.l2 ?? 1, 'probe.l2', 0);
    this.standardize = requireBoolean(options.standardize ?? true, 'probe.standardize');
    this.maxIter = requireInt(options.maxIter ?? 1000, 'probe.maxIter', 1);
    this.tol = requireNumber(options.tol ?? 1e-6, 'probe.tol', 0);
  }

  /** The constructor options, so that an unfitted copy can be made (sklearn get_params / clone). */
  getParams(): Required<LinearProbeOptions<K>> {
    return { kind: this.kind, l2: this.l2, standardize: this.standardize, maxIter: this.maxIter, tol: this.tol };
  }

  fit(X: Features, y: ProbeTargets<K>): this {
    const Xm = toMatrix(X);
    const scaling = fitScaling(Xm, true, this.standardize);
    const Xs = applyScaling(Xm, scaling);
    this.fitted = this.kind === 'ridge' ? this.fitRidge(Xs, y as RegressionTargets, scaling) : this.fitLogistic(Xs, y as ClassLabels, scaling);
    return this;
  }

  /** Learned: weights [outputs, dims] in raw feature space (outputs = classes for logistic, targets for ridge). */
  get coef_(): Matrix {
    return this.state().coef;
  }
  /** Learned: one intercept per output. */
  get intercept_(): Float64Array {
    return this.state().intercept;
  }
  /** Learned (logistic): the sorted distinct training labels; row k of coef_ belongs to classes_[k]. */
  get classes_(): Int32Array {
    const c = this.state().classes;
    if (!c) throw new ProbeInputError('classes_', 'only a logistic probe has classes');
    return c;
  }
  /** Learned: solver iterations (0 for ridge's closed form). */
  get nIter_(): number {
    return this.state().nIter;
  }
  /** Learned: whether the solver met `tol` within `maxIter` (always true for ridge's closed form). */
  get converged_(): boolean {
    return this.state().converged;
  }
  /** Learned: number of feature columns seen in fit. */
  get nFeaturesIn_(): number {
    return this.state().coef.columns;
  }

  /** Raw scores [rows, outputs]: X·coef_ᵀ + intercept_ (logits for logistic, predictions for ridge). */
  decisionFunction(X: Features): Matrix {
    const s = this.state();
    const Xm = toMatrix(X);
    if (Xm.columns !== s.coef.columns) throw new ProbeInputError('X', `has ${Xm.columns} columns but the probe was fitted on ${s.coef.columns}`);
    return Xm.mmul(s.coef.transpose()).addRowVector(Array.from(s.intercept));
  }

  predict(X: Features): ProbePrediction<K> {
    const s = this.state();
    const scores = this.decisionFunction(X);
    if (this.kind === 'ridge') {
      if (!s.vectorTarget && scores.columns !== 1) {
        throw new ProbeInputError('predict', `this ridge probe has ${scores.columns} targets: use decisionFunction(X) for the [rows, targets] matrix`);
      }
      return Float64Array.from(scores.getColumn(0)) as ProbePrediction<K>;
    }
    const classes = s.classes as Int32Array;
    const out = new Int32Array(scores.rows);
    for (let i = 0; i < scores.rows; i++) out[i] = classes[argmax(scores.getRow(i))];
    return out as ProbePrediction<K>;
  }

  /** Class probabilities [rows, classes], columns in the order of classes_. */
  predictProba(X: Features): Matrix {
    if (this.kind !== 'logistic') throw new ProbeInputError('predictProba', 'only a logistic probe predicts probabilities');
    const scores = this.decisionFunction(X);
    for (let i = 0; i < scores.rows; i++) {
      const row = scores.getRow(i);
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      scores.setRow(i, e.map((v) => v / sum));
    }
    return scores;
  }

  /** Accuracy (logistic) or R² averaged uniformly over targets (ridge), as sklearn's score(). */
  score(X: Features, y: ProbeTargets<K>): number {
    if (this.kind === 'logistic') {
      const pred = this.predict(X) as Int32Array;
      return accuracy(toClassLabels(y as ClassLabels, pred.length), pred);
    }
    const scores = this.decisionFunction(X);
    const { Y } = toTargetMatrix(y as RegressionTargets, scores.rows);
    if (Y.columns !== scores.columns) throw new ProbeInputError('y', `has ${Y.columns} target columns, the probe was fitted on ${scores.columns}`);
    const perColumn = r2PerColumn(Y, scores);
    return perColumn.reduce((a, b) => a + b, 0) / perColumn.length;
  }

  private state(): Fitted {
    if (!this.fitted) throw new NotFittedError(`LinearProbe(${this.kind})`);
    return this.fitted;
  }

  private fitRidge(Xs: Matrix, y: RegressionTargets, scaling: ColumnScaling): Fitted {
    const { Y, vector } = toTargetMatrix(y, Xs.rows);
    const yMean = Y.mean('column');
    const W = solveRidge(Xs, Y.clone().subRowVector(yMean), this.l2);
    const { coef, intercept } = toRawSpace(W.transpose(), Float64Array.from(yMean), scaling);
    return { coef, intercept, nIter: 0, converged: true, vectorTarget: vector, scaling };
  }

  private fitLogistic(Xs: Matrix, y: ClassLabels, scaling: ColumnScaling): Fitted {
    const labels = toClassLabels(y, Xs.rows);
    const { classes, index } = encodeClasses(labels);
    if (classes.length < 2) throw new ProbeInputError('y', `a classifier needs at least 2 classes, got only label ${classes[0]}`);
    const fit = fitMultinomial(
      { X: Float64Array.from(Xs.to1DArray()), rows: Xs.rows, dims: Xs.columns, y: index, classes: classes.length, l2: this.l2 },
      { maxIter: this.maxIter, tol: this.tol },
    );
    const { coef, intercept } = toRawSpace(Matrix.from1DArray(classes.length, Xs.columns, fit.W), fit.b, scaling);
    return { coef, intercept, classes, nIter: fit.nIter, converged: fit.converged, vectorTarget: true, scaling };
  }
}

/** Fold standardisation into the weights: w·(x − μ)/σ + b = (w/σ)·x + (b − Σ w μ/σ). */
function toRawSpace(coefStd: Matrix, interceptStd: Float64Array, s: ColumnScaling): { coef: Matrix; intercept: Float64Array } {
  const coef = new Matrix(coefStd.rows, coefStd.columns);
  const intercept = Float64Array.from(interceptStd);
  for (let k = 0; k < coef.rows; k++) {
    for (let j = 0; j < coef.columns; j++) {
      const w = coefStd.get(k, j) / s.scale[j];
      coef.set(k, j, w);
      intercept[k] -= w * s.mean[j];
    }
  }
  return { coef, intercept };
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
