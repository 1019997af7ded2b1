import { Matrix } from 'ml-matrix';
import { Rng } from '../../../lib/util/random';
import { decodeModuleWeights, fitCgRidge, LinearProbe, predictCgRidge } from '../../../probes/linear';

/** Weighted k-hot task codes as in the hyperteacher: K of M modules active, weights in [0.5, 1). */
function taskCodes(rng: Rng, rows: number, M: number, K: number): Matrix {
  const z = Matrix.zeros(rows, M);
  for (let i = 0; i < rows; i++) {
    const active = rng.permutation(M).slice(0, K);
    for (const m of active) z.set(i, m, rng.uniform(0.5, 1));
  }
  return z;
}

function randomMatrix(rng: Rng, rows: number, cols: number, sd = 1): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, sd * rng.normal());
  return m;
}

function r2(y: number[], p: ArrayLike<number>): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const res = y.reduce((a, v, i) => a + (v - p[i]) ** 2, 0);
  const tot = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  return 1 - res / tot;
}

describe('decodeModuleWeights (Redhardt et al. protocol)', () => {
  const rng = new Rng(31);
  const M = 8;
  const rows = 600;
  const z = taskCodes(rng, rows, M, 2);
  const A = randomMatrix(rng, M, 32);
  const layers = {
    z_layer: z,
    linear: z.mmul(A).add(randomMatrix(rng, rows, 32, 0.05)),
    random: randomMatrix(rng, rows, 32),
  };
  const idRows = Array.from({ length: 400 }, (_, i) => i);
  const oodRows = Array.from({ length: 200 }, (_, i) => 400 + i);

  test('linearly encoded task codes decode with R² near 1; noise does not', () => {
    const r = decodeModuleWeights(layers, z, { idRows, oodRows });
    expect(r.kind).toBe('moduleDecoding');
    expect(r.solver).toBe('exact');
    expect(r.l2).toBe(1);
    expect([r.nTrain, r.nTest, r.nOod, r.modules]).toEqual([200, 200, 200, M]);
    const byName = Object.fromEntries(r.layers.map((l) => [l.layer, l]));
    expect(byName.linear.r2Test).toBeGreaterThan(0.95);
    expect(byName.linear.r2Ood).toBeGreaterThan(0.95);
    expect(byName.z_layer.r2Test).toBeGreaterThan(0.95);
    expect(byName.random.r2Test).toBeLessThan(0.1);
    expect(byName.linear.r2TestPerModule).toHaveLength(M);
    const mean = byName.random.r2TestPerModule.reduce((a, b) => a + b, 0) / M;
    expect(byName.random.r2Test).toBeCloseTo(mean, 12);
  });

  test('fits on the first half of idRows, in the order given, with an unpenalised-intercept ridge on raw features', () => {
    const reversed = [...idRows].reverse();
    const r = decodeModuleWeights({ random: layers.random }, z, { idRows: reversed, l2: 3 });
    const train = reversed.slice(0, 200);
    const test = reversed.slice(200);
    const X = layers.random;
    r.layers[0].r2TestPerModule.forEach((v, m) => {
      const probe = new LinearProbe({ kind: 'ridge', l2: 3, standardize: false }).fit(X.subMatrixRow(train), z.subMatrixRow(train).getColumn(m));
      expect(v).toBeCloseTo(r2(z.subMatrixRow(test).getColumn(m), probe.predict(X.subMatrixRow(test))), 10);
    });
    expect(r.layers[0].r2Ood).toBeNull();
  });

  test("solver 'cg10' is one original-style CG ridge per module, scored by R² and averaged", () => {
    const r = decodeModuleWeights({ linear: layers.linear }, z, { idRows, oodRows, solver: 'cg10', l2: 1 });
    const X = layers.linear;
    const train = idRows.slice(0, 200);
    const test = idRows.slice(200);
    const expected = Array.from({ length: M }, (_, m) => {
      const model = fitCgRidge(X.subMatrixRow(train), z.subMatrixRow(train).getColumn(m), 1);
      return r2(z.subMatrixRow(test).getColumn(m), predictCgRidge(model, X.subMatrixRow(test)));
    });
    r.layers[0].r2TestPerModule.forEach((v, m) => expect(v).toBeCloseTo(expected[m], 10));
    expect(r.solver).toBe('cg10');
  });

  test('rejects overlapping, out-of-range or too few rows and mismatched layers', () => {
    expect(() => decodeModuleWeights(layers, z, { idRows, oodRows: [0, 450] })).toThrow(/shares rows/);
    expect(() => decodeModuleWeights(layers, z, { idRows: [0, 1, 2, 600] })).toThrow(/not a row index/);
    expect(() => decodeModuleWeights(layers, z, { idRows: [0, 1, 2] })).toThrow(/at least 4/);
    expect(() => decodeModuleWeights({ short: randomMatrix(rng, 10, 3) }, z, { idRows })).toThrow(/10 rows but z has 600/);
    expect(() => decodeModuleWeights(layers, z, { idRows, solver: 'cg' as 'exact' })).toThrow(/moduleDecoding\.solver/);
  });
});

