/** Shared chart configuration. Only DejaVu fonts are installed on the render machines (toolchain notes). */
export { REPORT_FONT as CHART_FONT, chartConfig } from '../../lib/report/charts';
