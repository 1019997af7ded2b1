import { NotebookDisplay, showChart, showNote, showTable, showText } from '../../lib/report/notebook';
import { barSpec, heatSpec, pngSize } from './helpers';

function fakeDisplay() {
  const calls: { html: string[]; png: Uint8Array[] } = { html: [], png: [] };
  const display: NotebookDisplay = { html: (s) => calls.html.push(s), png: (b) => calls.png.push(b) };
  return { calls, display };
}

test('showChart displays a PNG at the chart size by default, inline SVG with scoped ids on request', async () => {
  const { calls, display } = fakeDisplay();
  await showChart(barSpec(), { display });
  expect(calls.png).toHaveLength(1);
  expect(pngSize(calls.png[0]).width).toBeGreaterThan(100);
  await showChart(heatSpec(), { display, as: 'svg' });
  await showChart(heatSpec(), { display, as: 'svg' });
  expect(calls.html).toHaveLength(2);
  const ids = calls.html.map((h) => /<linearGradient id="([^"]+)"/.exec(h)![1]);
  expect(ids[0]).not.toBe(ids[1]);
  for (const [i, h] of calls.html.entries()) expect(h).toContain(`url(#${ids[i]})`);
});

test('showTable, showText and showNote emit escaped HTML', () => {
  const { calls, display } = fakeDisplay();
  showTable([{ name: '<b>x</b>', acc: 0.5 }], { display, caption: 'c' });
  showText('**bold** <i>', { display });
  showNote('backend <cpu>', { display });
  expect(calls.html[0]).toContain('<td>&lt;b&gt;x&lt;/b&gt;</td><td class="num">0.500</td>');
  expect(calls.html[0]).toContain('<style>');
  expect(calls.html[1]).toContain('<strong>bold</strong> &lt;i&gt;');
  expect(calls.html[2]).toContain('backend &lt;cpu&gt;');
});
