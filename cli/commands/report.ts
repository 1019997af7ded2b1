/** `complens report`: one self-contained HTML page for a checkpoint or a search folder, with every chart inline. */
import * as fs from 'fs';
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { buildReport, exportCharts, parseChartFormats, Section, writeReport } from '../../lib/report';
import { CheckpointIndex, histogramSpec, readStoreFile, storeFile, summarizeSearch, SEARCH_CONFIG_FILE } from '../../lib/search';
import { SkippedSplit, unreadableSplits } from '../../lib/workloads';
import { checkpointVerdictSections, judge } from '../../probes/verdict';
import { checkOutputDir, checkOutputFile, claimOutputDir } from '../../lib/util/output';
import { flagLabel, ParsedArgs } from '../args';
import { Command } from '../command';
import { jsonFlag } from '../flags';

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report (verdict, evidence, charts) for a checkpoint or a search folder',
  positionals: [{ name: '<checkpoint|search-dir>', help: 'a checkpoint directory, or the --out folder of `complens search`' }],
  flags: [
    { name: 'html', type: 'string', value: 'FILE', default: 'report.html', help: 'HTML file to write', aliases: [{ name: 'out', deprecated: true }] },
    { name: 'charts', type: 'string', value: 'DIR', help: 'also export every chart to DIR' },
    { name: 'format', type: 'list', value: 'svg,png,json', default: 'svg,png', help: 'chart formats for --charts' },
    { name: 'analyze', type: 'int', default: 2, help: 'search folder: analyze this many kept checkpoints (the best, then typical ones)' },
    jsonFlag('the files written and the skipped splits'),
  ],
  details: 'The page needs no network: charts are rendered to inline SVG, with their vega-lite specs embedded beside them.',
  async run(args: ParsedArgs): Promise<number> {
    // Every flag is checked before the page is written: a bad --format used to fail after report.html was replaced.
    const out = String(args.flags.html);
    checkOutputFile(out, 'report', flagLabel(args, 'html'));
    const formats = parseChartFormats(args.flags.format as string[]);
    if (args.flags.charts) checkOutputDir(String(args.flags.charts), 'charts', '--charts');
    await initBackend();
    const target = args.positionals[0];
    const skipped: SkippedSplit[] = [];
    const sections = fs.existsSync(path.join(target, SEARCH_CONFIG_FILE))
      ? await searchSections(target, args.flags.analyze as number)
      : checkpointSections(target, path.basename(path.resolve(target)), skipped);
    const html = await buildReport({ title: `complens report: ${path.basename(path.resolve(target))}`, backend: backendHeader(), sections, meta: { source: target } });
    writeReport(out, html);
    if (args.flags.charts) {
      const specs = Object.fromEntries(sections.flatMap((s) => chartsOf(s)));
      claimOutputDir(String(args.flags.charts), 'charts', '--charts');
      await exportCharts(specs, String(args.flags.charts), formats);
    }
    if (args.flags.json) {
      console.log(JSON.stringify({ report: path.resolve(out), charts: args.flags.charts ? path.resolve(String(args.flags.charts)) : undefined, skipped }, null, 2));
      return 0;
    }
    console.log(`report: ${path.resolve(out)}`);
    for (const s of skipped) console.log(`skipped ${s.split}: ${s.reason}`);
    return 0;
  },
};

function chartsOf(section: Section): [string, import('vega-lite').TopLevelSpec][] {
  if (section.kind === 'chart') return [[section.name ?? section.title ?? 'chart', section.spec]];
  if (section.kind === 'details') return section.sections.flatMap(chartsOf);
  return [];
}

/** Sections for one checkpoint: the workload's verdict with its evidence and charts. */
export function checkpointSections(dir: string, name: string, skippedOut: SkippedSplit[] = []): Section[] {
  const { model, task } = loadModelCheckpoint(dir);
  try {
    const verdict = judge(model, task, dir, { command: 'report' }); // throws for a workload without a verdict
    const skipped = unreadableSplits(model, task);
    skippedOut.push(...skipped);
    const note: Section[] = skipped.length
      ? [{ kind: 'text', title: `${name}: splits skipped`, text: skipped.map((s) => `- \`${s.split}\`: ${s.reason}`).join('\n') }]
      : [];
    return [...checkpointVerdictSections(model, task, verdict, name), ...note];
  } finally {
    model.dispose();
  }
}

export async function searchSections(dir: string, analyze: number): Promise<Section[]> {
  const summary = summarizeSearch(dir);
  const rows = readStoreFile(storeFile(dir, 'haystack')).rows;
  const sections: Section[] = [
    {
      kind: 'summary',
      title: 'Haystack search',
      items: Object.fromEntries(summary.regimes.flatMap((r) => [
        [`${r.regime}: models`, r.models],
        [`${r.regime}: mean zero-shot`, r.zeroShot.mean],
        [`${r.regime}: share > 80%`, r.shareAbove80],
        [`${r.regime}: share > 90%`, r.shareAbove90],
      ])),
    },
    { kind: 'chart', title: 'Zero-shot accuracy over seeds', name: 'zero-shot-histogram', spec: histogramSpec(rows, summary) as never },
  ];
  const index = path.join(dir, 'checkpoints', 'index.json');
  if (fs.existsSync(index) && analyze > 0) {
    const kept = JSON.parse(fs.readFileSync(index, 'utf8')) as CheckpointIndex;
    const regime = kept.regimes['atomic+composed'] ?? Object.values(kept.regimes)[0];
    // The best model, then the median of the random sample (a typical model, not an extreme).
    const sample = [...(regime?.random ?? [])].sort((a, b) => a.zeroShot - b.zeroShot);
    const chosen = [
      ...(regime?.best ?? []).slice(0, 1).map((e) => ({ ...e, role: 'best' })),
      ...(sample.length ? [{ ...sample[Math.floor(sample.length / 2)], role: 'typical' }] : []),
    ].slice(0, analyze);
    for (const entry of chosen) sections.push(...checkpointSections(path.join(dir, entry.dir), `${entry.role} model ${entry.key}`));
  }
  return sections;
}
