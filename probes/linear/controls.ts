/**
 * Control tasks and selectivity (Hewitt & Liang 2019, "Designing and Interpreting Probes with Control Tasks").
 * A control task gives every *type* (the input word, the composition, the token identity: whatever a probe could
 * memorise) a random but fixed label. A probe that scores as well on it as on the real labels is showing that it
 * can memorise types, not that the representation encodes the property: selectivity = accuracy − control.
 */
import { Matrix } from 'ml-matrix';
import { Rng } from '../../lib/util/random';
import { requireNumber } from '../../lib/util/validate';
import { makeSplits, scoreOnSplits } from './cross-validate';
import { NotFittedError, ProbeInputError } from './errors';
import { Features, toMatrix } from './features';
import { MajorityClassifier } from './majority';
import { meanSd } from '../../lib/util/stats';
import { LinearProbe, LinearProbeOptions } from './probe';
import { GroupKey, groupIndex, Splitter } from './splitters';
import { ClassLabels, toClassLabels } from './targets';

/**
 * Random but consistent relabelling: every distinct type gets one label drawn from the empirical distribution of
 * y over rows, so the control has the same label set and roughly the same label frequencies as the task.
 * Types are visited in sorted order, so the result depends on the seed and the set of types, not on row order.
 */
export function controlTask(y: ClassLabels, types: readonly GroupKey[], seed: number): Int32Array {
  const labels = toClassLabels(y, y.length);
  if (types.length !== labels.length) throw new ProbeInputError('types', `has ${types.length} keys but y has ${labels.length} labels`);
  if (labels.length === 0) throw new ProbeInputError('y', 'is empty');
  const rng = new Rng(requireNumber(seed, 'controlTask.seed'));
  const { keys, index } = groupIndex(types);
  // Draw from the sorted labels, not the rows, so that reordering the rows cannot change the control task.
  const pool = Int32Array.from(labels).sort();
  const labelOfType = Int32Array.from(keys, () => pool[rng.int(pool.length)]);
  return index.map((t) => labelOfType[t]);
}

export interface ProbeWithControlsOptions {
  /** One type key per row: what a memorising probe could key on. Required. */
  types: readonly GroupKey[];
  /** One group key per row; with groups and no cv, folds are GroupKFold({k: 5}). */
  groups?: readonly GroupKey[];
  /** Default as in crossValidate. Probe, control and majority baseline are scored on the same folds. */
  cv?: Splitter;
  /** Logistic-probe options (kind is always 'logistic'). */
  probe?: Omit<LinearProbeOptions<'logistic'>, 'kind'>;
  /** Seed of the control task's relabelling. Default 0. */
  seed?: number;
}

export interface FoldScores {
  mean: number;
  /** Sample standard deviation over folds. */
  sd: number;
  scores: number[];
}

export interface ControlResult {
  kind: 'probeWithControls';
  /** Cross-validated accuracy of the probe on the real labels. */
  accuracy: FoldScores;
  /** Cross-validated accuracy of the same probe on the control task. */
  control: FoldScores;
  /** accuracy.mean − control.mean: how much of the accuracy the memorisation of types cannot explain. */
  selectivity: number;
  /** Cross-validated accuracy of always predicting the training folds' majority class. */
  majorityBaseline: number;
  nSplits: number;
  /** False if any logistic fit (task or control) hit maxIter before tol. */
  converged: boolean;
}

export function probeWithControls(X: Features, y: ClassLabels, options: ProbeWithControlsOptions): ControlResult {
  const Xm = toMatrix(X);
  const labels = toClassLabels(y, Xm.rows);
  if (!options?.types) throw new ProbeInputError('types', 'probeWithControls needs one type key per row for the control task');
  if (options.types.length !== Xm.rows) throw new ProbeInputError('types', `has ${options.types.length} keys but X has ${Xm.rows} rows`);
  const control = controlTask(labels, options.types, options.seed ?? 0);
  const splits = makeSplits(Xm.rows, options);
  const factory = () => new FoldClassifier(options.probe ?? {});
  const real = scoreOnSplits(factory, Xm, labels, splits);
  const ctrl = scoreOnSplits(factory, Xm, control, splits);
  const majority = scoreOnSplits(() => new MajorityClassifier(), Xm, labels, splits);
  const summary = (scores: number[]) => {
    const { mean, sd } = meanSd(scores);
    return { mean, sd, scores };
  };
  const accuracy = summary(real.scores);
  const controlScores = summary(ctrl.scores);
  return {
    kind: 'probeWithControls',
    accuracy,
    control: controlScores,
    selectivity: accuracy.mean - controlScores.mean,
    majorityBaseline: meanSd(majority.scores).mean,
    nSplits: splits.length,
    converged: real.converged && ctrl.converged,
  };
}

/** A logistic probe that falls back to the majority class when a training fold holds a single class. */
class FoldClassifier {
  private model?: LinearProbe<'logistic'> | MajorityClassifier;
  converged_?: boolean;

  constructor(private readonly options: Omit<LinearProbeOptions<'logistic'>, 'kind'>) {}

  fit(X: Matrix, y: ClassLabels): this {
    if (new Set(y).size < 2) {
      this.model = new MajorityClassifier().fit(X, y);
      return this;
    }
    const probe = new LinearProbe({ ...this.options, kind: 'logistic' }).fit(X, y);
    this.converged_ = probe.converged_;
    this.model = probe;
    return this;
  }

  score(X: Matrix, y: ClassLabels): number {
    if (!this.model) throw new NotFittedError('probe');
    return this.model.score(X, y);
  }
}
