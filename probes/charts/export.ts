/**
 * Chart files for `--charts DIR --format svg,png`: the implementation lives in lib/report (HTML reports render the
 * same way) and is re-exported here so probe code and CLI commands find it next to the spec builders.
 *
 * @example
 *   await exportCharts({ 'selectivity': selectivityHeatmap(rows) }, flags.charts, flags.format ?? 'svg');
 */
export { exportChart, exportCharts, parseChartFormats, chartFileName, renderChartSvg, renderChartPng, svgToPng, CHART_FORMATS } from '../../lib/report/charts';
export type { ChartFormat, PngOptions } from '../../lib/report/charts';
