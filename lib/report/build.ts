/**
 * `buildReport` turns a title, the backend line and a list of sections into ONE self-contained HTML page: the CSS is
 * inline, charts are inline SVG rendered at build time (with their vega-lite specs kept as JSON beside them),
 * images are data URIs, and a Content-Security-Policy forbids the page from loading anything at all. All caller
 * text is escaped.
 *
 * @example
 *   const html = await buildReport({
 *     title: 'Probe report', backend: backendHeader(),
 *     sections: [
 *       { kind: 'summary', verdict: { label: 'compositional', score: 0.91, tone: 'good' }, items: { seeds: 5 } },
 *       { kind: 'chart', name: 'accuracy', title: 'Probe accuracy by layer', spec },
 *       { kind: 'table', title: 'Runs', rows: table },
 *     ],
 *   });
 *   writeReport('runs/x/report.html', html);
 */
import { createHash } from 'crypto';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError } from '../util/errors';
import { renderChartSvg } from './charts';
import { escapeHtml, IdAllocator, jsonForScript, slug } from './escape';
import { ChartSection, DetailsSection, DotSection, ImageSection, ReportInput, Section, SummaryItem, SummarySection, SummaryValue, TableSection } from './sections';
import { REPORT_CSS } from './style';
import { formatNumber, tableHtml } from './table';
import { inline, markdownToHtml } from './text';
import { sanitizeSvg, scopeSvgIds } from './svg';

/** The page's only script: open every <details> before printing so that printouts show everything. */
const PRINT_SCRIPT = "addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});";

/** Nothing may be fetched: styles and the one script are inline, images are data URIs. */
function contentSecurityPolicy(): string {
  const hash = createHash('sha256').update(PRINT_SCRIPT).digest('base64');
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
}

interface Context {
  ids: IdAllocator;
  chartCount: number;
  dotCount: number;
  toc: { id: string; title: string }[];
}

