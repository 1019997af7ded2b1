/** A generic heatmap: rows of {x, y, value} as a vega-lite spec with inline data. */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from './theme';

export interface HeatmapOptions {
  /** Field for the columns (nominal). */
  x: string;
  /** Field for the rows (nominal). */
  y: string;
  /** Field for the colour (quantitative). */
  color: string;
  title?: string;
  /** Fixed colour domain, e.g. [0, 1]; default: the data's range. */
  domain?: [number, number];
  /** vega colour scheme; default 'viridis'. */
  scheme?: string;
  /** Print the value in each cell with this d3 format (e.g. '.2f'); default none. */
  labelFormat?: string;
  /** Explicit sort orders for x and y (default: order of first appearance in the data). */
  xSort?: readonly (string | number)[];
  ySort?: readonly (string | number)[];
}

export function heatmapSpec(values: readonly Record<string, unknown>[], o: HeatmapOptions): TopLevelSpec {
  const firstSeen = (field: string) => Array.from(new Set(values.map((v) => v[field] as string | number)));
  const x = { field: o.x, type: 'nominal' as const, sort: [...(o.xSort ?? firstSeen(o.x))] };
  const y = { field: o.y, type: 'nominal' as const, sort: [...(o.ySort ?? firstSeen(o.y))] };
  const rect = {
    mark: { type: 'rect' as const },
    encoding: {
      x,
      y,
      color: {
        field: o.color,
        type: 'quantitative' as const,
        scale: { scheme: o.scheme ?? 'viridis', ...(o.domain ? { domain: [...o.domain] } : {}) },
      },
      tooltip: [{ field: o.x }, { field: o.y }, { field: o.color, type: 'quantitative' as const, format: o.labelFormat ?? '.3f' }],
    },
  };
  const layers = o.labelFormat
    ? [rect, { mark: { type: 'text' as const, fontSize: 10 }, encoding: { x, y, text: { field: o.color, type: 'quantitative' as const, format: o.labelFormat } } }]
    : [rect];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(o.title ? { title: o.title } : {}),
    data: { values: values.map((v) => ({ ...v })) },
    layer: layers,
    config: chartConfig,
  } as TopLevelSpec;
}
