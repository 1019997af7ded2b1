/** Generic vega-lite chart builders shared by the probes, and headless SVG rendering. */
export { CHART_FONT, chartConfig } from './theme';
export { heatmapSpec } from './heatmap';
export type { HeatmapOptions } from './heatmap';
export { scatterSpec, scatterUnit } from './scatter';
export type { ScatterOptions } from './scatter';
export { renderSvg } from './render';
export { exportChart, exportCharts, parseChartFormats, chartFileName, renderChartPng, svgToPng, CHART_FORMATS } from './export';
export type { ChartFormat, PngOptions } from './export';
