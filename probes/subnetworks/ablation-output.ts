/** What `complens ablate` writes and prints for each ablation, as files and plain blocks the CLI lays out. */
import * as fs from 'fs';
import * as path from 'path';
import type { TopLevelSpec } from 'vega-lite';
import { tableIndex } from '../../lib/tasks/lookup';
import { writeFileAtomic } from '../../lib/util/atomic';
import { UsageError } from '../../lib/util/errors';
import { percent } from '../../lib/util/format';
import { claimOutputDir } from '../../lib/util/output';
import { renderSvg } from '../charts';
import { SubroutineMaskSearchResult } from './mask-search';
import { accuracyByModeSpec, sparsityByLayerSpec, subroutineTables, tableDropSpec, tableIouSpec, tableTables } from './report';
import { SubroutineAnalysisResult } from './subroutine-analysis';
import { TableSubnetworksResult } from './table-subnetworks';

/** A line of text, or a table the CLI formats (so probes/ does not depend on the CLI's table layout). */
export type OutputBlock = string | { headers: string[]; rows: (string | number)[][] };

export interface AblationOutput {
  /** What --json prints. */
  json: unknown;
  /** What is printed otherwise. */
  blocks: OutputBlock[];
  /** Claims the output folder and writes the CSVs, masks, result.json and charts. */
  write(out: string): Promise<void>;
}

