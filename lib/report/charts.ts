/**
 * vega-lite charts rendered headless (no DOM, no canvas) to SVG, to PNG (resvg, DejaVu Sans) and to files:
 * the export path behind `--charts DIR --format svg,png` and behind the inline SVG of HTML reports.
 *
 * Charts must carry their data inline (`data.values`): a spec that asks vega to load a URL fails with a
 * ComplensError instead of reaching for the network, so a report or exported chart never depends on anything
 * outside itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import type { Config } from 'vega-lite/build/src/config';
import { Resvg, ResvgRenderOptions } from '@resvg/resvg-js';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError, UsageError } from '../util/errors';
import { slug } from './escape';

/** The only font installed on the render machines (toolchain notes); PNG text falls back to it. */
export const REPORT_FONT = 'DejaVu Sans';
/** The config every complens chart carries. */
export const chartConfig: Config = { font: REPORT_FONT, view: { stroke: null } };
const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

export type ChartFormat = 'svg' | 'png' | 'json';
export const CHART_FORMATS: readonly ChartFormat[] = ['svg', 'png', 'json'];

export interface PngOptions {
  /** Pixels per SVG pixel (default 2: sharp on high-density screens and in print). */
  scale?: number;
  /** Background behind transparent areas (default white; vega-lite charts paint their own background). */
  background?: string;
}

/**
 * A vega loader that refuses every URL and remembers what was asked for (vega logs a failed load and renders the
 * chart without that data, so the caller checks `refused` afterwards).
 */
function offlineLoader(): { loader: vega.Loader; refused: string[] } {
  const refused: string[] = [];
  const refuse = async (uri: string): Promise<never> => {
    refused.push(String(uri));
    throw new Error(`complens charts load nothing: ${uri}`);
  };
  const loader = { ...vega.loader(), load: refuse, sanitize: refuse, http: refuse, file: refuse } as unknown as vega.Loader;
  return { loader, refused };
}

/** vega-lite spec → SVG markup (`<svg …>…</svg>`, width/height/viewBox set). About 50 ms for a small chart. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  let compiled;
  try {
    compiled = compile(spec).spec;
  } catch (err) {
    throw new ComplensError(`invalid vega-lite spec: ${(err as Error).message}`);
  }
  const { loader, refused } = offlineLoader();
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    if (refused.length) {
      throw new ComplensError(`chart spec asks to load ${JSON.stringify(refused[0])}: charts must carry their data inline (data.values)`);
    }
    return svg;
  } finally {
    view.finalize(); // a headless view otherwise keeps timers and listeners alive
  }
}

function fontOptions(): ResvgRenderOptions['font'] {
  return {
    loadSystemFonts: true,
    fontDirs: fs.existsSync(DEJAVU_DIR) ? [DEJAVU_DIR] : [],
    defaultFontFamily: REPORT_FONT,
    sansSerifFamily: REPORT_FONT,
    serifFamily: 'DejaVu Serif',
    monospaceFamily: 'DejaVu Sans Mono',
  };
}

/** SVG markup → PNG bytes with resvg (text in DejaVu Sans, white background). */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) throw new ComplensError(`png scale: expected a number in (0, 16], got ${scale}`);
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: options.background ?? 'white', font: fontOptions(), logLevel: 'off' });
  return new Uint8Array(resvg.render().asPng());
}

/** vega-lite spec → PNG bytes. */
export async function renderChartPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderChartSvg(spec), options);
}

/** The vega-lite spec as the JSON file that `vl2svg`, the vega editor or vega-embed can open. */
export function chartJson(spec: TopLevelSpec): string {
  return JSON.stringify(spec, null, 2) + '\n';
}

/** `svg`, `png` or `json` from a file name (`.vl.json` counts as json); throws for anything else. */
export function chartFormatOf(file: string): ChartFormat {
  const ext = path.extname(file).toLowerCase().slice(1);
  if ((CHART_FORMATS as readonly string[]).includes(ext)) return ext as ChartFormat;
  throw new UsageError(`${file}: cannot tell the chart format from the extension; use .svg, .png or .json`);
}

/** Writes one chart, in the format its extension names (.svg, .png, .json), atomically. Returns `file`. */
export async function exportChart(spec: TopLevelSpec, file: string, options: PngOptions = {}): Promise<string> {
  const format = chartFormatOf(file);
  if (format === 'json') writeFileAtomic(file, chartJson(spec));
  else if (format === 'svg') writeFileAtomic(file, await renderChartSvg(spec));
  else writeFileAtomic(file, await renderChartPng(spec, options));
  return file;
}

/**
 * Parses a `--format` flag value such as `svg,png` (case-insensitive, spaces allowed, duplicates dropped).
 * Throws a UsageError naming the bad format.
 */
export function parseChartFormats(value: string | readonly string[]): ChartFormat[] {
  const items = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--format: expected a comma-separated list of ${CHART_FORMATS.join(', ')}; got nothing`);
  const out: ChartFormat[] = [];
  for (const f of items) {
    if (!(CHART_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown chart format ${JSON.stringify(f)}; expected ${CHART_FORMATS.join(', ')}`);
    if (!out.includes(f as ChartFormat)) out.push(f as ChartFormat);
  }
  return out;
}

/** File name of one exported chart: `<name>.svg`, `<name>.png`, `<name>.vl.json`. */
export function chartFileName(name: string, format: ChartFormat): string {
  return `${name}.${format === 'json' ? 'vl.json' : format}`;
}

/**
 * Writes every chart in every format into `dir` (created if missing): `<name>.svg`, `<name>.png`, `<name>.vl.json`.
 * Names must be file-name safe ([A-Za-z0-9._-], not starting with a dot). Each chart is rendered to SVG once and the
 * PNG made from that SVG. Returns the written paths, in order.
 *
 * @example
 *   await exportCharts({ 'probe-accuracy': spec }, flags.charts, parseChartFormats(flags.format ?? 'svg'));
 */
export async function exportCharts(
  specs: Readonly<Record<string, TopLevelSpec>>,
  dir: string,
  formats: string | readonly ChartFormat[] = ['svg'],
  options: PngOptions = {},
): Promise<string[]> {
  const wanted = parseChartFormats(formats);
  for (const name of Object.keys(specs)) {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) {
      throw new ComplensError(`chart name ${JSON.stringify(name)} is not a safe file name; try ${JSON.stringify(slug(name, 'chart'))}`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const svg = wanted.includes('svg') || wanted.includes('png') ? await renderChartSvg(spec) : '';
    for (const format of wanted) {
      const file = path.join(dir, chartFileName(name, format));
      writeFileAtomic(file, format === 'json' ? chartJson(spec) : format === 'svg' ? svg : svgToPng(svg, options));
      written.push(file);
    }
  }
  return written;
}
