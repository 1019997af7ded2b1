/**
 * Quantizers: partitions of hidden space whose cells become automaton states. sklearn-style: configuration in the
 * constructor, `fit` returns this, learned state (`centroids`, `k`) is only meaningful after fit.
 *
 * - KMeansQuantizer: k-means++ seeding, Lloyd iterations, best of several seeded restarts.
 * - LeaderQuantizer: ε-ball leader clustering; k follows from the radius instead of being chosen.
 * - GridQuantizer: Omlin & Giles interval partitioning (q equal intervals per unit); k = number of occupied cells.
 *
 * Any classifier with `assign` (e.g. a probe predicting ground-truth states) can stand in for these.
 */
import { ComplensError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/random';
import { requireInt, requireNumber } from '../../lib/util/validate';
import { Vector } from './trace';

export interface Quantizer {
  /** Short method name for reports, e.g. "kmeans". */
  readonly method: string;
  /** Number of cells (states) after fit. */
  readonly k: number;
  fit(vectors: readonly Vector[]): this;
  /** Cell id in [0, k) of a vector; vectors outside every fitted cell go to the nearest centroid. */
  assign(vector: Vector): number;
}

export function squaredDistance(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/** Index of the nearest centroid and its squared distance (ties → lowest index, so assignments are reproducible). */
export function nearest(centroids: readonly Vector[], v: Vector): { index: number; distance: number } {
  let index = -1;
  let distance = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const d = squaredDistance(centroids[c], v);
    if (d < distance) {
      distance = d;
      index = c;
    }
  }
  return { index, distance };
}

function meanOf(vectors: readonly Vector[], members: readonly number[], dim: number): Float64Array {
  const m = new Float64Array(dim);
  for (const i of members) for (let j = 0; j < dim; j++) m[j] += vectors[i][j];
  for (let j = 0; j < dim; j++) m[j] /= Math.max(1, members.length);
  return m;
}

function requireVectors(vectors: readonly Vector[], who: string): number {
  if (!Array.isArray(vectors) || vectors.length === 0) throw new ComplensError(`${who}.fit: needs at least one vector`);
  return vectors[0].length;
}

function requireFitted(centroids: readonly Vector[], who: string): void {
  if (centroids.length === 0) throw new ComplensError(`${who}.assign: call fit() first`);
}

export interface KMeansOptions {
  k: number;
  /** Independent k-means++ runs; the one with the lowest inertia wins. Default 5. */
  restarts?: number;
  /** Lloyd iterations per run. Default 100. */
  maxIter?: number;
  /** Default 0. */
  seed?: number;
}

export class KMeansQuantizer implements Quantizer {
  readonly method = 'kmeans';
  readonly k: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly seed: number;
  /** Learned: cluster means. */
  centroids: Float64Array[] = [];
  /** Learned: sum of squared distances of the fitted vectors to their centroids. */
  inertia = NaN;

  constructor(options: KMeansOptions) {
    this.k = requireInt(options.k, 'kmeans.k', 1);
    this.restarts = requireInt(options.restarts ?? 5, 'kmeans.restarts', 1);
    this.maxIter = requireInt(options.maxIter ?? 100, 'kmeans.maxIter', 1);
    this.seed = requireNumber(options.seed ?? 0, 'kmeans.seed');
  }

  fit(vectors: readonly Vector[]): this {
    const dim = requireVectors(vectors, 'KMeansQuantizer');
    let best: { centroids: Float64Array[]; inertia: number } | undefined;
    for (let r = 0; r < this.restarts; r++) {
      const run = lloyd(vectors, dim, plusPlusInit(vectors, this.k, Rng.derive(this.seed, `kmeans-restart-${r}`)), this.maxIter);
      if (!best || run.inertia < best.inertia) best = run;
    }
    this.centroids = best!.centroids;
    this.inertia = best!.inertia;
    return this;
  }

  assign(vector: Vector): number {
    requireFitted(this.centroids, 'KMeansQuantizer');
    return nearest(this.centroids, vector).index;
  }
}

/** k-means++ (Arthur & Vassilvitskii 2007): each next seed drawn with probability ∝ squared distance to the seeds so far. */
function plusPlusInit(vectors: readonly Vector[], k: number, rng: Rng): Float64Array[] {
  const n = vectors.length;
  const centroids = [Float64Array.from(vectors[rng.int(n)])];
  const d2 = vectors.map((v) => squaredDistance(v, centroids[0]));
  while (centroids.length < k) {
    const total = d2.reduce((a, b) => a + b, 0);
    let pick = rng.int(n); // all points coincide with seeds: any choice is as good (the cluster stays empty)
    if (total > 0) {
      let r = rng.next() * total;
      for (pick = 0; pick < n - 1; pick++) {
        r -= d2[pick];
        if (r < 0) break;
      }
    }
    const c = Float64Array.from(vectors[pick]);
    centroids.push(c);
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i], squaredDistance(vectors[i], c));
  }
  return centroids;
}