/** 'all' → every table; 'table:t3' or 't3' (1-based names) → that table; comma lists allowed ('table:t1,t3'). */
export function tablesFromTarget(target: string, numTables: number): number[] {
  if (target === 'all' || target === 'tables') return Array.from({ length: numTables }, (_, t) => t);
  const names = target.replace(/^table:/, '').split(',').map((s) => s.trim()).filter(Boolean);
  const out = names.map((name) => {
    const t = tableIndex(name);
    if (t < 0 || t >= numTables) throw new UsageError(`ablate: --subroutine for a lookup checkpoint is all or table:t1..t${numTables}; got ${JSON.stringify(target)}`);
    return t;
  });
  if (out.length === 0) throw new UsageError(`ablate: --subroutine ${JSON.stringify(target)} names no table`);
  return out;
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pm = (s: { mean: number; sd: number }) => `${fmt(s.mean)} ± ${fmt(s.sd)}`;

export function subroutineOutput(result: SubroutineAnalysisResult, search?: SubroutineMaskSearchResult): AblationOutput {
  const runs = result.runs.map(({ mask, history, accuracy, ...rest }) => rest);
  const searchBlocks: OutputBlock[] = !search ? [] : [
    'mask search (D.7; seed 0, validation partitions):',
    {
      headers: ['mask', 'grid point', 'own val', 'eligible', 'abl target', 'abl other', 'quality', 'kept', 'chosen'],
      rows: search.rows.map((r) => [r.subroutine, JSON.stringify(r.candidate), percent(r.own), r.eligible ? 'yes' : 'no', percent(r.ablTarget), percent(r.ablOther), fmt(r.quality), percent(r.keptFraction), search.best[r.subroutine] === r ? '*' : '']),
    },
    ...search.warnings.map((w) => `warning: ${w}`),
    '',
  ];
  return {
    json: { search, sets: result.sets, summary: result.summary, runs, warnings: result.warnings },
    blocks: [
      ...searchBlocks,
      {
        headers: ['network', 'mask', 'solved', 'held-out acc', 'kept', 'SubDiff', 'AblDiff (zero)', 'AblDiff (random)'],
        rows: result.summary.map((s) => [s.network, s.subroutine, `${s.solved}/${s.runs}`, pm(s.heldOutAccuracy), percent(s.keptFraction.mean), pm(s.subDiff), pm(s.ablDiff), pm(s.ablDiffRandom)]),
      },
      '',
      'SubDiff = max(acc_sub(target), .25) − max(acc_sub(other), .25), expected > 0; AblDiff the same after ablation, expected < 0.',
      `target/other partitions: mask A → ${result.sets.A.target}/${result.sets.A.other}, mask B → ${result.sets.B.target}/${result.sets.B.other}; mean ± sd over seeds ${result.seeds.join(', ')}.`,
      ...result.warnings.map((w) => `warning: ${w}`),
    ],
    async write(out) {
      claimOutputDir(out, 'ablate');
      fs.mkdirSync(path.join(out, 'masks'), { recursive: true });
      for (const [name, table] of Object.entries(subroutineTables(result))) writeFileAtomic(path.join(out, `${name}.csv`), table.toCSV());
      for (const run of result.runs) writeFileAtomic(path.join(out, 'masks', `${run.network}-${run.subroutine}-s${run.seed}.json`), JSON.stringify(run.mask.toJSON()));
      if (search) writeFileAtomic(path.join(out, 'search.json'), JSON.stringify(search, null, 2));
      writeFileAtomic(
        path.join(out, 'result.json'),
        JSON.stringify({ kind: result.kind, sets: result.sets, seeds: result.seeds, threshold: result.threshold, heldOut: result.heldOut, maskBySubroutine: search?.maskBySubroutine, summary: result.summary, warnings: result.warnings }, null, 2),
      );
      await writeChart(out, 'accuracy-by-mode', accuracyByModeSpec(result));
      await writeChart(out, 'sparsity-by-layer', sparsityByLayerSpec(result));
    },
  };
}

export function tableOutput(result: TableSubnetworksResult): AblationOutput {
  return {
    json: { tables: result.tables.map(({ mask, history, sparsity, ...rest }) => rest), tableNames: result.tableNames, iou: result.iou, warnings: result.warnings },
    blocks: [
      {
        headers: ['table', 'kept', 'sub own', 'sub other', 'abl own', 'abl other', 'drop own', 'drop other', 'drop comp. with', 'drop comp. without'],
        rows: result.tables.map((t) => [
          t.name,
          percent(t.keptFraction),
          percent(t.accuracy.subnetwork!.ownAtomic),
          percent(t.accuracy.subnetwork!.otherAtomic),
          percent(t.accuracy.ablation!.ownAtomic),
          percent(t.accuracy.ablation!.otherAtomic),
          fmt(t.drop.ownAtomic),
          fmt(t.drop.otherAtomic),
          fmt(t.drop.composedWith),
          fmt(t.drop.composedWithout),
        ]),
      },
      '',
      'IoU between table masks:',
      { headers: ['', ...result.tableNames], rows: result.tableNames.map((name, i) => [name, ...result.iou[i].map((v) => fmt(v, 2))]) },
      ...result.warnings.map((w) => `warning: ${w}`),
    ],
    async write(out) {
      claimOutputDir(out, 'ablate');
      fs.mkdirSync(path.join(out, 'masks'), { recursive: true });
      for (const [name, table] of Object.entries(tableTables(result))) writeFileAtomic(path.join(out, `${name}.csv`), table.toCSV());
      for (const t of result.tables) writeFileAtomic(path.join(out, 'masks', `${t.name}.json`), JSON.stringify(t.mask.toJSON()));
      writeFileAtomic(path.join(out, 'result.json'), JSON.stringify({ kind: result.kind, tableNames: result.tableNames, iou: result.iou, tables: result.tables.map(({ mask, history, ...rest }) => rest), warnings: result.warnings }, null, 2));
      await writeChart(out, 'table-drop', tableDropSpec(result));
      await writeChart(out, 'table-iou', tableIouSpec(result));
    },
  };
}

async function writeChart(out: string, name: string, spec: TopLevelSpec): Promise<void> {
  writeFileAtomic(path.join(out, `${name}.vl.json`), JSON.stringify(spec, null, 2));
  writeFileAtomic(path.join(out, `${name}.svg`), await renderSvg(spec));
}
