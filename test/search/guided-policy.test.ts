/**
 * The guided search's selection logic on synthetic populations with known outcomes: no training, each member has a
 * latent quality q (its "final zero-shot") and a noisy score at each step; the simulator applies the decisions
 * exactly as the engine does (keep, restart with the next member, copy a parent's state).
 */
import { ashaRungs, decide, isDecisionPoint, PolicySettings, POLICY_DEFAULTS, ScoreReference } from '../../lib/search/guided/policy';
import { Rng } from '../../lib/util/random';

interface SimMember {
  id: string;
  q: number;
  step: number;
  root: string;
}

/** Runs the policy on a stream of members with qualities `qs` (used in order), scores q + N(0, noise). */
function simulate(p: PolicySettings, qs: number[], opts: { population: number; roundSteps: number; maxSteps: number; noise: number; seed: number }) {
  const rng = new Rng(opts.seed);
  const reference = new ScoreReference();
  let next = 0;
  let ids = 0;
  const fresh = (): SimMember | undefined => (next < qs.length ? { id: `m${ids}`, q: qs[next++], step: 0, root: `m${ids++}` } : undefined);
  let members: SimMember[] = [];
  const finished: SimMember[] = [];
  const log: { round: number; id: string; step: number; action: string }[] = [];
  let modelSteps = 0;
  for (let round = 1; round < 10000; round++) {
    while (members.length < opts.population) {
      const m = fresh();
      if (!m) break;
      members.push(m);
    }
    if (members.length === 0) break;
    const running: SimMember[] = [];
    for (const m of members) {
      m.step += opts.roundSteps;
      modelSteps += opts.roundSteps;
      if (m.step >= opts.maxSteps) finished.push(m);
      else running.push(m);
    }
    const candidates = running.map((m) => ({ id: m.id, step: m.step, score: m.q + opts.noise * rng.normal() }));
    candidates.forEach((c) => reference.add(c.step, c.score));
    const decisions = decide(candidates, p, reference, opts.maxSteps, round);
    const byId = new Map(running.map((m) => [m.id, m]));
    const nextMembers: SimMember[] = [];
    decisions.forEach((d, i) => {
      log.push({ round, id: d.id, step: running[i].step, action: d.action });
      if (d.action === 'keep') nextMembers.push(running[i]);
      else if (d.action === 'copy') {
        const parent = byId.get(d.parent!)!;
        nextMembers.push({ id: `m${ids++}`, q: parent.q, step: parent.step, root: parent.root });
      } else {
        const m = fresh();
        if (m) nextMembers.push(m);
      }
    });
    members = nextMembers;
  }
  return { finished, log, modelSteps };
}

const qualities = (n: number, seed: number) => {
  const rng = new Rng(seed);
  // 5% needles (q = 0.9), the rest memorizers around 0.25.
  return Array.from({ length: n }, () => (rng.next() < 0.05 ? 0.9 : 0.15 + 0.2 * rng.next()));
};

test('the score reference ranks at equal age, mid-rank for ties, NaN as the worst', () => {
  const r = new ScoreReference();
  [0.1, 0.2, 0.2, 0.4].forEach((s) => r.add(100, s));
  r.add(200, 0.9);
  r.add(100, NaN);
  expect(r.percentile(100, 0.2)).toBeCloseTo((2 + 1) / 5);
  expect(r.percentile(100, 0.5)).toBe(1);
  expect(r.percentile(100, NaN)).toBeCloseTo(0.5 / 5);
  expect(r.percentile(200, 0.1)).toBe(0);
  expect(r.percentile(300, 0.1)).toBe(0.5);
  expect(ScoreReference.fromJSON(JSON.parse(JSON.stringify(r.toJSON()))).percentile(100, NaN)).toBeCloseTo(0.1);
});

test('decision points: asha rungs at warmup·η^k, pbt every interval after warmup, none never', () => {
  const asha: PolicySettings = { ...POLICY_DEFAULTS, strategy: 'asha', warmup: 200, eta: 2 };
  expect(ashaRungs(asha, 6000)).toEqual([200, 400, 800, 1600, 3200]);
  expect([100, 200, 300, 400, 800, 6000].map((s) => isDecisionPoint(asha, s, 6000))).toEqual([false, true, false, true, true, false]);
  const pbt: PolicySettings = { ...POLICY_DEFAULTS, strategy: 'pbt', warmup: 300, interval: 200 };
  expect([100, 300, 400, 500, 700].map((s) => isDecisionPoint(pbt, s, 6000))).toEqual([false, true, false, true, true]);
  expect(isDecisionPoint({ ...pbt, strategy: 'none' }, 300, 6000)).toBe(false);
});

