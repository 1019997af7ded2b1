/** Pieces every workload's verdict shares: a probe at chosen positions with a control task, and the score. */
import { SequenceModel } from '../../lib/models/types';
import { EncodedExample } from '../../lib/tasks/types';
import { collectHookVectors } from '../automata/model-traces';
import { denseRows, GroupKFold, probeWithControls } from '../linear';
import { DEFAULT_THRESHOLDS, EvidenceRow, labelFor, VerdictLabel } from './types';

export interface PositionProbeSpec {
  /** Input positions to read, per example. */
  positions: (e: EncodedExample) => number[];
  /** The class at a position. */
  label: (e: EncodedExample, t: number) => number;
  /** The control task's type key at a position (Hewitt & Liang: a random label per type). */
  type: (e: EncodedExample, t: number) => string;
}

export interface PositionProbeResult {
  accuracy: number;
  selectivity: number;
  majority: number;
}

/** Logistic probe from the model's state hook, GroupKFold (k = 5) by `example.group`, with its control task. */
export function positionProbe(model: SequenceModel, examples: readonly EncodedExample[], spec: PositionProbeSpec, seed: number): PositionProbeResult {
  const positions = examples.map(spec.positions);
  const vectors = collectHookVectors(model, examples, model.stateHook, positions);
  const y: number[] = [];
  const types: string[] = [];
  const groups: string[] = [];
  const rows: Float32Array[] = [];
  examples.forEach((e, i) =>
    positions[i].forEach((t, j) => {
      rows.push(vectors[i][j]);
      y.push(spec.label(e, t));
      types.push(spec.type(e, t));
      groups.push(e.group);
    }),
  );
  const dim = rows[0].length;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((v, i) => data.set(v, i * dim));
  const result = probeWithControls(denseRows(data, dim), y, { types, groups, cv: new GroupKFold({ k: 5 }), seed });
  return { accuracy: result.accuracy.mean, selectivity: result.selectivity, majority: result.majorityBaseline };
}

/** The verdict's score: the mean of the normalised internal rows, and its label. */
export function scoreEvidence(evidence: readonly EvidenceRow[], thresholds = DEFAULT_THRESHOLDS): { score: number; label: VerdictLabel } {
  const internal = evidence.filter((e) => e.internal && e.normalized !== undefined);
  const score = internal.reduce((s, e) => s + (e.normalized as number), 0) / internal.length;
  return { score, label: labelFor(score, thresholds) };
}

/** The part of every workload's verdict that comes from its evidence rows: score, label, thresholds and the rows. */
export function scoredVerdict(evidence: EvidenceRow[], thresholds = DEFAULT_THRESHOLDS) {
  return { ...scoreEvidence(evidence, thresholds), thresholds, evidence };
}

export function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
