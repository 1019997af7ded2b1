import { Matrix } from 'ml-matrix';
import { Rng } from '../../../lib/util/random';
import { LinearProbe } from '../../../probes/linear';

/** Σ cross-entropy + (λ/2)‖W‖², intercepts unpenalised: the documented objective, written out independently. */
function objective(X: number[][], y: number[], classes: number[], W: number[][], b: number[], l2: number): number {
  let loss = 0;
  X.forEach((x, i) => {
    const logits = W.map((w, k) => b[k] + w.reduce((a, wj, j) => a + wj * x[j], 0));
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((a, z) => a + Math.exp(z - max), 0));
    loss += lse - logits[classes.indexOf(y[i])];
  });
  return loss + 0.5 * l2 * W.flat().reduce((a, w) => a + w * w, 0);
}

function clusters(rng: Rng, perClass: number, centres: number[][], noise: number): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) {
      X.push(c.map((v) => v + noise * rng.normal()));
      y.push(k);
    }
  });
  return { X, y };
}

describe('LinearProbe logistic', () => {
  test('non-separable: with (almost) no penalty the probabilities equal the empirical class frequencies', () => {
    // One-hot category features; the MLE of a saturated model reproduces the contingency table.
    const table = [
      [30, 15, 5],
      [5, 40, 5],
      [10, 10, 30],
    ];
    const X: number[][] = [];
    const y: number[] = [];
    table.forEach((counts, c) =>
      counts.forEach((count, k) => {
        for (let i = 0; i < count; i++) {
          X.push([0, 1, 2].map((j) => (j === c ? 1 : 0)));
          y.push(k);
        }
      }),
    );
    const p = new LinearProbe({ kind: 'logistic', l2: 1e-8, tol: 1e-9 }).fit(X, y);
    expect(p.converged_).toBe(true);
    const proba = p.predictProba([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    table.forEach((counts, c) => {
      const total = counts.reduce((a, b) => a + b, 0);
      counts.forEach((count, k) => expect(proba.get(c, k)).toBeCloseTo(count / total, 4));
    });
  });

  test('separable 1-D: matches the analytic optimum n·σ(−2w) = λw', () => {
    const n = 20;
    const l2 = 1;
    const X = Array.from({ length: n }, (_, i) => [i % 2 === 0 ? 1 : -1]);
    const y = X.map(([x]) => (x > 0 ? 1 : 0));
    // Bisection on the stationarity condition of n·log(1+e^{−2w}) + λw².
    let lo = 0;
    let hi = 100;
    for (let it = 0; it < 200; it++) {
      const mid = (lo + hi) / 2;
      if (n / (1 + Math.exp(2 * mid)) > l2 * mid) lo = mid;
      else hi = mid;
    }
    const p = new LinearProbe({ kind: 'logistic', l2, standardize: false, tol: 1e-10 }).fit(X, y);
    expect(p.coef_.get(1, 0)).toBeCloseTo(lo, 6);
    expect(p.coef_.get(0, 0)).toBeCloseTo(-lo, 6);
    expect(p.intercept_[1] - p.intercept_[0]).toBeCloseTo(0, 6);
    expect(p.score(X, y)).toBe(1);
  });

  test('the gradient of the objective at the solution is ~0 and perturbations increase it', () => {
    const rng = new Rng(21);
    const { X, y } = clusters(rng, 40, [[0, 0, 0, 0], [1, 0.5, 0, -1], [0, 1, 1, 0.5]], 1.0);
    const l2 = 0.5;
    const p = new LinearProbe({ kind: 'logistic', l2, standardize: false }).fit(X, y);
    expect(p.converged_).toBe(true);
    const classes = Array.from(p.classes_);
    const W = p.coef_.to2DArray();
    const b = Array.from(p.intercept_);
    const f0 = objective(X, y, classes, W, b, l2);
    const h = 1e-5;
    const params: [number[], number][] = [...W.flatMap((row) => row.map((_, j) => [row, j] as [number[], number])), ...b.map((_, k) => [b, k] as [number[], number])];
    for (const [arr, j] of params) {
      const orig = arr[j];
      arr[j] = orig + h;
      const fp = objective(X, y, classes, W, b, l2);
      arr[j] = orig - h;
      const fm = objective(X, y, classes, W, b, l2);
      arr[j] = orig;
      expect(Math.abs((fp - fm) / (2 * h))).toBeLessThan(1e-3);
      expect(fp).toBeGreaterThanOrEqual(f0 - 1e-9);
      expect(fm).toBeGreaterThanOrEqual(f0 - 1e-9);
    }
  });

  test('standardize: true equals fitting raw-space-folded weights on pre-standardised data', () => {
    const rng = new Rng(4);
    const { X, y } = clusters(rng, 30, [[100, 0.01], [101, 0.02], [100, 0.03]], 0.5);
    X.forEach((row) => (row[1] += 0.005 * rng.normal()));
    const Xm = new Matrix(X);
    const mean = Xm.mean('column');
    const sd = mean.map((m, j) => Math.sqrt(Xm.getColumn(j).reduce((a, v) => a + (v - m) ** 2, 0) / X.length));
    const Xs = X.map((row) => row.map((v, j) => (v - mean[j]) / sd[j]));
    const a = new LinearProbe({ kind: 'logistic', tol: 1e-9 }).fit(X, y);
    const b = new LinearProbe({ kind: 'logistic', standardize: false, tol: 1e-9 }).fit(Xs, y);
    const pa = a.predictProba(X);
    const pb = b.predictProba(Xs);
    for (let i = 0; i < X.length; i++) for (let k = 0; k < 3; k++) expect(pa.get(i, k)).toBeCloseTo(pb.get(i, k), 6);
    for (let j = 0; j < 2; j++) expect(a.coef_.get(0, j)).toBeCloseTo(b.coef_.get(0, j) / sd[j], 4);
  });

  test('separable clusters in 10-D with arbitrary integer labels: accuracy 1, classes_ sorted, probabilities sum to 1', () => {
    const rng = new Rng(5);
    const centres = [0, 1, 2, 3].map(() => Array.from({ length: 10 }, () => 4 * rng.normal()));
    const { X, y: idx } = clusters(rng, 25, centres, 0.3);
    const labels = [100, -3, 7, 42];
    const y = Int32Array.from(idx, (k) => labels[k]);
    const p = new LinearProbe({ kind: 'logistic' }).fit(X, y);
    expect(Array.from(p.classes_)).toEqual([-3, 7, 42, 100]);
    expect(p.converged_).toBe(true);
    expect(p.score(X, y)).toBe(1);
    const proba = p.predictProba(X);
    const pred = p.predict(X);
    for (let i = 0; i < X.length; i++) {
      const row = proba.getRow(i);
      expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      expect(pred[i]).toBe(p.classes_[row.indexOf(Math.max(...row))]);
    }
  });

  test('reports non-convergence honestly', () => {
    const rng = new Rng(6);
    const { X, y } = clusters(rng, 30, [[0, 0], [1, 1], [2, 0]], 1);
    const p = new LinearProbe({ kind: 'logistic', maxIter: 1 }).fit(X, y);
    expect(p.nIter_).toBe(1);
    expect(p.converged_).toBe(false);
  });
});