test('asha keeps the top 1/η at a rung and restarts the rest; members off a rung are kept', () => {
  const p: PolicySettings = { ...POLICY_DEFAULTS, strategy: 'asha', warmup: 200, eta: 2 };
  const r = new ScoreReference();
  const cands = [0.1, 0.5, 0.3, 0.9].map((score, i) => ({ id: `m${i}`, step: 200, score }));
  cands.forEach((c) => r.add(c.step, c.score));
  const young = { id: 'y', step: 100, score: 0 };
  const d = decide([...cands, young], p, r, 6000, 1);
  expect(d.map((x) => x.action)).toEqual(['restart', 'keep', 'restart', 'keep', 'keep']);
  expect(d[4].percentile).toBeNull();
  expect(d[0].percentile).toBeCloseTo(0.125);
});

test('pbt replaces the bottom quantile by copies of the top quantile, deterministically per seed', () => {
  const p: PolicySettings = { ...POLICY_DEFAULTS, strategy: 'pbt', warmup: 200, interval: 200, quantile: 0.25 };
  const r = new ScoreReference();
  const cands = Array.from({ length: 8 }, (_, i) => ({ id: `m${i}`, step: 200, score: i / 10 }));
  cands.forEach((c) => r.add(c.step, c.score));
  const d = decide(cands, p, r, 6000, 7);
  expect(d.map((x) => x.action)).toEqual(['copy', 'copy', 'keep', 'keep', 'keep', 'keep', 'keep', 'keep']);
  for (const x of d.slice(0, 2)) expect(['m6', 'm7']).toContain(x.parent);
  expect(decide(cands, p, r, 6000, 7)).toEqual(d);
  const parents = new Set(Array.from({ length: 20 }, (_, s) => decide(cands, p, r, 6000, s)[0].parent));
  expect(parents).toEqual(new Set(['m6', 'm7']));
});

test('on a synthetic haystack with 5% needles, asha and pbt finish more needles per model-step than no selection', () => {
  const qs = qualities(600, 3);
  const opts = { population: 32, roundSteps: 100, maxSteps: 1600, noise: 0.1, seed: 11 };
  const rate = (r: ReturnType<typeof simulate>) => r.finished.filter((m) => m.q > 0.8).length / r.modelSteps;
  const none = simulate({ ...POLICY_DEFAULTS, strategy: 'none' }, qs, opts);
  const asha = simulate({ ...POLICY_DEFAULTS, strategy: 'asha', warmup: 200, eta: 2 }, qs, opts);
  const pbt = simulate({ ...POLICY_DEFAULTS, strategy: 'pbt', warmup: 200, interval: 200, quantile: 0.25 }, qs.slice(0, 60), opts);
  // Brute force finishes every member; its needle share is the base rate.
  expect(none.finished.length).toBe(600);
  expect(none.log.every((l) => l.action === 'keep')).toBe(true);
  expect(rate(asha)).toBeGreaterThan(3 * rate(none));
  // asha never drops a member before its first rung; it finishes nearly every needle, and memorizers pass each of
  // its 3 rungs (200, 400, 800) with probability 1/η = 1/2.
  expect(asha.log.filter((l) => l.action !== 'keep').every((l) => ashaRungs({ ...POLICY_DEFAULTS, warmup: 200, eta: 2 }, 1600).includes(l.step))).toBe(true);
  const needles = qs.filter((q) => q > 0.8).length;
  expect(asha.finished.filter((m) => m.q > 0.8).length).toBeGreaterThanOrEqual(needles - 2);
  expect(asha.finished.filter((m) => m.q > 0.8).length / asha.finished.length).toBeGreaterThan(4 * (needles / qs.length));
  // pbt, from only 60 fresh members: copies of needles spread through the population.
  expect(pbt.finished.filter((m) => m.q > 0.8).length / pbt.finished.length).toBeGreaterThan(0.5);
  expect(rate(pbt)).toBeGreaterThan(3 * rate(none));
});

test('with an uninformative score, selection does not beat brute force by much (no free lunch)', () => {
  const qs = qualities(600, 5);
  const opts = { population: 32, roundSteps: 100, maxSteps: 1600, noise: 10, seed: 2 };
  const share = (r: ReturnType<typeof simulate>) => r.finished.filter((m) => m.q > 0.8).length / r.finished.length;
  const none = simulate({ ...POLICY_DEFAULTS, strategy: 'none' }, qs, opts);
  const asha = simulate({ ...POLICY_DEFAULTS, strategy: 'asha', warmup: 200, eta: 2 }, qs, opts);
  expect(Math.abs(share(asha) - share(none))).toBeLessThan(0.06);
});
