/** The pure parts of scripts/run-notebooks.ts (the end-to-end run is `npm run notebooks`, see docs/reports.md). */
import * as path from 'path';
import { cellText, chartsMissingFromHtml, dropLocalScripts, errorOutputs, listNotebooks, Notebook, parseArgs } from '../../scripts/run-notebooks';

const nb: Notebook = {
  cells: [
    { cell_type: 'markdown', source: '# t' },
    { cell_type: 'code', source: 'x', outputs: [{ output_type: 'stream', name: 'stdout', text: ['1:7 - Type ', "'string' is not assignable"] }] },
    { cell_type: 'code', source: 'y', outputs: [{ output_type: 'error', ename: 'Error', evalue: 'boom' }] },
    { cell_type: 'code', source: 'z', outputs: [{ output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk' } }] },
    { cell_type: 'code', source: 'w', outputs: [{ output_type: 'display_data', data: { 'text/html': '<div><svg width="3"><rect/></svg></div>' } }] },
  ],
};

test('errorOutputs and cellText find failures, including tslab compile errors printed as text', () => {
  expect(errorOutputs(nb)).toEqual(['cell 2: Error: boom']);
  expect(cellText(nb, 1)).toBe("1:7 - Type 'string' is not assignable");
  expect(cellText(nb, 2)).toBe('Error: boom');
});

test('chartsMissingFromHtml checks that PNG and inline-SVG charts survived the HTML export', () => {
  const full = '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"><div><svg width="3"><rect/></svg></div>';
  expect(chartsMissingFromHtml(nb, full)).toEqual([]);
  expect(chartsMissingFromHtml(nb, '<div></div>')).toEqual([
    'cell 3: a PNG output is missing from the HTML export',
    'cell 4: an inline SVG chart is missing from the HTML export',
  ]);
  const vl: Notebook = { cells: [{ cell_type: 'code', source: '', outputs: [{ output_type: 'display_data', data: { 'application/vnd.vegalite.v5+json': '{}' } }] }] };
  expect(chartsMissingFromHtml(vl, '')[0]).toMatch(/HTML export drops; use showChart/);
});

test('dropLocalScripts removes file:// scripts only', () => {
  const html = '<script src="file:///usr/share/javascript/requirejs/require.min.js"></script><script>keep()</script>';
  expect(dropLocalScripts(html)).toBe('<script>keep()</script>');
});

test('parseArgs: defaults to notebooks/*.ipynb, validates flags', () => {
  const o = parseArgs([]);
  expect(o.notebooks).toEqual(listNotebooks(path.resolve(__dirname, '../../notebooks')));
  expect(o.notebooks.map((f) => path.basename(f))).toContain('00-smoke.ipynb');
  expect(o.timeout).toBe(300);
  expect(parseArgs(['--timeout', '12.5', '--no-html']).timeout).toBe(13);
  expect(() => parseArgs(['--timeout', '0'])).toThrow(/--timeout/);
  expect(parseArgs(['--executed-dir', 'x/e', '--html-dir', 'x/h', '--fail-fast'])).toMatchObject({ executedDir: path.resolve('x/e'), htmlDir: path.resolve('x/h'), keepGoing: false });
  expect(() => parseArgs(['--html-dir'])).toThrow(/expected a directory/);
  expect(() => parseArgs(['--bogus'])).toThrow(/unknown flag/);
  expect(() => parseArgs(['missing.ipynb'])).toThrow(/not an existing \.ipynb/);
});
