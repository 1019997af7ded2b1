import { lookupTaskFromSample, randomWellformedAccuracy, randomOutputAccuracy } from '../../lib/tasks/lookup';
import { createSequenceTask } from '../../lib/tasks/registry';
import { RandomTaskCodesTask, chanceBaselines } from '../../lib/search/baselines';
import { mightKeep, Retention } from '../../lib/search/retention';
import { SearchRow, rowKey } from '../../lib/search/types';
import { Rng } from '../../lib/util/random';

function row(seed: number, zeroShot: number, fit = true, regime: SearchRow['regime'] = 'atomic+composed'): SearchRow {
  return {
    v: 1,
    key: rowKey(seed, seed, regime),
    variant: 'haystack',
    initSeed: seed,
    dataSeed: seed,
    regime,
    zeroShot,
    splits: { heldout_compositions: { em: zeroShot, tok: zeroShot, n: 64 } },
    train: { steps: 1, stoppedBecause: fit ? 'accuracy' : 'maxSteps', trainExactMatch: fit ? 1 : 0.5, wallSeconds: 0, evalSeconds: 0, curve: null },
    trainer: 'reference',
    worker: 'w',
    finishedAt: '',
    numTensors: 0,
  };
}

describe('checkpoint retention', () => {
  const settings = { best: 3, worst: 2, random: 4, sampleSeed: 7 };
  const rng = new Rng(1);
  const rows = Array.from({ length: 200 }, (_, i) => row(i, Math.floor(rng.next() * 65) / 64, rng.next() < 0.7));

  test('the kept set does not depend on arrival order, and best/worst are right', () => {
    const kept = (order: SearchRow[]) => {
      const r = new Retention(settings);
      for (const x of order) r.add(x);
      return r.ranked();
    };
    const a = kept(rows);
    for (let trial = 0; trial < 5; trial++) expect(kept(new Rng(trial + 10).shuffleInPlace(rows.slice()))).toEqual(a);
    const lists = a['atomic+composed'];
    expect(lists.best).toHaveLength(3);
    expect(lists.worst).toHaveLength(2);
    expect(lists.random).toHaveLength(4);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const maxZs = Math.max(...rows.map((r) => r.zeroShot));
    expect(byKey.get(lists.best[0])!.zeroShot).toBe(maxZs);
    const fitLowest = rows.filter((r) => r.train.stoppedBecause === 'accuracy').map((r) => r.zeroShot).sort((x, y) => x - y).slice(0, 2);
    for (const k of lists.worst) expect(byKey.get(k)!.train.stoppedBecause).toBe('accuracy');
    expect(lists.worst.map((k) => byKey.get(k)!.zeroShot)).toEqual(fitLowest);
  });

  test('add reports evictions; mightKeep with a snapshot never rejects a row the coordinator would keep', () => {
    const r = new Retention(settings);
    const evicted = new Set<string>();
    for (const x of rows.slice(0, 150)) {
      const snapshot = r.snapshot();
      const predicted = mightKeep(x, snapshot, settings);
      const decision = r.add(x);
      if (decision.keep.length) expect(predicted).toBe(true);
      decision.evicted.forEach((k) => evicted.add(k));
    }
    for (const k of r.keptKeys()) expect(evicted.has(k)).toBe(false);
    // A stale snapshot is looser, never tighter: it still admits every row kept later.
    const stale = r.snapshot();
    for (const x of rows.slice(150)) if (r.add(x).keep.length) expect(mightKeep(x, stale, settings)).toBe(true);
    expect(r.keptKeys().length).toBeLessThanOrEqual(3 + 2 + 4);
  });

  test('regimes are ranked separately; zero limits keep nothing', () => {
    const r = new Retention({ best: 1, worst: 0, random: 0, sampleSeed: 0 });
    r.add(row(1, 0.5));
    r.add(row(2, 0.2, true, 'composed-only'));
    expect(r.ranked()).toEqual({ 'atomic+composed': { best: ['i1-d1-atomic+composed'], worst: [], random: [] }, 'composed-only': { best: ['i2-d2-composed-only'], worst: [], random: [] } });
  });
});

describe('baselines', () => {
  const base = lookupTaskFromSample('sample1');

  test('random-task-codes: composed rows get one fresh code each, atomic rows and targets are unchanged', () => {
    const task = new RandomTaskCodesTask(base, 3);
    expect(task.vocab.slice(0, base.vocab.length)).toEqual(base.vocab);
    const codes = task.labelNames().code;
    expect(codes.length).toBe(base.labelNames().composition.filter((c) => c.includes(' ')).length);
    expect(task.vocab.length).toBe(base.vocab.length + codes.length);
    const codeOf = new Map<string, number>();
    for (const name of task.splitNames()) {
      const orig = base.split(name).examples;
      task.split(name).examples.forEach((ex, i) => {
        expect(ex.target).toEqual(orig[i].target);
        if (orig[i].exampleLabels.length === 1) {
          expect(ex.prompt).toEqual(orig[i].prompt);
          return;
        }
        expect(ex.prompt).toHaveLength(3 + 2);
        expect(ex.prompt.slice(0, 3)).toEqual(orig[i].prompt.slice(0, 3));
        const code = ex.prompt[3];
        expect(code).toBeGreaterThanOrEqual(base.vocab.length);
        if (codeOf.has(ex.group)) expect(codeOf.get(ex.group)).toBe(code);
        codeOf.set(ex.group, code);
        expect(ex.positionLabels.state).toHaveLength(ex.prompt.length + ex.target.length - 1);
        expect(ex.positionLabels.state[3]).toBe(ex.exampleLabels.final);
      });
    }
    expect(new Set(codeOf.values()).size).toBe(codeOf.size);
    // Zero-shot codes are never seen in training.
    const trainCodes = new Set(task.split('train').examples.map((e) => e.prompt[3]));
    for (const ex of task.split('heldout_compositions').examples) expect(trainCodes.has(ex.prompt[3])).toBe(false);
    // Another code seed, another assignment; the spec rebuilds the same task through the registry.
    expect(new RandomTaskCodesTask(base, 4).split('train').examples.map((e) => e.prompt)).not.toEqual(task.split('train').examples.map((e) => e.prompt));
    const rebuilt = createSequenceTask(task.spec);
    expect(rebuilt.split('heldout_compositions').examples).toEqual(task.split('heldout_compositions').examples);
  });

  test('chance baselines: closed forms and an empirical check that agrees', () => {
    const { randomOutput, randomWellformed } = chanceBaselines(base, { draws: 100_000 });
    expect(randomWellformed.closedForm).toBe(randomWellformedAccuracy(3, 'final'));
    expect(randomWellformed.closedForm).toBe(0.125);
    expect(randomOutput.closedForm).toBeCloseTo(randomOutputAccuracy(12, 4), 12);
    expect(randomWellformed.consistent).toBe(true);
    expect(randomOutput.consistent).toBe(true);
    expect(Math.abs(randomWellformed.empirical - 0.125)).toBeLessThan(0.005);
    const inter = chanceBaselines(lookupTaskFromSample('sample1', { encoding: 'intermediates' }), { draws: 50_000 });
    expect(inter.randomWellformed.closedForm).toBe(2 ** -9);
    expect(inter.randomWellformed.consistent).toBe(true);
  });
});