export async function buildReport(input: ReportInput): Promise<string> {
  if (!input || typeof input.title !== 'string' || !input.title.trim()) throw new ComplensError('report: a non-empty title is required');
  if (typeof input.backend !== 'string' || !input.backend.trim()) {
    throw new ComplensError('report: the backend line is required (pass backendHeader() from lib/backend)');
  }
  if (!Array.isArray(input.sections)) throw new ComplensError('report: sections must be an array');
  const ctx: Context = { ids: new IdAllocator(), chartCount: 0, dotCount: 0, toc: [] };
  for (const reserved of ['report-title', 'toc']) ctx.ids.take(reserved);

  const body: string[] = [];
  for (const section of input.sections) body.push(await renderSection(section, ctx, 2, true));

  const generated =
    input.generatedAt === false ? '' : input.generatedAt instanceof Date ? input.generatedAt.toISOString() : input.generatedAt ?? new Date().toISOString();
  const metaLines = [
    ...(generated ? [['generated', generated] as const] : []),
    ...Object.entries(input.meta ?? {}).map(([k, v]) => [k, String(v)] as const),
  ];
  const header = [
    '<header class="report-header">',
    `<h1 id="report-title">${escapeHtml(input.title)}</h1>`,
    input.subtitle ? `<p class="subtitle">${escapeHtml(input.subtitle)}</p>` : '',
    ...metaLines.map(([k, v]) => `<p class="meta"><span class="meta-key">${escapeHtml(k)}:</span> ${escapeHtml(v)}</p>`),
    `<p class="backend" data-backend="${escapeHtml(input.backend)}"><strong>Backend:</strong> <code>${escapeHtml(input.backend)}</code></p>`,
    '</header>',
  ].filter(Boolean);
  const showToc = input.toc ?? ctx.toc.length >= 3;
  const toc = showToc && ctx.toc.length
    ? `<nav class="toc" id="toc" aria-label="Contents"><strong>Contents</strong><ol>${ctx.toc.map((t) => `<li><a href="#${escapeHtml(t.id)}">${escapeHtml(t.title)}</a></li>`).join('')}</ol></nav>`
    : '';

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="complens lib/report">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    ...header,
    toc,
    '<main>',
    ...body,
    '</main>',
    `<footer class="report-footer">Self-contained report written by complens: no network resources; chart specs are embedded as vega-lite JSON (<code>script[data-chart-spec]</code>).</footer>`,
    `<script>${PRINT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n') + '\n';
}

/** Writes the page atomically (temp file + rename). */
export function writeReport(file: string, html: string): void {
  if (typeof html !== 'string') throw new ComplensError('writeReport: expected the HTML string from buildReport (did you forget await?)');
  writeFileAtomic(file, html);
}

async function renderSection(section: Section, ctx: Context, level: number, topLevel: boolean): Promise<string> {
  if (!section || typeof section !== 'object' || typeof (section as { kind?: unknown }).kind !== 'string') {
    throw new ComplensError(`report section: expected an object with a kind, got ${JSON.stringify(section)?.slice(0, 80)}`);
  }
  switch (section.kind) {
    case 'text':
      return wrap(section, ctx, level, topLevel, markdownToHtml(section.text ?? ''));
    case 'summary':
      return wrap(section, ctx, level, topLevel, summaryHtml(section), true);
    case 'table':
      return wrap(section, ctx, level, topLevel, tableSectionHtml(section));
    case 'chart':
      return wrap(section, ctx, level, topLevel, await chartHtml(section, ctx));
    case 'image':
      return wrap(section, ctx, level, topLevel, imageHtml(section));
    case 'dot':
      return wrap(section, ctx, level, topLevel, dotHtml(section, ctx));
    case 'details':
      return detailsHtml(section, ctx, level, topLevel);
    default:
      throw new ComplensError(`report section: unknown kind ${JSON.stringify((section as { kind: string }).kind)}; expected text, summary, table, chart, image, dot or details`);
  }
}

/** A `<section>` with an optional heading; top-level titled sections go into the table of contents. */
function wrap(section: Section, ctx: Context, level: number, topLevel: boolean, inner: string, titleInside = false): string {
  const id = sectionId(section, ctx);
  if (topLevel && section.title && id) ctx.toc.push({ id, title: section.title });
  const h = Math.min(level, 6);
  const heading = section.title && !titleInside ? `<h${h}>${escapeHtml(section.title)}</h${h}>` : '';
  return `<section class="report-section section-${section.kind}"${id ? ` id="${escapeHtml(id)}"` : ''}>${heading}\n${inner}\n</section>`;
}

function sectionId(section: Section, ctx: Context): string | undefined {
  if (section.id) return ctx.ids.take(slug(section.id, 'section'));
  if (section.title) return ctx.ids.take(slug(section.title, 'section'));
  return undefined;
}

function summaryHtml(s: SummarySection): string {
  const decimals = s.decimals ?? 2;
  const value = (v: SummaryValue): string =>
    v === null || v === undefined ? '—' : typeof v === 'number' ? formatNumber(v, decimals) : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  const parts: string[] = [];
  if (s.title) parts.push(`<div class="summary-title">${escapeHtml(s.title)}</div>`);
  if (s.verdict) {
    const v = s.verdict;
    const tone = v.tone ?? 'neutral';
    const score =
      v.score === undefined
        ? ''
        : `<div class="verdict-score" data-score="${escapeHtml(v.score)}">${escapeHtml(typeof v.score === 'number' ? formatNumber(v.score, decimals) : v.score)}${
            v.scoreLabel ? `<span class="verdict-score-label">${escapeHtml(v.scoreLabel)}</span>` : ''
          }</div>`;
    parts.push(
      `<div class="verdict tone-${escapeHtml(tone)}" data-verdict="${escapeHtml(v.label)}">${score}<div><div class="verdict-label">${escapeHtml(v.label)}</div>${
        v.detail ? `<p class="verdict-detail">${inline(v.detail)}</p>` : ''
      }</div></div>`,
    );
  }
  const items: readonly SummaryItem[] = Array.isArray(s.items)
    ? (s.items as readonly SummaryItem[])
    : Object.entries((s.items ?? {}) as Readonly<Record<string, SummaryValue>>).map(([label, v]) => ({ label, value: v }));
  if (items.length) {
    const row = (it: SummaryItem) =>
      `<dt${it.hint ? ` title="${escapeHtml(it.hint)}"` : ''}>${escapeHtml(it.label)}</dt><dd${it.tone ? ` class="tone-${escapeHtml(it.tone)}"` : ''}>${escapeHtml(value(it.value))}</dd>`;
    parts.push(`<dl class="kv">${items.map(row).join('')}</dl>`);
  }
  return `<div class="summary">${parts.join('\n')}</div>`;
}

function tableSectionHtml(s: TableSection): string {
  return tableHtml(s.rows, { columns: s.columns, decimals: s.decimals, maxRows: s.maxRows, caption: s.caption });
}

async function chartHtml(s: ChartSection, ctx: Context): Promise<string> {
  ctx.chartCount++;
  if (!s.spec || typeof s.spec !== 'object') throw new ComplensError(`chart ${s.name ?? s.title ?? ctx.chartCount}: a vega-lite spec object is required`);
  const base = slug(s.name ?? s.title ?? `chart-${ctx.chartCount}`, `chart-${ctx.chartCount}`).replace(/^chart-(?=.)/, '');
  const id = ctx.ids.take(`chart-${base}`);
  const name = id.slice('chart-'.length); // unique on the page, like the id
  let svg: string;
  try {
    svg = await renderChartSvg(s.spec);
  } catch (err) {
    throw new ComplensError(`chart ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
  svg = scopeSvgIds(sanitizeSvg(svg), id);
  const label = s.title ?? s.caption ?? name;
  const specId = ctx.ids.take(`${id}-spec`);
  const spec = s.embedSpec === false ? '' : `\n<script type="application/json" id="${specId}" data-chart-spec="${escapeHtml(id)}">${jsonForScript(s.spec)}</script>`;
  return [
    `<figure class="chart" id="${id}" data-chart="${escapeHtml(name)}">`,
    `<div class="chart-svg" role="img" aria-label="${escapeHtml(label)}">${svg}</div>`,
    s.caption ? `<figcaption>${inline(s.caption)}</figcaption>` : '',
    `</figure>${spec}`,
  ]
    .filter(Boolean)
    .join('\n');
}

