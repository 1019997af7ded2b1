/** Shared chart configuration. Only DejaVu fonts are installed on the render machines (toolchain notes). */
import type { Config } from 'vega-lite/build/src/config';

export const CHART_FONT = 'DejaVu Sans';

export const chartConfig: Config = {
  font: CHART_FONT,
  view: { stroke: null },
};
