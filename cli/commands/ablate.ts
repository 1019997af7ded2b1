/**
 * `complens ablate`: subnetwork discovery by continuous sparsification on a checkpoint, then subnetwork and ablation
 * tests. Subroutine-task checkpoints get the "Break It Down" protocol (SubDiff / AblDiff, random-init baseline);
 * lookup-table checkpoints get one subnetwork per atomic table with ablation effects and the IoU between tables.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TopLevelSpec } from 'vega-lite';
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { AnyModel, SequenceModel, VectorModel } from '../../lib/models/types';
import { TaskBase } from '../../lib/tasks/types';
import { workloadOf } from '../../lib/workloads';
import { LookupTask, tableIndex } from '../../lib/tasks/lookup';
import { SubroutineTask } from '../../lib/tasks/subroutines';
import { writeFileAtomic } from '../../lib/util/atomic';
import { ComplensError, ConfigError, UsageError } from '../../lib/util/errors';
import { checkOutputDir, claimOutputDir } from '../../lib/util/output';
import { Progress } from '../../lib/util/progress';
import { renderSvg } from '../../probes/charts';
import {
  accuracyByModeSpec, maskGrid, MaskTrainConfig, sparsityByLayerSpec, subroutineAnalysis, SubroutineAnalysisResult, subroutineMaskSearch,
  SubroutineMaskSearchResult, subroutineTables, tableDropSpec, tableIouSpec, tableSubnetworks, TableSubnetworksResult, tableTables,
  validateMaskTrainConfig,
} from '../../probes/subnetworks';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { formatTable, percent } from '../format';

export const ablateCommand: Command = {
  name: 'ablate',
  summary: 'find subnetworks by continuous sparsification and run subnetwork / ablation tests on a checkpoint',
  positionals: [{ name: '<checkpoint>', help: 'checkpoint directory (subroutine-task MLP or lookup-table RNN)' }],
  details: [
    'Targets (--subroutine):',
    '  A | B | all         subroutine-task checkpoints: a mask per subroutine trained on its training split only;',
    '                      SubDiff / AblDiff on the partitions (floor 0.25), the same on an untrained copy.',
    '  table:t3 | all      lookup-table checkpoints: a mask per atomic table trained on its atomic rows; accuracy drop',
    '                      on own / other atomic rows and composed rows with / without the table; IoU between tables.',
    'Mask defaults follow Lepori et al. 2023: s0 0.05, Adam lr 0.01, λ 1e-8 (un-normalised sum), β 1 → 200 per epoch,',
    '90 epochs, batch 64. Writes tables (CSV), charts (SVG + vega-lite JSON), masks and result.json to --out.',
    'With --grid (subroutine checkpoints), one mask per grid point and subroutine (seed 0) is trained first and scored',
    'on the validation partitions (D.7); the best settings per subroutine are then used for every seed (search.json).',
    'See docs/instruments/subnetworks.md.',
  ].join('\n'),
  flags: [
    { name: 'subroutine', type: 'string', value: 'A|B|all|table:tN', default: 'all', help: 'what to find a subnetwork for' },
    { name: 'seeds', type: 'seeds', default: '0..2', help: 'mask seeds, e.g. 0..2 or 1,5 (subroutines; lookup tables use the first)' },
    { name: 'include', type: 'list', value: 'GLOBS', help: 'tensors to mask, e.g. cells.*.W_hh (default: every maskable tensor)' },
    { name: 'epochs', type: 'int', help: 'mask-training epochs (default: 90)' },
    { name: 'batch', type: 'int', help: 'mask-training batch size, 0 = full batch (default: 64)' },
    { name: 'lr', type: 'number', help: 'Adam learning rate of the scores (default: 0.01)' },
    { name: 'init', type: 'number', help: 'initial score s0 (default: 0.05)' },
    { name: 'lambda', type: 'number', help: 'sparsity penalty weight (default: 1e-8)' },
    { name: 'penalty', type: 'string', choices: ['sum', 'mean'], help: 'sum (paper) or mean over mask entries (default: sum)' },
    { name: 'beta-max', type: 'number', help: 'final temperature (default: 200)' },
    { name: 'beta-schedule', type: 'string', choices: ['epoch', 'step'], help: 'grow β per epoch (paper) or per step (default: epoch)' },
    { name: 'held-out', type: 'string', choices: ['val', 'test'], default: 'test', help: 'subroutine split the subnetwork must solve (≥ 0.9)' },
    { name: 'grid', type: 'string', value: 'JSON|FILE', help: 'subroutines: first choose each subroutine\'s mask settings by the D.7 search over this grid of mask settings, e.g. {"lambda":[1,10],"initScore":[0.05,0]}, scored on validation splits only (inline JSON or a file)' },
    { name: 'random-init', type: 'boolean', default: true, help: 'skip the untrained-copy baseline' },
    { name: 'with-composed', type: 'boolean', help: 'lookup: also train each table mask on composed training rows containing it' },
    { name: 'out', type: 'string', value: 'DIR', help: 'output folder (default: runs/ablate-<checkpoint name>)' },
    { name: 'json', type: 'boolean', help: 'print the result summary as JSON' },
  ],
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    const dir = args.positionals[0];
    const seeds = f.seeds as number[];
    const mask = maskConfigFromFlags(args);
    const grid = f.grid === undefined ? undefined : gridFromFlag(String(f.grid), mask);
    const target = String(f.subroutine ?? 'all');
    const quiet = Boolean(f.quiet);
    const out = String(f.out ?? path.join('runs', `ablate-${path.basename(path.resolve(dir))}`));
    checkOutputDir(out, 'ablate');

    await initBackend();
    const { model, task } = loadModelCheckpoint(dir);
    try {
      if (!quiet) console.error(`complens ablate · ${backendHeader()} · ${dir} → ${out}`);
      const progress = progressReporter(quiet);
      const workload = workloadOf(task, model, dir);
      const ablation = ABLATIONS[workload.name];
      if (!ablation) throw new ComplensError(`${dir}: ablate handles ${Object.keys(ABLATIONS).join(' and ')} checkpoints; this one is a ${workload.name} checkpoint`);
      await ablation({ model, task, target, grid, mask, seeds, out, f, progress });
      if (!quiet) console.error(`wrote ${out}`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};

interface AblationContext {
  model: AnyModel;
  task: TaskBase;
  target: string;
  grid: Partial<MaskTrainConfig>[] | undefined;
  mask: Partial<MaskTrainConfig>;
  seeds: number[];
  out: string;
  f: ParsedArgs['flags'];
  progress: ReturnType<typeof progressReporter>;
}

/** The ablation of each workload that has one, by workload name (the checkpoint's model kind is checked by workloadOf). */
const ABLATIONS: Record<string, (c: AblationContext) => Promise<void>> = {
  // Break It Down (D.6–D.9): masks for subroutine A, B or both, with the optional D.7 mask search.
  async subroutines({ model, task, target, grid, mask, seeds, out, f, progress }) {
    const subroutine = target === 'A' || target === 'B' ? target : target === 'all' || target === 'both' ? 'both' : undefined;
    if (!subroutine) throw new UsageError(`ablate: --subroutine for a subroutine-task checkpoint is A, B or all; got ${JSON.stringify(target)}`);
    const t = task as SubroutineTask;
    const search = grid ? await subroutineMaskSearch({ model: model as VectorModel, task: t, subroutine, candidates: grid, base: mask, onProgress: progress }) : undefined;
    const result = await subroutineAnalysis({
      model: model as VectorModel,
      task: t,
      subroutine,
      seeds,
      config: { mask, maskBySubroutine: search?.maskBySubroutine, heldOut: f['held-out'] as 'val' | 'test', randomInit: f['random-init'] !== false },
      onProgress: progress,
    });
    progress.done();
    await writeSubroutineOutputs(out, result, search);
    if (search && !f.json) printSearch(search);
    printSubroutine(result, Boolean(f.json), search);
  },
  // One subnetwork per lookup table (and optionally per composition).
  async lookup({ model, task, target, grid, mask, seeds, out, f, progress }) {
    if (grid) throw new UsageError('ablate: --grid (the D.7 mask search) applies to subroutine-task checkpoints; lookup tables use one mask config');
    const t = task as LookupTask;
    const tables = tablesFromTarget(target, t.spec.tables.length);
    const result = await tableSubnetworks(model as SequenceModel, t, { tables, mask: { ...mask, seed: seeds[0] }, includeComposed: Boolean(f['with-composed']) }, { onProgress: progress });
    progress.done();
    await writeTableOutputs(out, result);
    printTables(result, Boolean(f.json));
  },
};

