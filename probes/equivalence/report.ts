/** Equivalence results as an arquero table (ranked) and a vega-lite bar chart (relation → fraction explained). */
import * as aq from 'arquero';
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../charts/theme';
import { EquivalenceResult } from './types';

export type EquivalenceTable = ReturnType<typeof aq.table>;

export interface ReportOptions {
  /** Keep relations that predicted nothing on this split (default false). */
  includeNotApplicable?: boolean;
  /** Keep only the first `top` ranked relations (default: all for tables, 15 for charts). */
  top?: number;
}

function selected(result: EquivalenceResult, options: ReportOptions, defaultTop: number) {
  const rows = result.relations.filter((r) => options.includeNotApplicable || r.predicted > 0);
  return rows.slice(0, options.top ?? defaultTop);
}

/** One row per relation, best first: rank, relation, family, explained, fraction, predicted, precision, baseline, truth. */
export function equivalenceTable(result: EquivalenceResult, options: ReportOptions = {}): EquivalenceTable {
  const rows = selected(result, options, Infinity);
  return aq.table({
    rank: Int32Array.from(rows, (r) => r.rank),
    relation: rows.map((r) => r.name),
    family: rows.map((r) => r.family),
    explained: Int32Array.from(rows, (r) => r.explained),
    fraction: Float64Array.from(rows, (r) => r.fraction),
    predicted: Int32Array.from(rows, (r) => r.predicted),
    precision: Float64Array.from(rows, (r) => r.precision),
    baseline: Float64Array.from(rows, (r) => r.baseline),
    truth: rows.map((r) => r.isTruth),
  });
}

/**
 * Horizontal bars of the fraction of OOD outputs each relation explains (best first), with a tick at its chance
 * level and a last bar for the outputs no candidate explains.
 */
export function equivalenceChartSpec(result: EquivalenceResult, options: ReportOptions & { title?: string } = {}): TopLevelSpec {
  const rows = selected(result, options, 15).map((r) => ({
    relation: r.name,
    family: r.family,
    fraction: r.fraction,
    baseline: r.baseline,
    explained: r.explained,
    predicted: r.predicted,
  }));
  rows.push({
    relation: '(unexplained)',
    family: 'unexplained',
    fraction: result.unexplained.fraction,
    baseline: NaN,
    explained: result.unexplained.count,
    predicted: result.count,
  });
  const order = rows.map((r) => r.relation);
  const y = { field: 'relation', type: 'nominal', sort: order, title: null, axis: { labelLimit: 320 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? `${result.task} · ${result.split}: OOD outputs explained (exact accuracy ${(result.exactAccuracy * 100).toFixed(1)}%)`,
    width: 360,
    data: { values: rows.map((r) => ({ ...r, baseline: Number.isFinite(r.baseline) ? r.baseline : null })) },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'fraction', type: 'quantitative', title: 'fraction of OOD outputs explained', scale: { domain: [0, 1] }, axis: { format: '%' } },
          color: { field: 'family', type: 'nominal', title: 'family', scale: { scheme: 'tableau10' } },
          tooltip: [
            { field: 'relation' },
            { field: 'family' },
            { field: 'fraction', format: '.1%' },
            { field: 'explained' },
            { field: 'predicted' },
            { field: 'baseline', title: 'chance', format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x: { field: 'baseline', type: 'quantitative' } },
      },
    ],
    config: chartConfig,
  } as TopLevelSpec;
}