describe('fitCgRidge (the original solver, quirks included)', () => {
  /** Residual of the system the original code solves: (X̃ᵀX̃ + λI) w = X̃ᵀ y, X̃ = [X, mask], mask = all features ≠ 0. */
  function normalEquationResidual(X: Matrix, y: number[], w: Float64Array, l2: number): number {
    const Xa = new Matrix(X.rows, X.columns + 1);
    for (let i = 0; i < X.rows; i++) {
      const row = X.getRow(i);
      row.forEach((v, j) => Xa.set(i, j, v));
      Xa.set(i, X.columns, row.every((v) => v !== 0) ? 1 : 0);
    }
    const wv = Matrix.columnVector(Array.from(w));
    const lhs = Xa.transpose().mmul(Xa.mmul(wv)).add(wv.clone().mul(l2));
    const rhs = Xa.transpose().mmul(Matrix.columnVector(y));
    return lhs.sub(rhs).abs().max() / rhs.abs().max();
  }

  const rng = new Rng(41);
  const X = randomMatrix(rng, 50, 4);
  for (let i = 0; i < 50; i += 3) X.set(i, i % 4, 0); // rows with a zero feature get no bias column in training
  const y = Array.from({ length: 50 }, (_, i) => 2 + X.get(i, 0) - X.get(i, 3) + 0.1 * rng.normal());

  test('with fewer than 10 unknowns, 10 CG steps solve the penalised, masked-bias system', () => {
    const model = fitCgRidge(X, y, 1);
    expect(model.nIter).toBeLessThanOrEqual(10);
    expect(normalEquationResidual(X, y, model.weight, 1)).toBeLessThan(1e-4);
  });

  test('with many unknowns, 10 steps stop short of the minimum (the extra shrinkage of the original)', () => {
    const wide = randomMatrix(rng, 80, 60);
    for (let j = 0; j < 60; j++) for (let i = 0; i < 80; i++) wide.set(i, j, wide.get(i, j) * (j + 1) ** 1.5); // ill-conditioned
    const t = Array.from({ length: 80 }, () => rng.normal());
    const short = fitCgRidge(wide, t, 1);
    const long = fitCgRidge(wide, t, 1, 2000, 1e-12);
    expect(short.nIter).toBe(10);
    expect(normalEquationResidual(wide, t, short.weight, 1)).toBeGreaterThan(1e-3);
    expect(normalEquationResidual(wide, t, long.weight, 1)).toBeLessThan(1e-6);
  });

  test('prediction adds the bias to every row, whatever the training mask was', () => {
    const model = { weight: Float64Array.of(1, 2, 5), nIter: 0 };
    expect(Array.from(predictCgRidge(model, new Matrix([[0, 0], [1, 1]])))).toEqual([5, 8]);
  });
});
