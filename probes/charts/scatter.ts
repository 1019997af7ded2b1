/** A generic 2-D scatter plot coloured by one field, as a vega-lite spec with inline data. */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from './theme';

export interface ScatterOptions {
  x: string;
  y: string;
  /** Field to colour by. */
  color?: string;
  /** 'nominal' (default) for class labels, 'ordinal' or 'quantitative' for ordered ones. */
  colorType?: 'nominal' | 'ordinal' | 'quantitative';
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Point size in square pixels; default 20. */
  size?: number;
  /** Panel size in pixels; default 300. */
  width?: number;
  height?: number;
}

/** The unit (no data, no config) so that several panels can share one data set in a concat. */
export function scatterUnit(o: ScatterOptions): Record<string, unknown> {
  return {
    width: o.width ?? 300,
    height: o.height ?? 300,
    ...(o.title ? { title: o.title } : {}),
    mark: { type: 'circle', size: o.size ?? 20, opacity: 0.8 },
    encoding: {
      x: { field: o.x, type: 'quantitative', title: o.xTitle ?? o.x, scale: { zero: false } },
      y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: { zero: false } },
      ...(o.color
        ? {
            color: { field: o.color, type: o.colorType ?? 'nominal', ...(o.colorType === 'quantitative' ? {} : { scale: { scheme: 'category20' } }) },
            tooltip: [{ field: o.color }, { field: o.x, format: '.3f' }, { field: o.y, format: '.3f' }],
          }
        : {}),
    },
  };
}

export function scatterSpec(values: readonly Record<string, unknown>[], o: ScatterOptions): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: values.map((v) => ({ ...v })) },
    ...scatterUnit(o),
    config: chartConfig,
  } as TopLevelSpec;
}
