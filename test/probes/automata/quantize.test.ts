import { Rng } from '../../../lib/util/random';
import { GridQuantizer, KMeansQuantizer, LeaderQuantizer, Quantizer } from '../../../probes/automata/quantize';

/** `blobs` well-separated Gaussian blobs in `dim` dimensions; returns the points and their true blob. */
function blobs(count: number, perBlob: number, dim: number, spread: number, seed: number, drawSeed = seed + 1000) {
  const centreRng = new Rng(seed);
  const centres = Array.from({ length: count }, () => Array.from({ length: dim }, () => centreRng.normal() * 10));
  const rng = new Rng(drawSeed);
  const points: Float32Array[] = [];
  const truth: number[] = [];
  for (let i = 0; i < count * perBlob; i++) {
    const b = i % count;
    points.push(Float32Array.from(centres[b], (x) => x + spread * rng.normal()));
    truth.push(b);
  }
  return { points, truth };
}

/** True when the quantizer's cells are exactly the true groups (a bijection between cell ids and groups). */
function recovers(q: Quantizer, points: Float32Array[], truth: number[]): boolean {
  const cellOfGroup = new Map<number, number>();
  const groupOfCell = new Map<number, number>();
  return points.every((p, i) => {
    const c = q.assign(p);
    const g = truth[i];
    if (!cellOfGroup.has(g)) cellOfGroup.set(g, c);
    if (!groupOfCell.has(c)) groupOfCell.set(c, g);
    return cellOfGroup.get(g) === c && groupOfCell.get(c) === g;
  });
}

describe('KMeansQuantizer', () => {
  const { points, truth } = blobs(6, 40, 8, 0.5, 1);

  test('recovers well-separated blobs and assigns held-out points to their blob', () => {
    const q = new KMeansQuantizer({ k: 6, seed: 3 }).fit(points);
    expect(q.k).toBe(6);
    expect(recovers(q, points, truth)).toBe(true);
    const heldOut = blobs(6, 5, 8, 0.5, 1, 77); // same centres, fresh draws
    expect(recovers(q, heldOut.points, heldOut.truth)).toBe(true);
  });

  test('is reproducible for a seed, and more restarts never give a worse inertia', () => {
    const a = new KMeansQuantizer({ k: 4, seed: 9 }).fit(points);
    const b = new KMeansQuantizer({ k: 4, seed: 9 }).fit(points);
    expect(a.centroids).toEqual(b.centroids);
    const one = new KMeansQuantizer({ k: 4, seed: 9, restarts: 1 }).fit(points);
    expect(a.inertia).toBeLessThanOrEqual(one.inertia + 1e-9);
  });

  test('inertia is the sum of squared distances to the assigned centroid', () => {
    const q = new KMeansQuantizer({ k: 3, seed: 0 }).fit(points);
    let sum = 0;
    for (const p of points) {
      const c = q.centroids[q.assign(p)];
      for (let j = 0; j < p.length; j++) sum += (p[j] - c[j]) ** 2;
    }
    expect(q.inertia).toBeCloseTo(sum, 6);
  });

  test('more clusters than distinct points does not crash', () => {
    const q = new KMeansQuantizer({ k: 5, seed: 0 }).fit([[0, 0], [0, 0], [1, 1]]);
    expect(q.assign([0, 0])).not.toBe(q.assign([1, 1]));
  });

  test('rejects bad config and use before fit', () => {
    expect(() => new KMeansQuantizer({ k: 0 })).toThrow(/kmeans\.k/);
    expect(() => new KMeansQuantizer({ k: 2 }).assign([0])).toThrow(/fit/);
  });
});

describe('LeaderQuantizer', () => {
  const { points, truth } = blobs(5, 30, 6, 0.3, 2);

  test('a radius between blob size and blob distance finds the blobs', () => {
    const q = new LeaderQuantizer({ radius: 4 }).fit(points);
    expect(q.k).toBe(5);
    expect(recovers(q, points, truth)).toBe(true);
  });

  test('a huge radius gives one cell, a tiny one a cell per point', () => {
    expect(new LeaderQuantizer({ radius: 1e6 }).fit(points).k).toBe(1);
    expect(new LeaderQuantizer({ radius: 1e-6 }).fit(points).k).toBe(points.length);
  });
});

describe('GridQuantizer', () => {
  test('Omlin–Giles intervals: two bins per unit split the plane into quadrants', () => {
    const pts = [
      [0.1, 0.1],
      [0.2, 0.3],
      [0.9, 0.1],
      [0.8, 0.2],
      [0.1, 0.9],
      [0.9, 0.9],
    ];
    const q = new GridQuantizer({ bins: 2, range: [0, 1] }).fit(pts);
    expect(q.k).toBe(4);
    expect(q.assign([0.3, 0.4])).toBe(q.assign([0.1, 0.1]));
    expect(q.assign([0.6, 0.4])).toBe(q.assign([0.9, 0.1]));
    expect(new Set(pts.map((p) => q.assign(p))).size).toBe(4);
  });

  test('only the chosen units are partitioned; unseen cells fall back to the nearest occupied one', () => {
    const q = new GridQuantizer({ bins: 3, dims: [0], range: [0, 3] }).fit([
      [0.5, 100],
      [2.5, -100],
    ]);
    expect(q.k).toBe(2);
    expect(q.assign([0.5, -100])).toBe(q.assign([0.5, 100]));
    // cell [1,2) was never occupied: nearest centre wins
    expect(q.assign([1.9, -100])).toBe(q.assign([2.5, -100]));
  });
});
