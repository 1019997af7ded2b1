/** Summary statistics shared by the instruments, the search summary and the benches. */

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n − 1). */
  sd: number;
  /** Finite values counted. */
  n: number;
}

/**
 * Mean and sample standard deviation (n − 1) of the finite values (NaN and ±∞ are left out and not counted).
 * No values give NaN for both. One value has no spread to estimate: its sd is `single`, 0 by default (what a
 * table of scores shows); pass `{ single: NaN }` where "undefined" must stay visible, as in per-seed summaries.
 *
 *   meanSd([0.5, 0.7])                   // { mean: 0.6, sd: 0.1414…, n: 2 }
 *   meanSd([0.5], { single: NaN }).sd    // NaN
 */
export function meanSd(values: readonly number[], options: { single?: number } = {}): MeanSd {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: options.single ?? 0, n };
  return { mean, sd: Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)), n };
}
