/**
 * Validating the verdict on a population: does the internal-evidence score, computed without the test
 * compositions, predict which models generalize zero-shot? Pure functions over per-model rows.
 */
import { VerdictLabel } from './types';

export interface ValidationRow {
  initSeed: number;
  dataSeed: number;
  /** Weight of auxiliary state supervision the model was trained with (0 = none: a haystack model). */
  auxWeight?: number;
  zeroShot: number;
  score: number;
  label: VerdictLabel;
  evidence: Record<string, number>;
}

/** 1-based ranks with ties sharing their mid-rank (what AUROC and Spearman need). */
export function midRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * Area under the ROC curve of `scores` for the binary `positives` (Mann–Whitney U with mid-ranks for ties):
 * the probability that a random positive scores above a random negative. NaN without both classes.
 */
export function auroc(scores: readonly number[], positives: readonly boolean[]): number {
  const ranks = midRanks(scores);
  const nPos = positives.filter(Boolean).length;
  const nNeg = scores.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  const rankSum = positives.reduce((s, p, i) => (p ? s + ranks[i] : s), 0);
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Spearman rank correlation (Pearson on mid-ranks). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const rx = midRanks(x);
  const ry = midRanks(y);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : NaN;
}

export interface ValidationSummary {
  models: number;
  threshold: number;
  positives: number;
  auroc: number;
  spearman: number;
  /** Rows: verdict label; columns: generalizes (zero-shot > threshold) or not. */
  confusion: Record<VerdictLabel, { generalizes: number; doesNot: number }>;
  /** AUROC of each internal evidence row alone. */
  perEvidence: Record<string, number>;
  /** AUROC at other thresholds, for populations with few models above the main one. */
  atThresholds: { threshold: number; positives: number; auroc: number }[];
}

export function summarizeValidation(rows: readonly ValidationRow[], threshold = 0.8, extraThresholds = [0.3, 0.4, 0.5]): ValidationSummary {
  const positives = rows.map((r) => r.zeroShot > threshold);
  const confusion: ValidationSummary['confusion'] = {
    compositional: { generalizes: 0, doesNot: 0 },
    'partially compositional': { generalizes: 0, doesNot: 0 },
    memorizing: { generalizes: 0, doesNot: 0 },
  };
  rows.forEach((r, i) => confusion[r.label][positives[i] ? 'generalizes' : 'doesNot']++);
  const evidenceIds = [...new Set(rows.flatMap((r) => Object.keys(r.evidence)))];
  return {
    models: rows.length,
    threshold,
    positives: positives.filter(Boolean).length,
    auroc: auroc(rows.map((r) => r.score), positives),
    spearman: spearman(rows.map((r) => r.score), rows.map((r) => r.zeroShot)),
    confusion,
    perEvidence: Object.fromEntries(evidenceIds.map((id) => [id, auroc(rows.map((r) => r.evidence[id] ?? NaN), positives)])),
    atThresholds: extraThresholds.map((t) => {
      const p = rows.map((r) => r.zeroShot > t);
      return { threshold: t, positives: p.filter(Boolean).length, auroc: auroc(rows.map((r) => r.score), p) };
    }),
  };
}
