/**
 * Scoring a model under ablation modes. A Scorer maps a params override to an accuracy; the helpers build scorers
 * for the two model kinds, and `evaluateModes` runs every (mode × set) pair with one override per mode.
 */
import { AnyModel, Params, SequenceModel, VectorModel } from '../../lib/models/types';
import { oddOneOutAccuracy } from '../../lib/tasks/subroutines';
import { EncodedExample } from '../../lib/tasks/types';
import { evaluateExamples } from '../../lib/train/evaluate';
import { LabelledVectors, predictVectors } from '../../lib/train/vector';
import { ComplensError } from '../../lib/util/errors';
import { BinaryMask } from './binary-mask';
import { AblationMode, MaskedParamsOptions, withMaskedParams } from './modes';

/** Accuracy (in [0, 1]) of the model under a params override ({} = the model's own weights). */
export type Scorer = (params: Params) => number;

/** Fraction of rows whose highest output is the label (classifiers; the odd-one-out head's 4-way choice). */
export function vectorScorer(model: VectorModel, data: LabelledVectors): Scorer {
  const labels = data.labels;
  if (!labels) throw new ComplensError('vectorScorer: the data have no labels');
  return (params) => argmaxAccuracy(predictVectors(model, data.batch, { params }), labels, model.outputSize);
}

/** Exact match of greedy answers (every answer token right), as `evaluateExamples`. */
export function sequenceScorer(model: SequenceModel, examples: readonly EncodedExample[]): Scorer {
  return (params) => (examples.length ? evaluateExamples(model, examples, { params }).exactMatch : NaN);
}

/** Fraction of rows whose highest of `width` outputs is at the label: the subroutine task's own accuracy rule. */
export function argmaxAccuracy(outputs: ArrayLike<number>, labels: ArrayLike<number>, width: number): number {
  return oddOneOutAccuracy(outputs, labels, width);
}

export interface ModeAccuracy {
  mode: AblationMode;
  set: string;
  accuracy: number;
}

/** Accuracy of every mode on every named set; one override per mode, disposed after use. */
export function evaluateModes(
  model: AnyModel,
  mask: BinaryMask,
  modes: readonly AblationMode[],
  scorers: Readonly<Record<string, Scorer>>,
  options: MaskedParamsOptions = {},
): ModeAccuracy[] {
  const out: ModeAccuracy[] = [];
  for (const mode of modes) {
    withMaskedParams(
      model,
      mask,
      mode,
      (params) => {
        for (const [set, score] of Object.entries(scorers)) out.push({ mode, set, accuracy: score(params) });
      },
      options,
    );
  }
  return out;
}

/** Looks up one accuracy in `evaluateModes` output (NaN when absent). */
export function accuracyOf(rows: readonly ModeAccuracy[], mode: AblationMode, set: string): number {
  return rows.find((r) => r.mode === mode && r.set === set)?.accuracy ?? NaN;
}

export { meanSd } from '../../lib/util/stats';
