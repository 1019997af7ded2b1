import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as aq from 'arquero';
import {
  buildReport,
  escapeHtml,
  formatNumber,
  imageDataUri,
  jsonForScript,
  markdownToHtml,
  ReportInput,
  sanitizeSvg,
  scopeSvgIds,
  svgToPng,
  tableHtml,
  writeReport,
} from '../../lib/report';
import { ComplensError } from '../../lib/util/errors';
import { barSpec, heatSpec, lineSpec } from './helpers';

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/** Every attribute of every real tag, as [name, value] (escaped text holds no raw '<', so tags are real ones). */
function attributes(html: string): [string, string][] {
  const out: [string, string][] = [];
  for (const tag of html.match(/<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*\s*\/?>/g) ?? []) {
    for (const m of tag.matchAll(/\s([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) out.push([m[1], (m[2] ?? '').replace(/^["']|["']$/g, '')]);
  }
  return out;
}

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    title: 'Probe report',
    subtitle: 'lookup task, GRU',
    backend: 'backend cpu (tfjs 4.22.0, node v20)',
    generatedAt: false,
    sections: [
      { kind: 'summary', title: 'Verdict', verdict: { label: 'compositional', score: 0.9123, tone: 'good', scoreLabel: 'score', detail: 'probes **agree**' }, items: { seeds: 5, loss: 1.2e-5, converged: true } },
      { kind: 'text', title: 'Method', text: 'We probe **every** layer.\n\n- `h` states\n- gates' },
      { kind: 'chart', name: 'accuracy', title: 'Accuracy by layer', spec: barSpec(), caption: 'bars' },
      { kind: 'chart', spec: lineSpec() },
      { kind: 'table', title: 'Runs', rows: [{ seed: 1, acc: 0.5, label: 'a' }, { seed: 2, acc: 1, label: 'b' }] },
      { kind: 'details', title: 'Appendix', summary: 'raw numbers', sections: [{ kind: 'dot', dot: 'digraph { q0 -> q1 [label="a"]; }', caption: 'automaton' }] },
    ],
    ...overrides,
  };
}

describe('buildReport', () => {
  test('one self-contained page: inline CSS, CSP that forbids loading anything, backend line, every section', async () => {
    const html = await buildReport(input());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
    expect(html).toContain("font-family: 'DejaVu Sans'");
    expect(html).toContain('@media print');
    expect(html).toContain('<strong>Backend:</strong> <code>backend cpu (tfjs 4.22.0, node v20)</code>');
    expect(html).toContain('<div class="verdict tone-good" data-verdict="compositional"><div class="verdict-score" data-score="0.9123">0.91');
    expect(html).toContain('<dt>loss</dt><dd>1.20e-5</dd><dt>converged</dt><dd>yes</dd>');
    expect(html).toContain('<p>We probe <strong>every</strong> layer.</p>');
    expect(html).toContain('<ul><li><code>h</code> states</li><li>gates</li></ul>');
    expect(html).toContain('<details class="report-details"><summary>raw numbers</summary>');
    expect(html).toContain('<pre class="dot-source"><code>digraph { q0 -&gt; q1 [label=&quot;a&quot;]; }</code></pre>');
    expect(html).toMatch(/<nav class="toc"[^>]*>.*href="#verdict".*href="#appendix"/s);
    // Nothing is loaded from anywhere: no external scripts, stylesheets, images, fonts or imports.
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<img[^>]*src="(?!data:)/i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
  });

  test('charts: inline SVG with stable ids and data-chart, spec kept as JSON, gradient ids scoped per chart', async () => {
    const html = await buildReport(input({ sections: [
      { kind: 'chart', name: 'heat', spec: heatSpec(1) },
      { kind: 'chart', name: 'heat', spec: heatSpec(2) },
      { kind: 'chart', title: 'Loss curve', spec: lineSpec() },
      { kind: 'chart', spec: barSpec(), embedSpec: false },
    ] }));
    const figures = [...html.matchAll(/<figure class="chart" id="([^"]+)" data-chart="([^"]+)">/g)].map((m) => [m[1], m[2]]);
    expect(figures).toEqual([['chart-heat', 'heat'], ['chart-heat-2', 'heat-2'], ['chart-loss-curve', 'loss-curve'], ['chart-4', '4']]);
    const specs = [...html.matchAll(/<script type="application\/json" id="([^"]+)" data-chart-spec="([^"]+)">([^<]*)<\/script>/g)];
    expect(specs.map((m) => m[2])).toEqual(['chart-heat', 'chart-heat-2', 'chart-loss-curve']);
    expect(JSON.parse(specs[0][3])).toEqual(JSON.parse(JSON.stringify(heatSpec(1))));
    // Each chart's gradient is defined under its own id and referenced by that id.
    const gradientIds = [...html.matchAll(/<linearGradient id="([^"]+)"/g)].map((m) => m[1]);
    expect(gradientIds).toHaveLength(2);
    expect(gradientIds[0].startsWith('chart-heat-')).toBe(true);
    expect(gradientIds[1].startsWith('chart-heat-2-')).toBe(true);
    for (const id of gradientIds) expect(html).toContain(`url(#${id})`);
    expect(new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])).size).toBe([...html.matchAll(/\sid="([^"]+)"/g)].length);
  });

  test('escapes every piece of caller text (XSS)', async () => {
    const html = await buildReport({
      title: EVIL,
      subtitle: EVIL,
      backend: EVIL,
      generatedAt: false,
      meta: { [EVIL]: EVIL },
      sections: [
        { kind: 'text', title: EVIL, text: `${EVIL}\n\n[x](javascript:alert(3)) **${EVIL}**` },
        { kind: 'summary', title: EVIL, verdict: { label: EVIL, score: EVIL, detail: EVIL }, items: [{ label: EVIL, value: EVIL, hint: EVIL }] },
        { kind: 'table', title: EVIL, caption: EVIL, rows: [{ [EVIL]: EVIL }], columns: [{ field: EVIL, label: EVIL, description: EVIL }] },
        { kind: 'chart', name: EVIL, title: EVIL, caption: EVIL, spec: { ...barSpec(EVIL), data: { values: [{ layer: `</script>${EVIL}`, accuracy: 1 }] } } as never },
        { kind: 'image', alt: EVIL, caption: EVIL, image: svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>') },
        { kind: 'dot', dot: EVIL, caption: EVIL, svg: `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(4)</script><a href="javascript:alert(5)"><rect onclick="alert(6)" width="3" height="3"/></a><image href="https://example.com/x.png"/></svg>` },
        { kind: 'details', title: EVIL, summary: EVIL, sections: [{ kind: 'text', text: EVIL }] },
      ],
    });
    // The page's only executable script is the print helper at the end.
    expect([...html.matchAll(/<script\b(?![^>]*type="application\/json")[^>]*>/g)]).toHaveLength(1);
    expect(html).not.toMatch(/<img src=x/i);
    expect(attributes(html).filter(([name]) => /^on/i.test(name))).toEqual([]);
    expect(attributes(html).filter(([name, value]) => /^(href|src|xlink:href)$/i.test(name) && !/^(#|data:image\/)/.test(value))).toEqual([]);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toContain('example.com');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The embedded spec cannot close its <script> element and parses back to the original data.
    const json = /data-chart-spec="[^"]*">([^<]*)<\/script>/.exec(html)![1];
    expect(JSON.parse(json).data.values[0].layer).toBe(`</script>${EVIL}`);
  });

  test('tables: arquero tables and row arrays, numbers aligned and formatted, long tables cut with a note', async () => {
    const t = aq.table({ step: [1, 2, 3], loss: [0.5, 0.25, NaN], tiny: [1e-7, 2, 3] });
    const html = tableHtml(t, { caption: 'from arquero' });
    expect(html).toContain('<caption>from arquero</caption>');
    expect(html).toContain('<th scope="col" class="num">step</th>');
    expect(html).toContain('<td class="num">0.500</td>');
    expect(html).toContain('<td class="num nan">NaN</td>');
    expect(html).toContain('<td class="num">1.00e-7</td><');
    expect(html).toContain('<td class="num">2.000</td>'); // integers in a fractional column get the decimals too
    const many = tableHtml(Array.from({ length: 30 }, (_, i) => ({ i })), { maxRows: 10 });
    expect(many.match(/<tr>/g)).toHaveLength(11);
    expect(many).toContain('Showing 10 of 30 rows.');
    const custom = tableHtml([{ a: 0.123456, b: 'x' }], { columns: [{ field: 'a', label: 'A', format: 1 }, { field: 'b', format: (v) => `<${v}>` }] });
    expect(custom).toContain('<td class="num">0.1</td><td>&lt;x&gt;</td>');
    expect(formatNumber(12345)).toBe('12345');
    expect(formatNumber(-Infinity)).toBe('−∞');
    expect(formatNumber(1234567.5)).toBe('1.23e+6');
  });

  test('images must be PNG or JPEG data, never URLs', () => {
    const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>');
    const uri = imageDataUri(png);
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    expect(imageDataUri(uri)).toBe(uri);
    expect(imageDataUri(Buffer.from(png).toString('base64'))).toBe(uri);
    expect(() => imageDataUri('https://example.com/a.png')).toThrow(/URL/);
    expect(() => imageDataUri(new Uint8Array([1, 2, 3]))).toThrow(ComplensError);
  });

  test('requires a title and the backend line; rejects unknown sections and charts that load data by URL', async () => {
    await expect(buildReport(input({ backend: '' }))).rejects.toThrow(/backend line is required/);
    await expect(buildReport(input({ title: ' ' }))).rejects.toThrow(ComplensError);
    await expect(buildReport(input({ sections: [{ kind: 'nope' } as never] }))).rejects.toThrow(/unknown kind "nope"/);
    const remote = { ...barSpec(), data: { url: 'https://example.com/data.json' } } as never;
    await expect(buildReport(input({ sections: [{ kind: 'chart', name: 'remote', spec: remote }] }))).rejects.toThrow(/chart "remote".*inline \(data\.values\)/);
  });

  test('byte-identical rebuilds with generatedAt: false; a date when not', async () => {
    expect(await buildReport(input())).toBe(await buildReport(input()));
    const dated = await buildReport(input({ generatedAt: new Date('2026-01-02T03:04:05Z') }));
    expect(dated).toContain('generated:</span> 2026-01-02T03:04:05.000Z');
  });

  test('writeReport writes atomically and refuses a Promise', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-report-'));
    try {
      const file = path.join(dir, 'sub', 'report.html');
      writeReport(file, await buildReport(input()));
      expect(fs.readFileSync(file, 'utf8')).toContain('<title>Probe report</title>');
      expect(fs.readdirSync(path.dirname(file))).toEqual(['report.html']);
      expect(() => writeReport(file, buildReport(input()) as never)).toThrow(/forget await/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('report building blocks', () => {
  test('markdown subset: headings, numbered lists, code fences, safe links only', () => {
    const html = markdownToHtml('# Head\n\n1. one\n2. *two*\n\n```\n<b>x</b>\n```\n\n[ok](https://a.org/?q=1&r=2) [no](javascript:x) snake_case_name');
    expect(html).toContain('<h3>Head</h3>');
    expect(html).toContain('<ol><li>one</li><li><em>two</em></li></ol>');
    expect(html).toContain('<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>');
    expect(html).toContain('<a href="https://a.org/?q=1&amp;r=2" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('[no](javascript:x) snake_case_name');
  });

  test('escapeHtml and jsonForScript', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const value = { s: '</script><!-- \u2028 &' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  test('sanitizeSvg drops scripts, handlers, foreign objects and external references; scopeSvgIds renames ids and refs', () => {
    const dirty =
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>x()</script><foreignObject><div/></foreignObject>' +
      '<style>@import url(https://e.com/a.css);</style><defs><clipPath id="c1"><rect/></clipPath></defs>' +
      '<g clip-path="url(#c1)" style="fill:url(https://e.com/p)"><use href="#c1"/><image xlink:href="http://e.com/i.png"/><a href="https://e.com">t</a></g></svg>';
    const clean = sanitizeSvg(dirty);
    expect(clean).not.toMatch(/script|onload|foreignObject|e\.com|<\?xml|@import/);
    expect(clean).toContain('clip-path="url(#c1)"');
    const scoped = scopeSvgIds(clean, 'chart-x');
    expect(scoped).toContain('<clipPath id="chart-x-c1">');
    expect(scoped).toContain('clip-path="url(#chart-x-c1)"');
    expect(scoped).toContain('<use href="#chart-x-c1"/>');
  });
});
