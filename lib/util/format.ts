/** Number formatting shared by printed tables and headlines (the CLI, workload evaluation tables). */

/** Integers as they are, large numbers with one decimal, others with three. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(3);
}

/** A fraction as a percentage with one decimal; '—' when undefined. */
export function percent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—';
}