const FLAG_OF: Record<string, string> = {
  include: 'include', epochs: 'epochs', batchSize: 'batch', learningRate: 'lr', initScore: 'init', lambda: 'lambda', penalty: 'penalty', betaMax: 'beta-max', betaSchedule: 'beta-schedule',
};

function maskConfigFromFlags(args: ParsedArgs): Partial<MaskTrainConfig> {
  const f = args.flags;
  const entries: [string, unknown][] = [
    ['include', f.include],
    ['epochs', f.epochs],
    ['batchSize', f.batch],
    ['learningRate', f.lr],
    ['initScore', f.init],
    ['lambda', f.lambda],
    ['penalty', f.penalty],
    ['betaMax', f['beta-max']],
    ['betaSchedule', f['beta-schedule']],
  ];
  const config = Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Partial<MaskTrainConfig>;
  try {
    validateMaskTrainConfig(config); // fail before the checkpoint is loaded
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const key = err.field.replace(/^mask\./, '').replace(/\[.*$/, '');
    const flag = FLAG_OF[key] ?? key;
    throw new UsageError(`ablate: --${flag}: ${err.message.slice(err.message.indexOf(': ') + 2)}`);
  }
  return config;
}

/** --grid: inline JSON or a JSON file of mask-setting axes → the candidate configs, each validated over `base`. */
export function gridFromFlag(text: string, base: Partial<MaskTrainConfig>): Partial<MaskTrainConfig>[] {
  const source = fs.existsSync(text) ? fs.readFileSync(text, 'utf8') : text;
  const where = fs.existsSync(text) ? `--grid ${text}` : '--grid';
  let axes: unknown;
  try {
    axes = JSON.parse(source);
  } catch (err) {
    throw new UsageError(`${where}: not valid JSON (${(err as Error).message}); expected an object such as {"lambda":[1,10],"initScore":[0.05,0]}`);
  }
  if (!axes || typeof axes !== 'object' || Array.isArray(axes) || Object.keys(axes).length === 0) {
    throw new UsageError(`${where}: expected a non-empty object of mask settings to lists of values, e.g. {"lambda":[1,10]}`);
  }
  const known = Object.keys(validateMaskTrainConfig({})).filter((k) => k !== 'seed');
  for (const [key, values] of Object.entries(axes as Record<string, unknown>)) {
    if (!known.includes(key)) throw new UsageError(`${where}: unknown mask setting ${JSON.stringify(key)}; known: ${known.join(', ')}`);
    if (!Array.isArray(values) || values.length === 0) throw new UsageError(`${where}: ${key} needs a non-empty list of values`);
  }
  const candidates = maskGrid(axes as Parameters<typeof maskGrid>[0]);
  candidates.forEach((c, i) => {
    try {
      validateMaskTrainConfig({ ...base, ...c });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new UsageError(`${where}: grid point ${i + 1} ${JSON.stringify(c)}: ${err.message}`);
    }
  });
  return candidates;
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

function progressReporter(quiet: boolean) {
  let current: { label: string; bar: Progress } | undefined;
  const report = (label: string, step: number, total: number, detail: string) => {
    if (current?.label !== label) {
      current?.bar.finish();
      current = { label, bar: new Progress({ total, label: `mask ${label}`, quiet }) };
    }
    current.bar.update(step, detail);
  };
  report.done = () => current?.bar.finish();
  return report;
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pm = (s: { mean: number; sd: number }) => `${fmt(s.mean)} ± ${fmt(s.sd)}`;

function printSearch(search: SubroutineMaskSearchResult): void {
  console.log('mask search (D.7; seed 0, validation partitions):');
  console.log(
    formatTable(
      ['mask', 'grid point', 'own val', 'eligible', 'abl target', 'abl other', 'quality', 'kept', 'chosen'],
      search.rows.map((r) => [r.subroutine, JSON.stringify(r.candidate), percent(r.own), r.eligible ? 'yes' : 'no', percent(r.ablTarget), percent(r.ablOther), fmt(r.quality), percent(r.keptFraction), search.best[r.subroutine] === r ? '*' : '']),
    ),
  );
  for (const w of search.warnings) console.log(`warning: ${w}`);
  console.log('');
}

function printSubroutine(result: SubroutineAnalysisResult, json: boolean, search?: SubroutineMaskSearchResult): void {
  if (json) {
    const runs = result.runs.map(({ mask, history, accuracy, ...rest }) => rest);
    console.log(JSON.stringify({ search, sets: result.sets, summary: result.summary, runs, warnings: result.warnings }, null, 2));
    return;
  }
  console.log(
    formatTable(
      ['network', 'mask', 'solved', 'held-out acc', 'kept', 'SubDiff', 'AblDiff (zero)', 'AblDiff (random)'],
      result.summary.map((s) => [s.network, s.subroutine, `${s.solved}/${s.runs}`, pm(s.heldOutAccuracy), percent(s.keptFraction.mean), pm(s.subDiff), pm(s.ablDiff), pm(s.ablDiffRandom)]),
    ),
  );
  console.log('');
  console.log('SubDiff = max(acc_sub(target), .25) − max(acc_sub(other), .25), expected > 0; AblDiff the same after ablation, expected < 0.');
  console.log(`target/other partitions: mask A → ${result.sets.A.target}/${result.sets.A.other}, mask B → ${result.sets.B.target}/${result.sets.B.other}; mean ± sd over seeds ${result.seeds.join(', ')}.`);
  for (const w of result.warnings) console.log(`warning: ${w}`);
}

function printTables(result: TableSubnetworksResult, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ tables: result.tables.map(({ mask, history, sparsity, ...rest }) => rest), tableNames: result.tableNames, iou: result.iou, warnings: result.warnings }, null, 2));
    return;
  }
  console.log(
    formatTable(
      ['table', 'kept', 'sub own', 'sub other', 'abl own', 'abl other', 'drop own', 'drop other', 'drop comp. with', 'drop comp. without'],
      result.tables.map((t) => [
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
    ),
  );
  console.log('');
  console.log('IoU between table masks:');
  console.log(formatTable(['', ...result.tableNames], result.tableNames.map((name, i) => [name, ...result.iou[i].map((v) => fmt(v, 2))])));
  for (const w of result.warnings) console.log(`warning: ${w}`);
}

async function writeChart(out: string, name: string, spec: TopLevelSpec): Promise<void> {
  writeFileAtomic(path.join(out, `${name}.vl.json`), JSON.stringify(spec, null, 2));
  writeFileAtomic(path.join(out, `${name}.svg`), await renderSvg(spec));
}

async function writeSubroutineOutputs(out: string, result: SubroutineAnalysisResult, search?: SubroutineMaskSearchResult): Promise<void> {
  claimOutputDir(out, 'ablate');
  fs.mkdirSync(path.join(out, 'masks'), { recursive: true });
  const tables = subroutineTables(result);
  for (const [name, table] of Object.entries(tables)) writeFileAtomic(path.join(out, `${name}.csv`), table.toCSV());
  for (const run of result.runs) writeFileAtomic(path.join(out, 'masks', `${run.network}-${run.subroutine}-s${run.seed}.json`), JSON.stringify(run.mask.toJSON()));
  if (search) writeFileAtomic(path.join(out, 'search.json'), JSON.stringify(search, null, 2));
  writeFileAtomic(
    path.join(out, 'result.json'),
    JSON.stringify({ kind: result.kind, sets: result.sets, seeds: result.seeds, threshold: result.threshold, heldOut: result.heldOut, maskBySubroutine: search?.maskBySubroutine, summary: result.summary, warnings: result.warnings }, null, 2),
  );
  await writeChart(out, 'accuracy-by-mode', accuracyByModeSpec(result));
  await writeChart(out, 'sparsity-by-layer', sparsityByLayerSpec(result));
}

async function writeTableOutputs(out: string, result: TableSubnetworksResult): Promise<void> {
  claimOutputDir(out, 'ablate');
  fs.mkdirSync(path.join(out, 'masks'), { recursive: true });
  const tables = tableTables(result);
  for (const [name, table] of Object.entries(tables)) writeFileAtomic(path.join(out, `${name}.csv`), table.toCSV());
  for (const t of result.tables) writeFileAtomic(path.join(out, 'masks', `${t.name}.json`), JSON.stringify(t.mask.toJSON()));
  writeFileAtomic(path.join(out, 'result.json'), JSON.stringify({ kind: result.kind, tableNames: result.tableNames, iou: result.iou, tables: result.tables.map(({ mask, history, ...rest }) => rest), warnings: result.warnings }, null, 2));
  await writeChart(out, 'table-drop', tableDropSpec(result));
  await writeChart(out, 'table-iou', tableIouSpec(result));
}
