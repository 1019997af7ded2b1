import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chartFormatOf, exportChart, exportCharts, parseChartFormats, renderChartPng, renderChartSvg, svgToPng } from '../../lib/report';
import { exportCharts as fromProbes, renderSvg } from '../../probes/charts';
import { ComplensError, UsageError } from '../../lib/util/errors';
import { barSpec, heatSpec, pngSize, readPng, scatter } from './helpers';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-charts-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const svgSize = (svg: string) => {
  const m = /<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
};

test('exportChart picks the format from the extension: svg, png (2x, DejaVu text), json', async () => {
  const spec = barSpec();
  await exportChart(spec, path.join(dir, 'a.svg'));
  await exportChart(spec, path.join(dir, 'a.png'));
  await exportChart(spec, path.join(dir, 'a.vl.json'));
  const svg = fs.readFileSync(path.join(dir, 'a.svg'), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('font-family="DejaVu Sans"');
  const { width, height } = pngSize(fs.readFileSync(path.join(dir, 'a.png')));
  expect({ width, height }).toEqual({ width: 2 * svgSize(svg).width, height: 2 * svgSize(svg).height });
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'a.vl.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(spec)));
  expect(fs.readdirSync(dir).sort()).toEqual(['a.png', 'a.svg', 'a.vl.json']);
  await expect(exportChart(spec, path.join(dir, 'a.pdf'))).rejects.toThrow(UsageError);
});

test('PNG text is drawn with the system DejaVu font (dark pixels appear only if a font loaded)', () => {
  const text = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-family="sans-serif" font-size="20">Probe</text></svg>';
  const empty = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"></svg>';
  const dark = (png: Uint8Array) => readPng(png).pixels.filter((b) => b < 100).length;
  expect(dark(svgToPng(empty, { scale: 1 }))).toBe(0);
  expect(dark(svgToPng(text, { scale: 1 }))).toBeGreaterThan(100);
  expect(() => svgToPng(text, { scale: 0 })).toThrow(ComplensError);
});

test('exportCharts writes every chart in every requested format and returns the paths', async () => {
  const written = await exportCharts({ accuracy: barSpec(), heat: heatSpec(), 'pca.scatter': scatter() }, path.join(dir, 'charts'), 'svg, PNG,json,svg');
  expect(written.map((f) => path.relative(dir, f))).toEqual([
    'charts/accuracy.svg', 'charts/accuracy.png', 'charts/accuracy.vl.json',
    'charts/heat.svg', 'charts/heat.png', 'charts/heat.vl.json',
    'charts/pca.scatter.svg', 'charts/pca.scatter.png', 'charts/pca.scatter.vl.json',
  ]);
  for (const f of written.filter((f) => f.endsWith('.png'))) expect(pngSize(fs.readFileSync(f)).width).toBeGreaterThan(100);
  // The same SVG as the probes' renderer, and the probes' re-export is this function.
  const gradientFree = (svg: string) => svg.replace(/gradient_\d+/g, 'gradient'); // vega numbers gradients per process
  expect(gradientFree(fs.readFileSync(path.join(dir, 'charts', 'heat.svg'), 'utf8'))).toBe(gradientFree(await renderSvg(heatSpec())));
  expect(fromProbes).toBe(exportCharts);
  await expect(exportCharts({ '../evil': barSpec() }, dir, ['svg'])).rejects.toThrow(/not a safe file name; try "evil"/);
});

test('parseChartFormats and chartFormatOf validate flag values', () => {
  expect(parseChartFormats('png')).toEqual(['png']);
  expect(parseChartFormats(['SVG', 'json'])).toEqual(['svg', 'json']);
  expect(() => parseChartFormats('svg,pdf')).toThrow(/unknown chart format "pdf"; expected svg, png, json/);
  expect(() => parseChartFormats(' , ')).toThrow(UsageError);
  expect(chartFormatOf('x/Y.PNG')).toBe('png');
  expect(() => chartFormatOf('chart')).toThrow(UsageError);
});

test('renderChartPng / renderChartSvg reject invalid specs with a ComplensError', async () => {
  expect((await renderChartPng(barSpec(), { scale: 1 })).length).toBeGreaterThan(1000);
  await expect(renderChartSvg({ mark: 'nope' } as never)).rejects.toThrow(ComplensError);
});