function lloyd(vectors: readonly Vector[], dim: number, centroids: Float64Array[], maxIter: number) {
  const n = vectors.length;
  const k = centroids.length;
  const assignment = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const { index, distance } = nearest(centroids, vectors[i]);
      dist[i] = distance;
      if (assignment[i] !== index) {
        assignment[i] = index;
        changed = true;
      }
    }
    if (!changed && iter > 0) break;
    const members: number[][] = Array.from({ length: k }, () => []);
    for (let i = 0; i < n; i++) members[assignment[i]].push(i);
    for (let c = 0; c < k; c++) {
      if (members[c].length > 0) {
        centroids[c] = meanOf(vectors, members[c], dim);
      } else {
        // An empty cluster is re-seeded at the worst-served point, the usual fix; it wins that point next round.
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
        if (dist[far] > 0) {
          centroids[c] = Float64Array.from(vectors[far]);
          dist[far] = 0;
        }
      }
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += nearest(centroids, vectors[i]).distance;
  return { centroids, inertia };
}

export interface LeaderOptions {
  /** Euclidean radius of a cell: a vector farther than this from every leader founds a new cell. */
  radius: number;
  /**
   * Replace each leader by the mean of its members after the pass (default true). Keeps cells centred on the data
   * rather than on whichever vector happened to come first.
   */
  recenter?: boolean;
  /** When given, vectors are visited in a seeded random order instead of the given order. */
  seed?: number;
}

export class LeaderQuantizer implements Quantizer {
  readonly method = 'leader';
  readonly radius: number;
  readonly recenter: boolean;
  readonly seed?: number;
  /** Learned: one centre per cell. */
  centroids: Float64Array[] = [];

  constructor(options: LeaderOptions) {
    this.radius = requireNumber(options.radius, 'leader.radius', 0);
    this.recenter = options.recenter ?? true;
    this.seed = options.seed === undefined ? undefined : requireNumber(options.seed, 'leader.seed');
  }

  get k(): number {
    return this.centroids.length;
  }

  fit(vectors: readonly Vector[]): this {
    const dim = requireVectors(vectors, 'LeaderQuantizer');
    const order = vectors.map((_, i) => i);
    if (this.seed !== undefined) new Rng(this.seed).shuffleInPlace(order);
    const r2 = this.radius * this.radius;
    const leaders: Float64Array[] = [];
    const members: number[][] = [];
    for (const i of order) {
      const { index, distance } = nearest(leaders, vectors[i]);
      if (index >= 0 && distance <= r2) members[index].push(i);
      else {
        leaders.push(Float64Array.from(vectors[i]));
        members.push([i]);
      }
    }
    this.centroids = this.recenter ? members.map((m) => meanOf(vectors, m, dim)) : leaders;
    return this;
  }

  assign(vector: Vector): number {
    requireFitted(this.centroids, 'LeaderQuantizer');
    return nearest(this.centroids, vector).index;
  }
}

export interface GridOptions {
  /** Intervals per unit (Omlin & Giles' q). Default 2. */
  bins?: number;
  /** Which units to partition (default all). Grids grow as bins^dims, so pick few units in wide layers. */
  dims?: number[];
  /** Fixed activation range, e.g. [-1, 1] for tanh or [0, 1] for sigmoid units; default: per unit min/max of the data. */
  range?: [number, number];
}

export class GridQuantizer implements Quantizer {
  readonly method = 'grid';
  readonly bins: number;
  readonly dims?: number[];
  readonly range?: [number, number];
  /** Learned: centre of the data in each occupied cell, indexed by cell id. */
  centroids: Float64Array[] = [];
  private lo: number[] = [];
  private hi: number[] = [];
  private cellIds = new Map<string, number>();

  constructor(options: GridOptions = {}) {
    this.bins = requireInt(options.bins ?? 2, 'grid.bins', 1);
    this.dims = options.dims;
    this.range = options.range;
  }

  get k(): number {
    return this.centroids.length;
  }

  fit(vectors: readonly Vector[]): this {
    const dim = requireVectors(vectors, 'GridQuantizer');
    const units = this.dims ?? Array.from({ length: dim }, (_, i) => i);
    units.forEach((u, i) => requireInt(u, `grid.dims[${i}]`, 0, dim - 1));
    // reduce, not Math.min(...): spreading 10^5+ values overflows the call stack.
    this.lo = units.map((u) => (this.range ? this.range[0] : vectors.reduce((m, v) => Math.min(m, v[u]), Infinity)));
    this.hi = units.map((u) => (this.range ? this.range[1] : vectors.reduce((m, v) => Math.max(m, v[u]), -Infinity)));
    this.cellIds = new Map();
    const members: number[][] = [];
    vectors.forEach((v, i) => {
      const key = this.cellKey(v, units);
      let id = this.cellIds.get(key);
      if (id === undefined) {
        id = members.length;
        this.cellIds.set(key, id);
        members.push([]);
      }
      members[id].push(i);
    });
    this.centroids = members.map((m) => meanOf(vectors, m, dim));
    return this;
  }

  assign(vector: Vector): number {
    requireFitted(this.centroids, 'GridQuantizer');
    const units = this.dims ?? Array.from({ length: vector.length }, (_, i) => i);
    // Cells never seen in fit have no state; the nearest occupied cell's centre is the least surprising stand-in.
    return this.cellIds.get(this.cellKey(vector, units)) ?? nearest(this.centroids, vector).index;
  }

  private cellKey(v: Vector, units: readonly number[]): string {
    return units
      .map((u, i) => {
        const width = this.hi[i] - this.lo[i];
        const b = width > 0 ? Math.floor(((v[u] - this.lo[i]) / width) * this.bins) : 0;
        return Math.min(this.bins - 1, Math.max(0, b));
      })
      .join(',');
  }
}
