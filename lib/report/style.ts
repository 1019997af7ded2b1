/** The report's inline stylesheet: one column, DejaVu Sans (the one font installed everywhere), print-friendly. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; --accent: #0b5cad;
  --good: #1a7f37; --good-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5; --bad: #cf222e; --bad-bg: #ffebe9; }
* { box-sizing: border-box; }
html { font-family: 'DejaVu Sans', sans-serif; font-size: 15px; line-height: 1.5; color: var(--fg); background: #fff; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px; }
header.report-header { border-bottom: 2px solid var(--line); margin-bottom: 24px; padding-bottom: 12px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
.subtitle { font-size: 1.1rem; color: var(--muted); margin: 0 0 8px; }
.meta { font-size: 0.85rem; color: var(--muted); margin: 2px 0; }
.meta code, .backend code { font-size: 0.85rem; }
.backend { font-size: 0.85rem; margin: 6px 0 0; padding: 4px 8px; background: var(--bg-soft); border-left: 3px solid var(--accent); }
h2 { font-size: 1.35rem; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.12rem; margin: 20px 0 8px; }
h4, h5 { font-size: 1rem; margin: 16px 0 6px; }
p { margin: 8px 0; }
a { color: var(--accent); }
code, pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.87rem; }
code { background: var(--bg-soft); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--bg-soft); padding: 10px 12px; border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; white-space: pre; }
pre code { background: none; padding: 0; }
nav.toc { font-size: 0.9rem; background: var(--bg-soft); border: 1px solid var(--line); border-radius: 4px; padding: 8px 16px; margin-bottom: 16px; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
section.report-section { margin-bottom: 16px; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table.report-table { border-collapse: collapse; font-size: 0.88rem; min-width: 40%; }
table.report-table caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: 4px; }
table.report-table th, table.report-table td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
table.report-table th { background: var(--bg-soft); border-bottom: 2px solid var(--line); white-space: nowrap; }
table.report-table tbody tr:nth-child(even) { background: #fbfcfd; }
table.report-table .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.report-table td.nan { color: var(--muted); }
.table-note { font-size: 0.8rem; color: var(--muted); margin: 2px 0; }
figure { margin: 12px 0 20px; }
figure.chart .chart-svg svg, figure.dot .dot-svg svg { max-width: 100%; height: auto; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: var(--muted); margin-top: 4px; }
.figure-title { font-weight: bold; margin-bottom: 4px; }
.summary { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 12px 0 20px; background: #fff; }
.summary .summary-title { font-weight: bold; margin-bottom: 6px; }
.verdict { display: flex; align-items: baseline; gap: 16px; padding: 10px 14px; border-radius: 4px; margin-bottom: 10px; border-left: 6px solid var(--muted); background: var(--bg-soft); }
.verdict .verdict-label { font-size: 1.3rem; font-weight: bold; }
.verdict .verdict-score { font-size: 1.6rem; font-weight: bold; font-variant-numeric: tabular-nums; }
.verdict .verdict-score-label { font-size: 0.8rem; color: var(--muted); display: block; font-weight: normal; }
.verdict .verdict-detail { color: var(--fg); margin: 4px 0 0; }
.tone-good { border-left-color: var(--good); background: var(--good-bg); } .tone-good .verdict-label { color: var(--good); }
.tone-warn { border-left-color: var(--warn); background: var(--warn-bg); } .tone-warn .verdict-label { color: var(--warn); }
.tone-bad { border-left-color: var(--bad); background: var(--bad-bg); } .tone-bad .verdict-label { color: var(--bad); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; }
dl.kv dd.tone-good, dl.kv dd.tone-warn, dl.kv dd.tone-bad { background: none; font-weight: bold; }
dl.kv dd.tone-good { color: var(--good); } dl.kv dd.tone-warn { color: var(--warn); } dl.kv dd.tone-bad { color: var(--bad); }
details.report-details { border: 1px solid var(--line); border-radius: 4px; padding: 6px 12px; margin: 12px 0; }
details.report-details > summary { cursor: pointer; font-weight: bold; }
details.dot-source > summary { cursor: pointer; color: var(--muted); font-size: 0.85rem; }
footer.report-footer { margin-top: 40px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 0.8rem; color: var(--muted); }
@media print {
  html { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  figure, .summary, table.report-table tr, pre { break-inside: avoid; }
  .table-wrap, pre { overflow: visible; }
  pre { white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
  .verdict, .tone-good, .tone-warn, .tone-bad { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
