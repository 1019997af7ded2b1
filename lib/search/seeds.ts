/**
 * Seed lists ("0..9999", "1,5,10..12") and the job plan built from them.
 */
import type { LookupRegime } from '../tasks/lookup';
import { UsageError } from '../util/errors';
import { makeJob, SearchJob, SearchVariant } from './types';

/** Seeds are unsigned 32-bit integers (the trainers' and Rng's range). */
export const MAX_SEED = 2 ** 32 - 1;
/** A plan larger than this is almost surely a typo (and would not fit in memory comfortably). */
export const MAX_SEEDS = 10_000_000;

/**
 * Parses a comma-separated list of seeds and inclusive ranges: "0..9999", "3", "0..4,10,20..21". Duplicates are
 * dropped (first occurrence wins), order is kept. Errors are UsageErrors naming `flag`.
 */
export function parseSeedList(text: string, flag = '--seeds'): number[] {
  const bad = (why: string) => new UsageError(`${flag}: ${why} (expected e.g. 0..9999 or 1,5,10..12), got ${JSON.stringify(text)}`);
  if (typeof text !== 'string' || text.trim() === '') throw bad('empty seed list');
  const out: number[] = [];
  const seen = new Set<number>();
  const push = (n: number) => {
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  };
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(part);
    if (!m) throw bad(`"${part}" is not a seed or a range a..b`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > MAX_SEED || hi > MAX_SEED) throw bad(`seeds must be at most ${MAX_SEED}`);
    if (hi < lo) throw bad(`range ${part} is empty (the end is below the start)`);
    if (out.length + (hi - lo + 1) > MAX_SEEDS) throw bad(`more than ${MAX_SEEDS} seeds`);
    for (let s = lo; s <= hi; s++) push(s);
  }
  return out;
}

export interface JobPlan {
  /** Initialisation seeds. */
  seeds: number[];
  /** Data-order seeds; when absent each model uses its init seed as data-order seed ("paired"). */
  dataSeeds?: number[];
  regimes: LookupRegime[];
}

/**
 * Jobs of one variant in a stable order: regime, then init seed, then data-order seed. With `dataSeeds` the plan is
 * the full grid seeds × dataSeeds (init and order varied independently); without, dataSeed = initSeed.
 */
export function planJobs(plan: JobPlan, variant: SearchVariant = 'haystack'): SearchJob[] {
  const jobs: SearchJob[] = [];
  for (const regime of plan.regimes) {
    for (const init of plan.seeds) {
      for (const data of plan.dataSeeds ?? [init]) jobs.push(makeJob(variant, init, data, regime));
    }
  }
  return jobs;
}
