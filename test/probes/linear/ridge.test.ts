import { Matrix } from 'ml-matrix';
import { Rng } from '../../../lib/util/random';
import { denseRows, LinearProbe } from '../../../probes/linear';

function gaussian(rng: Rng, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, rng.normal());
  return m;
}

/** Gradient of ‖Xw + b − y‖² + λ‖w‖² w.r.t. (w, b), computed independently of the implementation. */
function ridgeGradient(X: Matrix, y: number[], w: number[], b: number, l2: number): number[] {
  const r = X.mmul(Matrix.columnVector(w)).getColumn(0).map((v, i) => v + b - y[i]);
  const gw = w.map((wj, j) => 2 * r.reduce((a, ri, i) => a + ri * X.get(i, j), 0) + 2 * l2 * wj);
  const gb = 2 * r.reduce((a, v) => a + v, 0);
  return [...gw, gb];
}

describe('LinearProbe ridge', () => {
  test('matches the hand-computed 1-D solution (raw features)', () => {
    // x = 1,2,3,4; y = 2,3,5,6 → x̄ = 2.5, ȳ = 4, Sxx = 5, Sxy = 7; w = Sxy / (Sxx + λ) with λ = 1 → 7/6.
    const p = new LinearProbe({ kind: 'ridge', l2: 1, standardize: false }).fit([[1], [2], [3], [4]], [2, 3, 5, 6]);
    expect(p.coef_.get(0, 0)).toBeCloseTo(7 / 6, 12);
    expect(p.intercept_[0]).toBeCloseTo(4 - 2.5 * (7 / 6), 12);
    expect(p.nIter_).toBe(0);
    expect(p.converged_).toBe(true);
  });

  test('matches the hand-computed 1-D solution with standardisation (penalty on standardised weight)', () => {
    // σ² = Sxx/n = 1.25. In standardised units: w_s = (Sxy/σ) / (Sxx/σ² + λ) = (7/σ)/(4 + 1); raw w = w_s/σ = 7/(1.25·5).
    const p = new LinearProbe({ kind: 'ridge', l2: 1 }).fit([[1], [2], [3], [4]], [2, 3, 5, 6]);
    expect(p.coef_.get(0, 0)).toBeCloseTo(7 / 6.25, 12);
    expect(p.intercept_[0]).toBeCloseTo(4 - 2.5 * (7 / 6.25), 12);
  });

  test('recovers known weights and intercept', () => {
    const rng = new Rng(11);
    const w = [1.5, -2, 0, 0.5, 3];
    const X = gaussian(rng, 400, 5);
    const y = X.mmul(Matrix.columnVector(w)).getColumn(0).map((v) => v + 7 + 0.01 * rng.normal());
    const p = new LinearProbe({ kind: 'ridge', l2: 1e-3 }).fit(X, y);
    w.forEach((wj, j) => expect(p.coef_.get(0, j)).toBeCloseTo(wj, 2));
    expect(p.intercept_[0]).toBeCloseTo(7, 2);
    expect(p.score(X, y)).toBeGreaterThan(0.9999);
    expect(p.predict(X)).toBeInstanceOf(Float64Array);
  });

  test.each([
    ['primal (rows > dims)', 40, 6],
    ['dual (rows < dims)', 8, 30],
  ])('gradient of the objective vanishes at the solution: %s', (_name, rows, dims) => {
    const rng = new Rng(rows * 100 + dims);
    const X = gaussian(rng, rows, dims);
    const y = Array.from({ length: rows }, () => rng.normal() + 3);
    const l2 = 0.7;
    const p = new LinearProbe({ kind: 'ridge', l2, standardize: false }).fit(X, y);
    const g = ridgeGradient(X, y, p.coef_.getRow(0), p.intercept_[0], l2);
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-8);
  });

  test('l2 = 0 with more dims than rows interpolates the data (minimum-norm least squares)', () => {
    const rng = new Rng(3);
    const X = gaussian(rng, 6, 12);
    const y = Array.from({ length: 6 }, () => rng.normal());
    const p = new LinearProbe({ kind: 'ridge', l2: 0, standardize: false }).fit(X, y);
    const pred = p.predict(X);
    y.forEach((v, i) => expect(pred[i]).toBeCloseTo(v, 8));
  });

  test('the intercept is not penalised: a huge l2 shrinks weights to 0 and leaves the mean', () => {
    const rng = new Rng(5);
    const X = gaussian(rng, 50, 3);
    const y = Array.from({ length: 50 }, (_, i) => 10 + X.get(i, 0));
    const p = new LinearProbe({ kind: 'ridge', l2: 1e12 }).fit(X, y);
    expect(Math.max(...p.coef_.getRow(0).map(Math.abs))).toBeLessThan(1e-8);
    expect(p.intercept_[0]).toBeCloseTo(y.reduce((a, b) => a + b, 0) / 50, 6);
  });

  test('multi-output fit equals one fit per target column', () => {
    const rng = new Rng(8);
    const X = gaussian(rng, 30, 4);
    const Y = gaussian(rng, 30, 3);
    const multi = new LinearProbe({ kind: 'ridge', l2: 2 }).fit(X, Y);
    expect(multi.coef_.rows).toBe(3);
    for (let t = 0; t < 3; t++) {
      const single = new LinearProbe({ kind: 'ridge', l2: 2 }).fit(X, Y.getColumn(t));
      for (let j = 0; j < 4; j++) expect(multi.coef_.get(t, j)).toBeCloseTo(single.coef_.get(0, j), 10);
      expect(multi.intercept_[t]).toBeCloseTo(single.intercept_[0], 10);
    }
    expect(() => multi.predict(X)).toThrow(/decisionFunction/);
    expect(multi.decisionFunction(X).columns).toBe(3);
    // score = R² averaged over targets
    const perTarget = [0, 1, 2].map((t) => new LinearProbe({ kind: 'ridge', l2: 2 }).fit(X, Y.getColumn(t)).score(X, Y.getColumn(t)));
    expect(multi.score(X, Y)).toBeCloseTo(perTarget.reduce((a, b) => a + b, 0) / 3, 10);
  });

  test('Float32Array rows + dims give the same fit as a Matrix', () => {
    const rng = new Rng(9);
    const X = gaussian(rng, 20, 3);
    const flat = new Float32Array(60);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 3; j++) flat[i * 3 + j] = X.get(i, j);
    const Xf = Matrix.from1DArray(20, 3, flat); // the same values rounded to float32
    const y = Array.from({ length: 20 }, () => rng.normal());
    const a = new LinearProbe({ kind: 'ridge' }).fit(denseRows(flat, 3), y);
    const b = new LinearProbe({ kind: 'ridge' }).fit(Xf, y);
    for (let j = 0; j < 3; j++) expect(a.coef_.get(0, j)).toBeCloseTo(b.coef_.get(0, j), 12);
  });
});
