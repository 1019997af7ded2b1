/**
 * Which models keep a checkpoint: per regime, the `best` highest zero-shot models, the `worst` lowest zero-shot
 * models among those that fit the training set (memorizers, the contrast later instruments need), and a uniform
 * random sample of `random` models. Each category is a bottom-k under a strict total order of rows (diverged
 * models are in none):
 *
 *   best:   zero-shot desc, zero-shot token accuracy desc, tie hash asc
 *   worst:  (only rows whose training stopped on accuracy) zero-shot asc, token accuracy asc, tie hash asc
 *   random: sample hash asc
 *
 * where the hashes are seeded (sampleSeed) functions of the row key. Because the orders are total and fixed, the
 * kept set after any sequence of rows is the same set, whatever order rows arrive in (parallel workers, resumed
 * runs): a row that is not kept when it arrives can never be kept later, and a kept row is evicted only by a better
 * one. That is what makes retention resumable and lets queue workers skip sending weights that cannot be kept
 * (`mightKeep` with a snapshot of the current thresholds).
 */
import { Rng } from '../util/random';
import { RetentionSettings } from './config';
import { SearchRow, ZERO_SHOT_SPLIT } from './types';

export const RETENTION_CATEGORIES = ['best', 'worst', 'random'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

type SortKey = number[];

interface Entry {
  key: string;
  sort: SortKey;
}

function compare(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function hash01(seed: number, label: string): number {
  return Rng.derive(seed, label).next();
}

/** The sort key of `row` in `category`, or undefined when the row is not eligible. Smaller is kept first. */
export function sortKey(row: SearchRow, category: RetentionCategory, sampleSeed: number): SortKey | undefined {
  // A diverged model's weights are not finite: nothing to keep, and not a memorizer either.
  if (row.train.stoppedBecause === 'diverged' || !Number.isFinite(row.zeroShot)) return undefined;
  const tok = row.splits[ZERO_SHOT_SPLIT]?.tok ?? 0;
  switch (category) {
    case 'best':
      return [-row.zeroShot, -tok, hash01(sampleSeed, 'tie:' + row.key)];
    case 'worst':
      if (row.train.stoppedBecause !== 'accuracy') return undefined;
      return [row.zeroShot, tok, hash01(sampleSeed, 'tie:' + row.key)];
    case 'random':
      return [hash01(sampleSeed, 'sample:' + row.key)];
  }
}

/** Per regime and category: the largest sort key still kept when the category is full (absent = not full). */
export type RetentionSnapshot = Record<string, Partial<Record<RetentionCategory, SortKey>>>;

export interface Decision {
  /** Categories the row entered. */
  keep: RetentionCategory[];
  /** Keys that left every category (their checkpoints can go). */
  evicted: string[];
}

export class Retention {
  private readonly lists = new Map<string, Record<RetentionCategory, Entry[]>>();
  /** key → categories it is in. */
  private readonly membership = new Map<string, Set<RetentionCategory>>();

  constructor(readonly settings: RetentionSettings) {}

  private limit(category: RetentionCategory): number {
    return this.settings[category];
  }

  private group(regime: string): Record<RetentionCategory, Entry[]> {
    let g = this.lists.get(regime);
    if (!g) this.lists.set(regime, (g = { best: [], worst: [], random: [] }));
    return g;
  }

  /** Whether `row` would be kept now, without changing anything. */
  wouldKeep(row: SearchRow): boolean {
    return mightKeep(row, this.snapshot(), this.settings);
  }

  /** Adds a row: returns the categories it entered and the keys that dropped out of every category. */
  add(row: SearchRow): Decision {
    const g = this.group(row.regime);
    const keep: RetentionCategory[] = [];
    const dropped: string[] = [];
    for (const category of RETENTION_CATEGORIES) {
      const limit = this.limit(category);
      const sort = sortKey(row, category, this.settings.sampleSeed);
      if (limit === 0 || !sort) continue;
      const list = g[category];
      if (list.length >= limit && compare(sort, list[list.length - 1].sort) >= 0) continue;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compare(list[mid].sort, sort) <= 0) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, { key: row.key, sort });
      keep.push(category);
      this.member(row.key).add(category);
      if (list.length > limit) {
        const out = list.pop()!;
        const m = this.member(out.key);
        m.delete(category);
        if (m.size === 0) {
          this.membership.delete(out.key);
          dropped.push(out.key);
        }
      }
    }
    return { keep, evicted: dropped.filter((k) => k !== row.key) };
  }

  private member(key: string): Set<RetentionCategory> {
    let m = this.membership.get(key);
    if (!m) this.membership.set(key, (m = new Set()));
    return m;
  }

  isKept(key: string): boolean {
    return (this.membership.get(key)?.size ?? 0) > 0;
  }

  categoriesOf(key: string): RetentionCategory[] {
    return RETENTION_CATEGORIES.filter((c) => this.membership.get(key)?.has(c));
  }

  keptKeys(): string[] {
    return [...this.membership.keys()];
  }

  /** Kept keys per regime and category, in rank order. */
  ranked(): Record<string, Record<RetentionCategory, string[]>> {
    const out: Record<string, Record<RetentionCategory, string[]>> = {};
    for (const [regime, g] of this.lists) {
      out[regime] = { best: g.best.map((e) => e.key), worst: g.worst.map((e) => e.key), random: g.random.map((e) => e.key) };
    }
    return out;
  }

  snapshot(): RetentionSnapshot {
    const snap: RetentionSnapshot = {};
    for (const [regime, g] of this.lists) {
      snap[regime] = {};
      for (const c of RETENTION_CATEGORIES) {
        if (g[c].length >= this.limit(c) && g[c].length > 0) snap[regime][c] = g[c][g[c].length - 1].sort;
      }
    }
    return snap;
  }
}

/**
 * Whether a row could still be kept given a (possibly stale) snapshot. Thresholds only tighten as rows arrive, so
 * false here means the row will not be kept by the coordinator either: its weights need not travel.
 */
export function mightKeep(row: SearchRow, snapshot: RetentionSnapshot | undefined, settings: RetentionSettings): boolean {
  for (const category of RETENTION_CATEGORIES) {
    if (settings[category] === 0) continue;
    const sort = sortKey(row, category, settings.sampleSeed);
    if (!sort) continue;
    const bound = snapshot?.[row.regime]?.[category];
    if (!bound || compare(sort, bound) < 0) return true;
  }
  return false;
}
