/**
 * The sweep's line chart: x = hidden width (log₂), y = mean over seeds (with a standard-error bar when there are
 * several). Workloads with coverage axes (hyperteacher): colour = held-out fraction, one column per metric (ID and
 * OOD R²), one row per support; others (subroutines): colour = split.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../report/charts';
import { csvText } from '../util/csv';
import type { SweepResults, SweepRow } from './sweep';
import { SWEEP_WORKLOADS } from './sweep-workloads';

export function chartSpec(results: SweepResults): TopLevelSpec {
  const w = SWEEP_WORKLOADS[results.workload];
  const faceted = w.coverageAxes;
  const seedsPer = new Map<string, number>();
  const values: Record<string, unknown>[] = [];
  for (const r of results.rows) {
    for (const [metric, label] of w.chart.series) {
      const value = r.metrics[metric];
      if (w.chart.bySplit && value === undefined) continue;
      const group = faceted ? `${r.width}|${r.fracOod}|${r.support}|${metric}` : `${r.width}|${metric}`;
      seedsPer.set(group, (seedsPer.get(group) ?? 0) + 1);
      values.push(
        w.chart.bySplit
          ? { width: r.width, seed: r.seed, split: label, value }
          : { width: r.width, fracOod: r.fracOod, support: r.support, seed: r.seed, metric: label, value },
      );
    }
  }
  const finite = values.map((v) => v.value as number).filter(Number.isFinite);
  // R² of a poor model can be far below 0; clip the axis at −1 so the interesting range stays readable.
  const lo = w.chart.bySplit ? 0 : Math.max(-1, Math.min(0, ...finite));
  const x = { field: 'width', type: 'quantitative', title: 'hidden width', scale: { type: 'log', base: 2 } } as const;
  const color = faceted ? ({ field: 'fracOod', type: 'ordinal', title: 'held-out fraction' } as const) : ({ field: 'split', type: 'nominal', title: 'split' } as const);
  const y = { field: 'value', type: 'quantitative', title: w.chart.yTitle, scale: { domain: [lo, 1] } } as const;
  const layers: Record<string, unknown>[] = [
    { mark: { type: 'line', point: true, clip: true }, encoding: { x, y: { ...y, aggregate: 'mean' }, color } },
  ];
  if ([...seedsPer.values()].some((n) => n > 1)) layers.push({ mark: { type: 'errorbar', extent: 'stderr', clip: true }, encoding: { x, y, color } });
  const supports = new Set(results.rows.map((r) => r.support));
  const spec: Record<string, unknown> = faceted
    ? {
        data: { values },
        facet: { column: { field: 'metric', type: 'nominal', title: null, sort: w.chart.series.map(([, label]) => label) }, ...(supports.size > 1 ? { row: { field: 'support', type: 'nominal' } } : {}) },
        spec: { width: 220, height: 180, layer: layers },
      }
    : { data: { values }, width: 280, height: 200, layer: layers };
  return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: w.chart.title, ...spec, config: chartConfig } as unknown as TopLevelSpec;
}

/** Metric columns in the order they first appear. */
function metricColumns(rows: readonly SweepRow[]): string[] {
  const seen: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.metrics)) if (!seen.includes(k)) seen.push(k);
  return seen;
}

export function toCsv(results: SweepResults): string {
  const metrics = metricColumns(results.rows);
  const head = ['key', 'width', 'depth', 'fracOod', 'support', 'seed', 'steps', 'seconds', 'msPerStep', ...metrics, 'checkpoint'];
  return csvText(head, results.rows.map((r) => [r.key, r.width, r.depth, r.fracOod, r.support, r.seed, r.steps, r.seconds, r.msPerStep, ...metrics.map((m) => r.metrics[m]), r.checkpoint]));
}
