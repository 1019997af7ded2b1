import { Matrix } from 'ml-matrix';
import { Rng } from '../../../lib/util/random';
import { crossValidate, GroupKFold, KFold, LinearProbe } from '../../../probes/linear';

function expectPartition(splits: { train: Int32Array; test: Int32Array }[], rows: number): void {
  const tested = new Array<number>(rows).fill(0);
  for (const { train, test } of splits) {
    expect(train.length + test.length).toBe(rows);
    const inTrain = new Set(train);
    for (const i of test) {
      expect(inTrain.has(i)).toBe(false);
      tested[i]++;
    }
  }
  expect(tested.every((c) => c === 1)).toBe(true);
}

describe('KFold', () => {
  test('every row is tested exactly once; fold sizes differ by at most one', () => {
    const splits = new KFold({ k: 3 }).split(10);
    expectPartition(splits, 10);
    expect(splits.map((s) => s.test.length)).toEqual([4, 3, 3]);
    expect(Array.from(splits[0].test)).toEqual([0, 1, 2, 3]);
  });

  test('shuffle is deterministic in the seed and differs across seeds', () => {
    const a = new KFold({ k: 4, shuffle: true, seed: 1 }).split(40);
    const b = new KFold({ k: 4, shuffle: true, seed: 1 }).split(40);
    const c = new KFold({ k: 4, shuffle: true, seed: 2 }).split(40);
    expectPartition(a, 40);
    expect(a.map((s) => Array.from(s.test))).toEqual(b.map((s) => Array.from(s.test)));
    expect(a.map((s) => Array.from(s.test))).not.toEqual(c.map((s) => Array.from(s.test)));
    expect(Array.from(a[0].test)).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  test('refuses more folds than rows', () => {
    expect(() => new KFold({ k: 5 }).split(3)).toThrow(/3 rows cannot be split into 5 folds/);
  });
});

describe('GroupKFold', () => {
  test.each([1, 2, 3, 4, 5])('no group is ever in both train and test (random groups, seed %i)', (seed) => {
    const rng = new Rng(seed);
    const rows = 200;
    const nGroups = 7 + rng.int(30);
    const k = 2 + rng.int(5);
    const groups = Array.from({ length: rows }, () => (seed % 2 ? `g${rng.int(nGroups)}` : rng.int(nGroups)));
    const splits = new GroupKFold({ k }).split(rows, groups);
    expect(splits).toHaveLength(k);
    expectPartition(splits, rows);
    for (const { train, test } of splits) {
      const trainGroups = new Set(Array.from(train, (i) => groups[i]));
      for (const i of test) expect(trainGroups.has(groups[i])).toBe(false);
    }
  });

  test('balances fold sizes: largest groups first into the smallest fold', () => {
    // Sizes a:6 b:5 c:3 d:2 e:2. a→f0 (6), b→f1 (5), c→f1 (8), d→f0 (8), e→f0 (tie, lowest fold: 10).
    const groups = [...'aaaaaa', ...'bbbbb', ...'ccc', ...'dd', ...'ee'];
    const splits = new GroupKFold({ k: 2 }).split(groups.length, groups);
    const testGroups = splits.map((s) => Array.from(new Set(Array.from(s.test, (i) => groups[i]))).sort());
    expect(testGroups).toEqual([['a', 'd', 'e'], ['b', 'c']]);
  });

  test('needs groups, one per row, and at least k of them', () => {
    expect(() => new GroupKFold({ k: 3 }).split(4)).toThrow(/needs one group key per row/);
    expect(() => new GroupKFold({ k: 3 }).split(4, [1, 1, 2])).toThrow(/3 keys but X has 4 rows/);
    expect(() => new GroupKFold({ k: 3 }).split(4, [1, 1, 2, 2])).toThrow(/2 distinct groups cannot fill 3 folds/);
  });
});

describe('crossValidate', () => {
  test('scores each fold with a fresh probe: high for a linear signal, chance for noise', () => {
    const rng = new Rng(12);
    const rows = 300;
    const y = Int32Array.from({ length: rows }, () => rng.int(3));
    const signal = new Matrix(rows, 5);
    const noise = new Matrix(rows, 5);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < 5; j++) {
        signal.set(i, j, (j === y[i] ? 3 : 0) + rng.normal());
        noise.set(i, j, rng.normal());
      }
    }
    const factory = () => new LinearProbe({ kind: 'logistic' });
    const good = crossValidate(factory, signal, y, { cv: new KFold({ k: 5, shuffle: true, seed: 1 }) });
    const bad = crossValidate(factory, noise, y, { cv: new KFold({ k: 5, shuffle: true, seed: 1 }) });
    expect(good.scores).toHaveLength(5);
    expect(good.mean).toBeGreaterThan(0.85);
    expect(bad.mean).toBeLessThan(0.5);
    expect(good.converged).toBe(true);
    const m = good.scores.reduce((a, b) => a + b, 0) / 5;
    expect(good.mean).toBeCloseTo(m, 12);
    expect(good.sd).toBeCloseTo(Math.sqrt(good.scores.reduce((a, s) => a + (s - m) ** 2, 0) / 4), 12);
  });

  test('group-held-out CV exposes a probe that only memorises groups', () => {
    // Every group has its own random feature vector and its own label: within-group CV looks perfect,
    // held-out-group CV is at chance.
    const rng = new Rng(13);
    const nGroups = 40;
    const vec = Array.from({ length: nGroups }, () => Array.from({ length: 60 }, () => rng.normal()));
    const lab = Array.from({ length: nGroups }, () => rng.int(2));
    const groups: number[] = [];
    const X: number[][] = [];
    const y: number[] = [];
    for (let g = 0; g < nGroups; g++) {
      for (let r = 0; r < 8; r++) {
        groups.push(g);
        X.push(vec[g].map((v) => v + 0.1 * rng.normal()));
        y.push(lab[g]);
      }
    }
    const factory = () => new LinearProbe({ kind: 'logistic' });
    const rowsCv = crossValidate(factory, X, y, { cv: new KFold({ k: 4, shuffle: true, seed: 0 }) });
    const groupCv = crossValidate(factory, X, y, { groups });
    expect(rowsCv.mean).toBeGreaterThan(0.95);
    expect(groupCv.nSplits).toBe(5);
    expect(groupCv.mean).toBeLessThan(0.7);
  });

  test('works for ridge with a target matrix (R² per fold)', () => {
    const rng = new Rng(14);
    const X = new Matrix(100, 3);
    const Y = new Matrix(100, 2);
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 3; j++) X.set(i, j, rng.normal());
      Y.set(i, 0, X.get(i, 0) + 0.1 * rng.normal());
      Y.set(i, 1, X.get(i, 1) - X.get(i, 2) + 0.1 * rng.normal());
    }
    const r = crossValidate(() => new LinearProbe({ kind: 'ridge' }), X, Y);
    expect(r.nSplits).toBe(5);
    expect(r.mean).toBeGreaterThan(0.95);
    expect(() => crossValidate(() => new LinearProbe({ kind: 'ridge' }), X, [1, 2, 3])).toThrow(/3 rows but X has 100/);
  });
});
