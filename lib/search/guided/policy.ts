/**
 * The guided search's selection logic, free of training so that it can be tested on synthetic populations.
 *
 * Members are compared *at equal age*: a member's score at step s is turned into its percentile among every score
 * any member of the run had at step s (`ScoreReference`), so a young member is never dropped for being young and an
 * old one is not kept for being old. Three strategies:
 *
 * - `asha` (asynchronous successive halving, Li et al. 2020): decision points ("rungs") at steps b, bη, bη², …;
 *   at a rung a member continues only if it is in the top 1/η of all scores seen at that rung, else it is dropped
 *   and a fresh member (the next seed) takes its slot.
 * - `pbt` (population-based training, Jaderberg et al. 2017, exploit/explore): every `interval` steps after
 *   `warmup`, a member below the `quantile` percentile is replaced by a copy of a member above 1 − `quantile`
 *   (weights, Adam state, step), which continues on a new data order (the digest: data order, not the
 *   initialisation, decides memorise vs compose).
 * - `none`: no selection (brute force on the guided split; the control).
 *
 * Ties and random choices use a seeded generator per decision round, so a run replays exactly.
 */
import { Rng } from '../../util/random';

export const GUIDED_STRATEGIES = ['asha', 'pbt', 'none'] as const;
export type GuidedStrategy = (typeof GUIDED_STRATEGIES)[number];

export interface PolicySettings {
  strategy: GuidedStrategy;
  /** asha: first rung (steps). pbt: no decision before this step. */
  warmup: number;
  /** asha: rung factor η (keep the top 1/η at each rung). */
  eta: number;
  /** pbt: steps between decisions of one member. */
  interval: number;
  /** pbt: bottom fraction replaced, top fraction copied. */
  quantile: number;
}

export const POLICY_DEFAULTS: PolicySettings = { strategy: 'pbt', warmup: 800, eta: 2, interval: 200, quantile: 0.25 };

/** Scores seen at each step, all members of the run together (dropped and finished ones included). */
export class ScoreReference {
  private readonly byStep = new Map<number, number[]>();

  add(step: number, score: number): void {
    const list = this.byStep.get(step) ?? [];
    list.push(Number.isFinite(score) ? score : -Infinity);
    this.byStep.set(step, list);
  }

  count(step: number): number {
    return this.byStep.get(step)?.length ?? 0;
  }

  /** Mid-rank percentile of `score` among the scores at `step` (0.5 when there are none). */
  percentile(step: number, score: number): number {
    const list = this.byStep.get(step);
    if (!list || list.length === 0) return 0.5;
    const s = Number.isFinite(score) ? score : -Infinity;
    let below = 0;
    let equal = 0;
    for (const x of list) {
      if (x < s) below++;
      else if (x === s) equal++;
    }
    return (below + 0.5 * equal) / list.length;
  }

  toJSON(): [number, number[]][] {
    return [...this.byStep].map(([s, l]) => [s, l.map((x) => (Number.isFinite(x) ? x : null)) as number[]]);
  }

  static fromJSON(entries: [number, (number | null)[]][]): ScoreReference {
    const r = new ScoreReference();
    for (const [s, l] of entries) r.byStep.set(s, l.map((x) => (x === null ? -Infinity : x)));
    return r;
  }
}

export interface Candidate {
  id: string;
  /** Steps trained so far. */
  step: number;
  /** Selection score (higher is better); NaN counts as the worst. */
  score: number;
}

export type Action = 'keep' | 'restart' | 'copy';

export interface Decision {
  id: string;
  action: Action;
  /** Percentile at equal age (null when the member was not at a decision point). */
  percentile: number | null;
  /** 'copy': the member whose state replaces this one. */
  parent?: string;
  reason: string;
}

/** The rungs of `asha` up to `maxSteps`: warmup·η^k. */
export function ashaRungs(p: PolicySettings, maxSteps: number): number[] {
  const rungs: number[] = [];
  for (let s = p.warmup; s < maxSteps && rungs.length < 64; s = Math.round(s * p.eta)) rungs.push(s);
  return rungs;
}

/** Is `step` a decision point for a member (members are scored at round ends, so compare with the round). */
export function isDecisionPoint(p: PolicySettings, step: number, maxSteps: number): boolean {
  if (p.strategy === 'none' || step < p.warmup) return false;
  if (p.strategy === 'asha') return ashaRungs(p, maxSteps).includes(step);
  return (step - p.warmup) % p.interval === 0;
}

/**
 * Decides for every candidate. `reference` must already hold this round's scores (the candidates' included).
 * Candidates not at a decision point are kept.
 */
export function decide(candidates: readonly Candidate[], p: PolicySettings, reference: ScoreReference, maxSteps: number, seed: number): Decision[] {
  const rng = new Rng(seed);
  const at = candidates.map((c) => isDecisionPoint(p, c.step, maxSteps));
  const pct = candidates.map((c, i) => (at[i] ? reference.percentile(c.step, c.score) : null));
  if (p.strategy === 'asha') {
    const keepFrom = 1 - 1 / p.eta;
    return candidates.map((c, i) => {
      if (pct[i] === null) return { id: c.id, action: 'keep', percentile: null, reason: 'not at a rung' };
      // Strictly inside the top 1/η: with n scores at the rung, about n/η members pass.
      return pct[i]! >= keepFrom
        ? { id: c.id, action: 'keep', percentile: pct[i], reason: `top ${fmt(1 / p.eta)} at rung ${c.step}` }
        : { id: c.id, action: 'restart', percentile: pct[i], reason: `below the top ${fmt(1 / p.eta)} at rung ${c.step}` };
    });
  }
  if (p.strategy === 'pbt') {
    // Sources: candidates at a decision point in the top quantile, best first (ties by id for determinism).
    const sources = candidates
      .map((c, i) => ({ c, pct: pct[i] }))
      .filter((x) => x.pct !== null && x.pct >= 1 - p.quantile)
      .sort((a, b) => b.pct! - a.pct! || (a.c.id < b.c.id ? -1 : 1));
    return candidates.map((c, i) => {
      if (pct[i] === null) return { id: c.id, action: 'keep', percentile: null, reason: 'not at a decision point' };
      if (pct[i]! >= p.quantile) return { id: c.id, action: 'keep', percentile: pct[i], reason: `above the bottom ${fmt(p.quantile)}` };
      if (sources.length === 0) return { id: c.id, action: 'restart', percentile: pct[i], reason: `bottom ${fmt(p.quantile)}, no member in the top ${fmt(p.quantile)} to copy` };
      const parent = sources[rng.int(sources.length)].c.id;
      return { id: c.id, action: 'copy', percentile: pct[i], parent, reason: `bottom ${fmt(p.quantile)}: copy of ${parent} (top ${fmt(p.quantile)})` };
    });
  }
  return candidates.map((c) => ({ id: c.id, action: 'keep', percentile: null, reason: 'no selection' }));
}

function fmt(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
