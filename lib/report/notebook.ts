/**
 * Display helpers for tslab notebooks. Jupyter's HTML export drops vega-lite mime outputs and strips SVG outputs
 * (toolchain notes), so charts are shown as PNG (default) or as inline SVG inside an HTML output; both survive
 * `jupyter nbconvert --to html`, GitHub's notebook preview, JupyterLab and VS Code.
 *
 * @example  (in a notebook cell)
 *   import { showChart, showTable } from '../lib/report/notebook';
 *   await showChart(heatmapSpec(rows, { x: 'layer', y: 'probe', color: 'accuracy' }));
 *   showTable(rows, { caption: 'Probe accuracy' });
 */
import type { TopLevelSpec } from 'vega-lite';
import { ComplensError } from '../util/errors';
import { renderChartSvg, svgToPng } from './charts';
import { escapeHtml } from './escape';
import { Row, TableLike, tableHtml, TableOptions } from './table';
import { markdownToHtml } from './text';
import { sanitizeSvg, scopeSvgIds } from './svg';

/** The two methods of tslab's `display` these helpers use (injectable for tests). */
export interface NotebookDisplay {
  html(s: string): void;
  png(b: Uint8Array): void;
}

function tslabDisplay(): NotebookDisplay {
  try {
    // Inside a tslab kernel `require('tslab')` returns the kernel's own module, wired to the current cell.
    return (require('tslab') as { display: NotebookDisplay }).display;
  } catch {
    throw new ComplensError('lib/report/notebook: tslab is not available; run this inside a tslab notebook kernel or pass options.display');
  }
}

export interface ShowChartOptions {
  /** 'png' (default; works in every viewer) or 'svg' (inline SVG in an HTML output: sharp, selectable text). */
  as?: 'png' | 'svg';
  /** PNG pixels per SVG pixel; default 1 (the PNG then shows at the chart's own size; 2 is sharper on HiDPI screens but shows twice as large). */
  scale?: number;
  display?: NotebookDisplay;
}

let counter = 0;

/** Renders a vega-lite spec and displays it in the current cell's output. */
export async function showChart(spec: TopLevelSpec, options: ShowChartOptions = {}): Promise<void> {
  const display = options.display ?? tslabDisplay();
  const svg = await renderChartSvg(spec);
  if ((options.as ?? 'png') === 'svg') {
    // Several inline SVGs share one page in the exported HTML: scope vega's gradient/clip ids.
    display.html(`<div class="complens-chart">${scopeSvgIds(sanitizeSvg(svg), `nbchart-${process.pid}-${++counter}`)}</div>`);
  } else {
    display.png(svgToPng(svg, { scale: options.scale ?? 1 }));
  }
}

/** The report's table look, scoped to the output (notebook pages have their own CSS and no report variables). */
const TABLE_STYLE = [
  '.complens-nb .table-wrap{overflow-x:auto;margin:4px 0}',
  '.complens-nb table.report-table{border-collapse:collapse;font-size:0.9em}',
  '.complens-nb table.report-table caption{caption-side:top;text-align:left;color:#59636e;padding-bottom:4px}',
  '.complens-nb table.report-table th,.complens-nb table.report-table td{border-bottom:1px solid #d1d9e0;padding:3px 10px;text-align:left}',
  '.complens-nb table.report-table th{background:#f6f8fa;border-bottom:2px solid #d1d9e0}',
  '.complens-nb table.report-table .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}',
  '.complens-nb table.report-table td.nan{color:#59636e}',
  '.complens-nb .table-note{font-size:0.8em;color:#59636e;margin:2px 0}',
].join('\n');

export interface ShowTableOptions extends TableOptions {
  display?: NotebookDisplay;
}

/** Displays rows (objects or an arquero table) as a formatted HTML table (numbers aligned, at most 500 rows). */
export function showTable(rows: readonly Row[] | TableLike, options: ShowTableOptions = {}): void {
  const { display, ...tableOptions } = options;
  (display ?? tslabDisplay()).html(`<div class="complens-nb"><style>${TABLE_STYLE}</style>${tableHtml(rows, tableOptions)}</div>`);
}

/** Displays text in the report's Markdown subset (escaped; handy for computed summaries). */
export function showText(text: string, options: { display?: NotebookDisplay } = {}): void {
  (options.display ?? tslabDisplay()).html(`<div class="complens-nb">${markdownToHtml(text)}</div>`);
}

/** Displays a one-line note in muted text, e.g. the backend header at the top of a notebook. */
export function showNote(text: string, options: { display?: NotebookDisplay } = {}): void {
  (options.display ?? tslabDisplay()).html(`<p style="color:#59636e;font-size:0.9em">${escapeHtml(text)}</p>`);
}
