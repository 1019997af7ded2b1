import { Matrix, QrDecomposition } from 'ml-matrix';
import { Rng } from '../../../lib/util/random';
import { denseRows } from '../../../probes/linear';
import { pcaProject, pcaTransform } from '../../../probes/pca';

/** 10 clusters whose centres lie on a circle (radius 10) in a random 2-D plane of R^20, plus isotropic noise. */
function ringClusters(seed: number, perCluster = 30, noise = 0.5): { X: Matrix; label: number[] } {
  const rng = new Rng(seed);
  const basis = new QrDecomposition(new Matrix(Array.from({ length: 20 }, () => [rng.normal(), rng.normal()]))).orthogonalMatrix;
  const X = new Matrix(10 * perCluster, 20);
  const label: number[] = [];
  for (let c = 0; c < 10; c++) {
    const a = (2 * Math.PI * c) / 10;
    for (let r = 0; r < perCluster; r++) {
      const i = c * perCluster + r;
      for (let j = 0; j < 20; j++) X.set(i, j, 10 * (Math.cos(a) * basis.get(j, 0) + Math.sin(a) * basis.get(j, 1)) + noise * rng.normal() + 3);
      label.push(c);
    }
  }
  return { X, label };
}

function nearestCentroidAccuracy(coords: Matrix, label: number[]): number {
  const k = coords.columns;
  const centroids = Array.from({ length: 10 }, () => new Array<number>(k + 1).fill(0));
  label.forEach((c, i) => {
    for (let j = 0; j < k; j++) centroids[c][j] += coords.get(i, j);
    centroids[c][k]++;
  });
  centroids.forEach((c) => c.forEach((_, j) => j < k && (c[j] /= c[k])));
  let hits = 0;
  label.forEach((c, i) => {
    let best = 0;
    let bestD = Infinity;
    centroids.forEach((cent, q) => {
      const d = cent.slice(0, k).reduce((a, v, j) => a + (v - coords.get(i, j)) ** 2, 0);
      if (d < bestD) [best, bestD] = [q, d];
    });
    if (best === c) hits++;
  });
  return hits / label.length;
}

describe('pcaProject', () => {
  test('10 well-separated clusters in 20-D stay separated in 2 and 3 PCs', () => {
    const { X, label } = ringClusters(1);
    for (const components of [2, 3]) {
      const p = pcaProject(X, { components });
      expect(p.coords.rows).toBe(300);
      expect(p.coords.columns).toBe(components);
      expect(nearestCentroidAccuracy(p.coords, label)).toBeGreaterThanOrEqual(0.95);
    }
  });

  test('explained-variance ratios are sorted, sum to ≤ 1, and equal each coordinate’s share of the total variance', () => {
    const { X } = ringClusters(2);
    const p = pcaProject(X, { components: 3 });
    const r = p.explainedVarianceRatio;
    expect(r).toHaveLength(3);
    expect(r[0]).toBeGreaterThanOrEqual(r[1]);
    expect(r[1]).toBeGreaterThanOrEqual(r[2]);
    expect(r.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
    const variance = (col: number[]) => {
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      return col.reduce((a, v) => a + (v - m) ** 2, 0);
    };
    let total = 0;
    for (let j = 0; j < 20; j++) total += variance(X.getColumn(j));
    for (let c = 0; c < 3; c++) expect(r[c]).toBeCloseTo(variance(p.coords.getColumn(c)) / total, 10);
    // The ring plane carries almost all the variance.
    expect(r[0] + r[1]).toBeGreaterThan(0.9);
  });

  test('components are orthonormal with a fixed sign; transform of the fitted rows reproduces coords', () => {
    const { X } = ringClusters(3);
    const p = pcaProject(X, { components: 3 });
    const gram = p.components.mmul(p.components.transpose());
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(gram.get(a, b)).toBeCloseTo(a === b ? 1 : 0, 10);
    for (let c = 0; c < 3; c++) {
      const row = p.components.getRow(c);
      const big = row.reduce((bi, v, j) => (Math.abs(v) > Math.abs(row[bi]) ? j : bi), 0);
      expect(row[big]).toBeGreaterThan(0);
    }
    const again = pcaTransform(p, X);
    for (let i = 0; i < X.rows; i += 17) for (let c = 0; c < 3; c++) expect(again.get(i, c)).toBeCloseTo(p.coords.get(i, c), 10);
  });

  test('scale: a huge-unit column dominates unscaled PCA but not scaled PCA', () => {
    const rng = new Rng(4);
    const X = new Matrix(200, 3);
    for (let i = 0; i < 200; i++) {
      X.set(i, 0, 1000 * rng.normal());
      const s = rng.normal();
      X.set(i, 1, s + 0.1 * rng.normal());
      X.set(i, 2, s + 0.1 * rng.normal());
    }
    const raw = pcaProject(X);
    const scaled = pcaProject(X, { scale: true });
    expect(Math.abs(raw.components.get(0, 0))).toBeGreaterThan(0.99);
    expect(Math.abs(scaled.components.get(0, 0))).toBeLessThan(0.3);
    expect(scaled.explainedVarianceRatio[0]).toBeGreaterThan(0.6);
  });

  test('accepts Float32Array rows + dims and validates options', () => {
    const flat = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) + (i % 4));
    const p = pcaProject(denseRows(flat, 4));
    expect(p.coords.rows).toBe(10);
    expect(() => pcaProject(denseRows(flat, 4), { components: 5 })).toThrow(/pca\.components/);
  });
});
