/** Layer × label → selectivity, the overview chart of a probing sweep (one probeWithControls per cell). */
import type { TopLevelSpec } from 'vega-lite';
import { heatmapSpec } from '../charts/heatmap';

export interface SelectivityCell {
  layer: string | number;
  label: string;
  selectivity: number;
}

export function selectivityHeatmap(
  rows: readonly SelectivityCell[],
  options: { title?: string; labelFormat?: string; domain?: [number, number] } = {},
): TopLevelSpec {
  return heatmapSpec(rows as unknown as Record<string, unknown>[], {
    x: 'label',
    y: 'layer',
    color: 'selectivity',
    title: options.title ?? 'Probe selectivity (accuracy − control accuracy)',
    // Selectivity is a difference of accuracies; a fixed [0, 1] scale keeps sweeps comparable (override for negatives).
    domain: options.domain ?? [0, 1],
    labelFormat: options.labelFormat ?? '.2f',
  });
}