const IMAGE_TYPES: { mime: string; magic: number[] }[] = [
  { mime: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
];

/** A `data:` URI for the image, after checking it really is PNG or JPEG data (never a URL). */
export function imageDataUri(image: Uint8Array | string, what = 'image'): string {
  let bytes: Uint8Array;
  if (typeof image === 'string') {
    const m = /^data:(image\/(?:png|jpeg));base64,([A-Za-z0-9+/=\s]+)$/.exec(image.trim());
    const b64 = m ? m[2] : image.trim();
    if (!m && /^[a-z][a-z0-9+.-]*:/i.test(b64)) {
      throw new ComplensError(`${what}: expected PNG/JPEG bytes, base64 or a data:image/png;base64 URI, got a URL (${b64.slice(0, 60)}); reports load nothing from outside`);
    }
    if (!/^[A-Za-z0-9+/=\s]+$/.test(b64)) throw new ComplensError(`${what}: not valid base64 image data`);
    bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  } else if (image instanceof Uint8Array) {
    bytes = image;
  } else {
    throw new ComplensError(`${what}: expected a Uint8Array or a string`);
  }
  const type = IMAGE_TYPES.find((t) => t.magic.every((b, i) => bytes[i] === b));
  if (!type) throw new ComplensError(`${what}: the data is neither PNG nor JPEG`);
  return `data:${type.mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

function imageHtml(s: ImageSection): string {
  const uri = imageDataUri(s.image, `image ${JSON.stringify(s.title ?? s.alt ?? '')}`);
  const width = s.width && s.width > 0 ? ` width="${Math.round(s.width)}"` : '';
  return `<figure class="image"><img src="${uri}" alt="${escapeHtml(s.alt ?? '')}"${width}>${s.caption ? `<figcaption>${inline(s.caption)}</figcaption>` : ''}</figure>`;
}

function dotHtml(s: DotSection, ctx: Context): string {
  const source = `<pre class="dot-source"><code>${escapeHtml(s.dot ?? '')}</code></pre>`;
  const caption = s.caption ? `<figcaption>${inline(s.caption)}</figcaption>` : '';
  if (!s.svg) return `<figure class="dot">${source}${caption}</figure>`;
  const id = ctx.ids.take(`dot-${++ctx.dotCount}`);
  const svg = scopeSvgIds(sanitizeSvg(s.svg), id);
  return `<figure class="dot" id="${id}"><div class="dot-svg">${svg}</div>${caption}<details class="dot-source"><summary>DOT source</summary>${source}</details></figure>`;
}

async function detailsHtml(s: DetailsSection, ctx: Context, level: number, topLevel: boolean): Promise<string> {
  const id = sectionId(s, ctx);
  if (topLevel && s.title && id) ctx.toc.push({ id, title: s.title });
  const inner: string[] = [];
  for (const child of s.sections ?? []) inner.push(await renderSection(child, ctx, level + 1, false));
  const heading = s.title ? `<h${Math.min(level, 6)}>${escapeHtml(s.title)}</h${Math.min(level, 6)}>` : '';
  return `<section class="report-section section-details"${id ? ` id="${escapeHtml(id)}"` : ''}>${heading}<details class="report-details"${s.open ? ' open' : ''}><summary>${escapeHtml(s.summary)}</summary>\n${inner.join('\n')}\n</details></section>`;
}
