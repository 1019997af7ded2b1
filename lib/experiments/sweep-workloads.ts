/**
 * What a sweep does differently per vector workload, in one place (the workload registry, lib/workloads, will
 * take these entries over): the axes a grid varies, how a grid point is keyed, the progress headline and what the
 * chart plots.
 */
import type { VectorWorkload } from '../train/vector-job';

export interface GridPoint {
  width: number;
  /** null where the workload has no held-out-fraction axis. */
  fracOod: number | null;
  support: string | null;
  seed: number;
}

export interface SweepWorkload {
  /** The held-out fraction and support (coverage) axes apply: the grid varies them and the chart facets by them. */
  coverageAxes: boolean;
  key(p: GridPoint): string;
  headline(m: Record<string, number>): string;
  /** The chart's series: one line per (metric, label), or per split when `bySplit`. */
  chart: { title: string; yTitle: string; series: readonly (readonly [metric: string, label: string])[]; bySplit: boolean };
}

const fixed = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : String(x));
const pct = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');

export const SWEEP_WORKLOADS: Record<VectorWorkload, SweepWorkload> = {
  hyperteacher: {
    coverageAxes: true,
    key: (p) => `w${p.width}-f${p.fracOod}-${p.support}-s${p.seed}`,
    headline: (m) => `ID R² ${fixed(m.idR2)}, OOD R² ${fixed(m.oodR2)}`,
    chart: { title: 'Hyperteacher: R² vs MLP width (Redhardt et al. 2025, C.6)', yTitle: 'R² (mean over seeds)', series: [['idR2', 'ID (test) R²'], ['oodR2', 'OOD R²']], bySplit: false },
  },
  subroutines: {
    coverageAxes: false,
    key: (p) => `w${p.width}-s${p.seed}`,
    headline: (m) => `only_A ${pct(m.only_A)}, only_B ${pct(m.only_B)}, both ${pct(m.both)}`,
    chart: { title: 'Subroutines: odd-one-out accuracy vs MLP width', yTitle: 'accuracy (mean over seeds)', series: [['base_test', 'base_test'], ['only_A', 'only_A'], ['only_B', 'only_B'], ['both', 'both']], bySplit: true },
  },
};
