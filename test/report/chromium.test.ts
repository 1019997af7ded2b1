/**
 * Opens a built report in headless Chromium (Debian's /usr/bin/chromium through playwright-core) from file:// and
 * checks what a reader would see: every chart drawn as a non-empty SVG with marks, the table, no console errors,
 * and no request other than the page itself (the report is self-contained). Skipped, loudly, without Chromium.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { buildReport, svgToPng, writeReport } from '../../lib/report';
import { barSpec, heatSpec, lineSpec, scatter } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`\n*** SKIPPING test/report/chromium.test.ts: ${CHROMIUM} is missing (apt-get install chromium) ***\n`);
}
const maybe = hasChromium ? test : test.skip;

maybe(
  `report renders in headless Chromium: charts drawn, no network, no console errors${hasChromium ? '' : ` (SKIPPED: ${CHROMIUM} missing)`}`,
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-chromium-'));
    const file = path.join(dir, 'report.html');
    const charts = { accuracy: barSpec(), heat: heatSpec(), loss: lineSpec(), pca: scatter() };
    writeReport(
      file,
      await buildReport({
        title: 'Chromium check',
        backend: 'backend cpu (test)',
        generatedAt: false,
        sections: [
          { kind: 'summary', verdict: { label: 'compositional', score: 0.88, tone: 'good' }, items: { seeds: 3 } },
          ...Object.entries(charts).map(([name, spec]) => ({ kind: 'chart' as const, name, title: name, spec })),
          { kind: 'table', title: 'Runs', rows: [{ seed: 1, acc: 0.91 }, { seed: 2, acc: 0.87 }, { seed: 3, acc: 0.9 }] },
          { kind: 'image', title: 'Raster', alt: 'a square', image: svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="10" height="10"/></svg>') },
          { kind: 'details', title: 'Appendix', summary: 'automaton', sections: [{ kind: 'dot', dot: 'digraph { a -> b }', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><circle cx="10" cy="10" r="8"/></svg>' }] },
        ],
      }),
    );

    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-chromium-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const pageUrl = `file://${file}`;
      const requests: string[] = [];
      const problems: string[] = [];
      // Anything other than the page itself is recorded and refused.
      await context.route('**/*', (route) => (route.request().url() === pageUrl ? route.continue() : route.abort()));
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(pageUrl, { waitUntil: 'load' });

      const figures = await page.$$eval('figure[data-chart]', (els) =>
        els.map((el) => {
          const svg = el.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const marks = svg ? svg.querySelectorAll('g[class*="role-mark"] > *').length : 0;
          return { id: el.id, chart: el.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, marks, text: svg?.querySelectorAll('text').length ?? 0 };
        }),
      );
      expect(figures.map((f) => [f.id, f.chart])).toEqual(Object.keys(charts).map((n) => [`chart-${n}`, n]));
      for (const f of figures) {
        expect(f.width).toBeGreaterThan(50);
        expect(f.height).toBeGreaterThan(50);
        expect(f.marks).toBeGreaterThan(0);
        expect(f.text).toBeGreaterThan(0); // axis labels or titles
      }
      // The embedded specs parse in the browser and belong to their charts.
      const specs = await page.$$eval('script[data-chart-spec]', (els) => els.map((el) => [el.getAttribute('data-chart-spec'), (JSON.parse(el.textContent ?? '') as { mark?: unknown; layer?: unknown }) ? 'ok' : 'bad']));
      expect(specs).toEqual(Object.keys(charts).map((n) => [`chart-${n}`, 'ok']));
      expect(await page.$$eval('table.report-table tbody tr', (rows) => rows.length)).toBe(3);
      expect(await page.$eval('img', (img) => (img as HTMLImageElement).naturalWidth)).toBe(40);
      expect(await page.textContent('.backend')).toContain('backend cpu (test)');
      // The print helper is the page's one script, allowed by the CSP hash: it opens <details> before printing.
      expect(await page.$eval('details.report-details', (d) => (d as HTMLDetailsElement).open)).toBe(false);
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      expect(await page.$eval('details.report-details', (d) => (d as HTMLDetailsElement).open)).toBe(true);

      expect(problems).toEqual([]);
      expect(requests).toEqual([pageUrl]);
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  30000,
);
