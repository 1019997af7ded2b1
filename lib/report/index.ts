/**
 * Reports: self-contained HTML pages (`buildReport`, `writeReport`), chart export to SVG/PNG/JSON (`exportChart`,
 * `exportCharts`), and the pieces they are made of. Notebook display helpers live in `lib/report/notebook`
 * (imported separately: they need a tslab kernel).
 */
export { buildReport, writeReport, imageDataUri } from './build';
export type {
  ReportInput,
  Section,
  TextSection,
  SummarySection,
  SummaryItem,
  SummaryValue,
  Tone,
  TableSection,
  ChartSection,
  ImageSection,
  DotSection,
  DetailsSection,
} from './sections';
export {
  REPORT_FONT,
  CHART_FORMATS,
  renderChartSvg,
  renderChartPng,
  svgToPng,
  chartJson,
  chartFormatOf,
  chartFileName,
  exportChart,
  exportCharts,
  parseChartFormats,
} from './charts';
export type { ChartFormat, PngOptions } from './charts';
export { tableHtml, tableRows, formatNumber, formatCell, isTableLike } from './table';
export type { Row, Cell, TableLike, TableOptions, ColumnSpec } from './table';
export { markdownToHtml } from './text';
export { escapeHtml, jsonForScript, slug } from './escape';
export { sanitizeSvg, scopeSvgIds } from './svg';
