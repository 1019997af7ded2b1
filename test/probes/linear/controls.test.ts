import { Rng } from '../../../lib/util/random';
import { controlTask, GroupKFold, KFold, probeWithControls } from '../../../probes/linear';

describe('controlTask', () => {
  const rng = new Rng(1);
  const types = Array.from({ length: 500 }, () => `w${rng.int(60)}`);
  const y = types.map((t) => Number(t.slice(1)) % 3);

  test('every type gets one label, drawn from the label set of y', () => {
    const c = controlTask(y, types, 7);
    const byType = new Map<string, number>();
    types.forEach((t, i) => {
      if (byType.has(t)) expect(c[i]).toBe(byType.get(t));
      byType.set(t, c[i]);
      expect([0, 1, 2]).toContain(c[i]);
    });
  });

  test('deterministic in the seed, different across seeds, independent of row order', () => {
    expect(Array.from(controlTask(y, types, 7))).toEqual(Array.from(controlTask(y, types, 7)));
    expect(Array.from(controlTask(y, types, 7))).not.toEqual(Array.from(controlTask(y, types, 8)));
    const order = new Rng(2).permutation(types.length);
    const shuffled = controlTask(order.map((i) => y[i]), order.map((i) => types[i]), 7);
    const original = controlTask(y, types, 7);
    order.forEach((i, k) => expect(shuffled[k]).toBe(original[i]));
  });

  test('roughly preserves the label distribution', () => {
    const r = new Rng(3);
    const manyTypes = Array.from({ length: 4000 }, (_, i) => i);
    const skewed = manyTypes.map(() => (r.next() < 0.7 ? 0 : 1 + r.int(2)));
    const c = controlTask(skewed, manyTypes, 1);
    const zeros = Array.from(c).filter((v) => v === 0).length / c.length;
    expect(zeros).toBeGreaterThan(0.65);
    expect(zeros).toBeLessThan(0.75);
  });

  test('needs one type per label', () => {
    expect(() => controlTask([0, 1, 1], ['a', 'b'], 0)).toThrow(/2 keys but y has 3 labels/);
  });
});

describe('probeWithControls', () => {
  test('X encodes the label linearly (not the type): high accuracy, low control, high selectivity', () => {
    const rng = new Rng(10);
    const dims = 16;
    const labelDirection = Array.from({ length: 4 }, () => Array.from({ length: dims }, () => 2 * rng.normal()));
    const types: number[] = [];
    const y: number[] = [];
    const X: number[][] = [];
    for (let i = 0; i < 600; i++) {
      const t = rng.int(80);
      const label = t % 4;
      types.push(t);
      y.push(label);
      X.push(labelDirection[label].map((v) => v + rng.normal()));
    }
    const r = probeWithControls(X, y, { types, cv: new KFold({ k: 5, shuffle: true, seed: 0 }) });
    expect(r.accuracy.mean).toBeGreaterThan(0.9);
    expect(r.control.mean).toBeLessThan(0.6);
    expect(r.selectivity).toBeCloseTo(r.accuracy.mean - r.control.mean, 12);
    expect(r.selectivity).toBeGreaterThan(0.35);
    expect(r.accuracy.scores).toHaveLength(5);
    expect(r.converged).toBe(true);
  });

  test('X encodes only the type identity (memorisation): control as good as the task, selectivity low', () => {
    const rng = new Rng(11);
    const nTypes = 40;
    const typeVector = Array.from({ length: nTypes }, () => Array.from({ length: 64 }, () => rng.normal()));
    const typeLabel = Array.from({ length: nTypes }, () => rng.int(4));
    const types: number[] = [];
    const y: number[] = [];
    const X: number[][] = [];
    for (let t = 0; t < nTypes; t++) {
      for (let r = 0; r < 10; r++) {
        types.push(t);
        y.push(typeLabel[t]);
        X.push(typeVector[t].map((v) => v + 0.1 * rng.normal()));
      }
    }
    const r = probeWithControls(X, y, { types, cv: new KFold({ k: 5, shuffle: true, seed: 0 }) });
    expect(r.accuracy.mean).toBeGreaterThan(0.9);
    expect(r.control.mean).toBeGreaterThan(0.9);
    expect(Math.abs(r.selectivity)).toBeLessThan(0.1);
  });

  test('majority baseline is the cross-validated accuracy of the training folds’ majority class', () => {
    const rng = new Rng(12);
    const y = Array.from({ length: 400 }, () => (rng.next() < 0.75 ? 5 : 9));
    const X = y.map(() => [rng.normal(), rng.normal()]);
    const types = y.map((_, i) => i % 50);
    const r = probeWithControls(X, y, { types, cv: new KFold({ k: 4, shuffle: true, seed: 3 }) });
    const share = y.filter((v) => v === 5).length / y.length;
    expect(r.majorityBaseline).toBeCloseTo(share, 10);
  });

  test('a fold whose control labels are a single class is scored by the constant predictor, not an error', () => {
    const rng = new Rng(14);
    const y = Array.from({ length: 60 }, () => rng.int(2));
    const X = y.map((v) => [v + 0.2 * rng.normal()]);
    const r = probeWithControls(X, y, { types: y.map(() => 'only-type'), cv: new KFold({ k: 3 }) });
    expect(r.control.mean).toBe(1);
    expect(r.selectivity).toBeCloseTo(r.accuracy.mean - 1, 12);
  });

  test('uses GroupKFold when groups are given, so no group is split across train and test', () => {
    const rng = new Rng(13);
    const groups = Array.from({ length: 200 }, () => rng.int(20));
    const y = groups.map((g) => g % 2);
    const X = y.map((v) => [v + 0.3 * rng.normal(), rng.normal()]);
    const r = probeWithControls(X, y, { types: groups, groups });
    expect(r.nSplits).toBe(5);
    // Held-out types get arbitrary control labels the probe never saw: control collapses towards chance.
    expect(r.control.mean).toBeLessThan(0.75);
    expect(r.accuracy.mean).toBeGreaterThan(0.9);
    expect(() => probeWithControls(X, y, { types: groups, groups, cv: new GroupKFold({ k: 50 }) })).toThrow(/20 distinct groups/);
  });
});
