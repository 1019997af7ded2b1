/** vega-lite spec → SVG string, headless. One renderer serves reports, notebooks and CLI exports: lib/report's. */
export { renderChartSvg as renderSvg } from '../../lib/report/charts';
