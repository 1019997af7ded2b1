/**
 * The sweep's line chart: x = hidden width (log₂), y = mean over seeds (with a standard-error bar when there are
 * several). Layout from the workload's sweep entry: 'metric' (hyperteacher) draws one column per chart metric (ID and
 * OOD R²), colour = the first axis (held-out fraction), one row per value of the second (support) when it has
 * several; 'colour' (subroutines) draws one panel, colour = metric (split).
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../report/charts';
import { csvText } from '../util/csv';
import { ComplensError } from '../util/errors';
import { getWorkload, workloadNames, WorkloadSweep } from '../workloads';
import type { SweepResults, SweepRow } from './sweep';

/** The workload's sweep entry (lib/workloads), or an error naming the workloads that have one. */
export function sweepOf(workload: string): WorkloadSweep {
  const sweep = getWorkload(workload).sweep;
  if (!sweep) throw new ComplensError(`the ${workload} workload has no sweep (workloads with one: ${sweepableWorkloads().join(', ')})`);
  return sweep;
}

export function sweepableWorkloads(): string[] {
  return workloadNames().filter((n) => getWorkload(n).sweep !== undefined);
}

export function chartSpec(results: SweepResults): TopLevelSpec {
  const sweep = sweepOf(results.workload);
  const byMetric = sweep.chartLayout === 'metric';
  const [colourAxis, rowAxis] = sweep.axes;
  const seedsPer = new Map<string, number>();
  const values: Record<string, unknown>[] = [];
  for (const r of results.rows) {
    const axes = Object.fromEntries(sweep.axes.map((a) => [a.name, r[a.name]]));
    for (const { key, label } of sweep.chartMetrics) {
      const value = r.metrics[key];
      if (!byMetric && value === undefined) continue;
      const group = [r.width, ...Object.values(axes), key].join('|');
      seedsPer.set(group, (seedsPer.get(group) ?? 0) + 1);
      values.push({ width: r.width, ...axes, seed: r.seed, metric: label, value });
    }
  }
  const finite = values.map((v) => v.value as number).filter(Number.isFinite);
  // R² of a poor model can be far below 0; `clipBelow` keeps the interesting range readable.
  const lo = sweep.clipBelow !== undefined ? Math.max(sweep.clipBelow, Math.min(0, ...finite)) : 0;
  const x = { field: 'width', type: 'quantitative', title: 'hidden width', scale: { type: 'log', base: 2 } } as const;
  const color = byMetric && colourAxis
    ? { field: colourAxis.name, type: colourAxis.type === 'number' ? 'ordinal' : 'nominal', title: colourAxis.help }
    : { field: 'metric', type: 'nominal', title: 'metric' };
  const y = { field: 'value', type: 'quantitative', title: sweep.yTitle, scale: { domain: [lo, 1] } } as const;
  const layers: Record<string, unknown>[] = [
    { mark: { type: 'line', point: true, clip: true }, encoding: { x, y: { ...y, aggregate: 'mean' }, color } },
  ];
  if ([...seedsPer.values()].some((n) => n > 1)) layers.push({ mark: { type: 'errorbar', extent: 'stderr', clip: true }, encoding: { x, y, color } });
  const rowValues = rowAxis ? new Set(results.rows.map((r) => r[rowAxis.name])) : new Set();
  const spec: Record<string, unknown> = byMetric
    ? {
        data: { values },
        facet: {
          column: { field: 'metric', type: 'nominal', title: null, sort: sweep.chartMetrics.map((m) => m.label) },
          ...(rowAxis && rowValues.size > 1 ? { row: { field: rowAxis.name, type: 'nominal' } } : {}),
        },
        spec: { width: 220, height: 180, layer: layers },
      }
    : { data: { values }, width: 280, height: 200, layer: layers };
  return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: sweep.chartTitle, ...spec, config: chartConfig } as unknown as TopLevelSpec;
}

/** Metric columns in the order they first appear. */
function metricColumns(rows: readonly SweepRow[]): string[] {
  const seen: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.metrics)) if (!seen.includes(k)) seen.push(k);
  return seen;
}

export function toCsv(results: SweepResults): string {
  const metrics = metricColumns(results.rows);
  const axes = sweepOf(results.workload).axes.map((a) => a.name);
  const head = ['key', 'width', 'depth', ...axes, 'seed', 'steps', 'seconds', 'msPerStep', ...metrics, 'checkpoint'];
  return csvText(head, results.rows.map((r) => [r.key, r.width, r.depth, ...axes.map((a) => r[a]), r.seed, r.steps, r.seconds, r.msPerStep, ...metrics.map((m) => r.metrics[m]), r.checkpoint]));
}
