/**
 * pcaScatterSpec: a PCA projection as a vega-lite scatter coloured by any per-row label. Three components are
 * drawn as three panels (PC1×PC2, PC1×PC3, PC2×PC3), since vega-lite has no 3-D marks.
 */
import type { TopLevelSpec } from 'vega-lite';
import { scatterUnit } from '../charts/scatter';
import { chartConfig } from '../charts/theme';
import { ProbeInputError } from '../linear/errors';
import { PcaProjection } from './project';

export interface PcaScatterOptions {
  title?: string;
  /** Name of the colour field in the data and legend. Default 'label'. */
  colorField?: string;
  /** Default 'nominal' (class labels); use 'quantitative' for continuous values. */
  colorType?: 'nominal' | 'ordinal' | 'quantitative';
  /** Panel size in pixels. Default 300. */
  size?: number;
}

/** Rows {pc1, pc2, [pc3], <colorField>} behind the chart. */
export function projectionRows(projection: PcaProjection, colorLabels: readonly (string | number)[], colorField = 'label'): Record<string, number | string>[] {
  const { coords } = projection;
  if (colorLabels.length !== coords.rows) throw new ProbeInputError('colorLabels', `has ${colorLabels.length} labels but the projection has ${coords.rows} rows`);
  return Array.from({ length: coords.rows }, (_, i) => {
    const row: Record<string, number | string> = {};
    for (let c = 0; c < coords.columns; c++) row[`pc${c + 1}`] = coords.get(i, c);
    row[colorField] = colorLabels[i];
    return row;
  });
}

export function pcaScatterSpec(projection: PcaProjection, colorLabels: readonly (string | number)[], options: PcaScatterOptions = {}): TopLevelSpec {
  const k = projection.coords.columns;
  if (k !== 2 && k !== 3) throw new ProbeInputError('projection', `a scatter shows 2 or 3 components, this projection has ${k}`);
  const colorField = options.colorField ?? 'label';
  const axisTitle = (c: number) => `PC${c + 1} (${(100 * projection.explainedVarianceRatio[c]).toFixed(1)}% var.)`;
  const panel = (a: number, b: number) =>
    scatterUnit({
      x: `pc${a + 1}`,
      y: `pc${b + 1}`,
      xTitle: axisTitle(a),
      yTitle: axisTitle(b),
      color: colorField,
      colorType: options.colorType,
      width: options.size,
      height: options.size,
    });
  const pairs: [number, number][] = k === 2 ? [[0, 1]] : [[0, 1], [0, 2], [1, 2]];
  const body = pairs.length === 1 ? panel(0, 1) : { hconcat: pairs.map(([a, b]) => panel(a, b)) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: projectionRows(projection, colorLabels, colorField) },
    ...body,
    config: chartConfig,
  } as TopLevelSpec;
}
