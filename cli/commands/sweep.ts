/**
 * `complens sweep`: a grid of vector jobs (hidden width × held-out fraction × support × seed, after the
 * model-scaling and data/coverage-scaling sweeps of Redhardt et al., C.6), one row of metrics per job, written to
 *   DIR/results.json   {format, workload, settings, rows}   (rewritten atomically after every job)
 *   DIR/results.csv    one line per row
 *   DIR/chart.vl.json  vega-lite line chart: mean R² (ID and OOD) or partition accuracy against width
 *   DIR/chart.svg      the same, rendered headless
 *   DIR/runs/<key>/    each job's checkpoint (unless --checkpoints=false)
 * Resumable: rows already in results.json are skipped, so re-running a killed sweep finishes it; a results file of
 * a sweep with different fixed settings is refused (use another --out or --fresh).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TopLevelSpec } from 'vega-lite';
import { backendHeader, initBackend } from '../../lib/backend';
import { HT_SUPPORTS } from '../../lib/tasks/hyperteacher';
import { SUBROUTINE_VARIANTS } from '../../lib/tasks/subroutines';
import { resolveVectorJob, trainVectorJob, VECTOR_JOB_DEFAULTS, VECTOR_WORKLOADS, VectorTrainJob, VectorWorkload } from '../../lib/train/vector-job';
import { writeFileAtomic } from '../../lib/util/atomic';
import { ComplensError, UsageError } from '../../lib/util/errors';
import { checkOutputDir, claimOutputDir } from '../../lib/util/output';
import { formatSeconds, Progress } from '../../lib/util/progress';
import { chartConfig, renderSvg } from '../../probes/charts';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { formatNumber, formatTable, percent } from '../format';
import { readJobFile } from './train-vector';

export const RESULTS_FORMAT = 'complens-sweep-1';
export const RESULTS_FILE = 'results.json';
export const CSV_FILE = 'results.csv';
export const CHART_SPEC_FILE = 'chart.vl.json';
export const CHART_SVG_FILE = 'chart.svg';

/** The grid a sweep walks; lists are the values of each axis. */
export interface SweepGrid {
  widths: number[];
  /** hyperteacher only ([] for subroutines). */
  fracOods: number[];
  /** hyperteacher only ([] for subroutines). */
  supports: string[];
  seeds: number[];
}

/** One job's result. Metrics come from flattenEvaluation (idR2, oodR2, gap, … / only_A, only_B, both, …). */
export interface SweepRow {
  key: string;
  width: number;
  depth: number;
  fracOod: number | null;
  support: string | null;
  seed: number;
  steps: number;
  seconds: number;
  msPerStep: number;
  metrics: Record<string, number>;
  checkpoint: string | null;
}

export interface SweepResults {
  format: string;
  workload: VectorWorkload;
  /** Everything that is fixed across the grid; a resumed sweep must have the same. */
  settings: { task: Record<string, unknown>; model: Record<string, unknown>; training: Record<string, unknown> };
  rows: SweepRow[];
}

export interface SweepOptions {
  workload: VectorWorkload;
  grid: SweepGrid;
  depth: number;
  /** Base job sections (from --config and flags), without the axes. */
  base: { task: Record<string, unknown>; model: Record<string, unknown>; training: Record<string, unknown> };
  out: string;
  checkpoints: boolean;
  fresh?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
}

export function rowKey(workload: VectorWorkload, width: number, fracOod: number | null, support: string | null, seed: number): string {
  return workload === 'hyperteacher' ? `w${width}-f${fracOod}-${support}-s${seed}` : `w${width}-s${seed}`;
}

/** Runs every grid point not yet in DIR/results.json; returns all rows and writes the four outputs. */
export async function runSweep(o: SweepOptions): Promise<SweepResults> {
  await initBackend();
  const file = path.join(o.out, RESULTS_FILE);
  const settings = { task: o.base.task, model: { ...o.base.model, depth: o.depth }, training: o.base.training };
  let results: SweepResults = { format: RESULTS_FORMAT, workload: o.workload, settings, rows: [] };
  if (!o.fresh && fs.existsSync(file)) results = readResults(file, o.workload, settings);
  const done = new Set(results.rows.map((r) => r.key));
  const points = gridPoints(o.workload, o.grid);
  const todo = points.filter((p) => !done.has(rowKey(o.workload, p.width, p.fracOod, p.support, p.seed)));
  // Validate every job up front: a bad value anywhere in the grid fails before hours of training.
  const jobs = todo.map((p) => ({ p, job: jobAt(o, p) }));
  for (const { job } of jobs) resolveVectorJob(job);
  // Marked before the first job writes into it, so that a sweep killed during that job is still resumable.
  claimOutputDir(o.out, 'sweep');
  if (points.length > todo.length) o.log?.(`${points.length - todo.length} of ${points.length} grid points already in ${file}; skipping them`);
  const progress = new Progress({ total: jobs.length, label: 'sweep', quiet: o.quiet, intervalSeconds: 0 });
  let finished = 0;
  progress.update(0);
  for (const { p, job } of jobs) {
    const key = rowKey(o.workload, p.width, p.fracOod, p.support, p.seed);
    const inner = new Progress({ total: job.training.maxSteps as number, label: `  ${key}`, quiet: o.quiet });
    const result = await trainVectorJob(job, { onProgress: (step, _m, detail) => inner.update(step, detail), log: o.log });
    results.rows.push({
      key,
      width: p.width,
      depth: o.depth,
      fracOod: p.fracOod,
      support: p.support,
      seed: p.seed,
      steps: result.training.steps,
      seconds: result.training.wallSeconds,
      msPerStep: result.training.msPerStep,
      metrics: result.metrics,
      checkpoint: result.checkpoint ? path.relative(o.out, result.checkpoint) : null,
    });
    writeFileAtomic(file, JSON.stringify(results, null, 2) + '\n');
    finished++;
    progress.update(finished, `${key}: ${headline(o.workload, result.metrics)}`);
  }
  await writeOutputs(o.out, results);
  progress.finish(`${jobs.length} jobs run, ${results.rows.length} rows in ${file}`);
  return results;
}

function gridPoints(workload: VectorWorkload, g: SweepGrid): { width: number; fracOod: number | null; support: string | null; seed: number }[] {
  const out = [];
  const fracs = workload === 'hyperteacher' ? g.fracOods : [null];
  const supports = workload === 'hyperteacher' ? g.supports : [null];
  for (const support of supports) for (const fracOod of fracs) for (const width of g.widths) for (const seed of g.seeds) out.push({ width, fracOod, support, seed });
  return out;
}

function jobAt(o: SweepOptions, p: { width: number; fracOod: number | null; support: string | null; seed: number }): VectorTrainJob & { training: Record<string, unknown> } {
  const task: Record<string, unknown> = { ...o.base.task, kind: o.workload };
  if (o.workload === 'hyperteacher') Object.assign(task, { fracOod: p.fracOod, support: p.support });
  const key = rowKey(o.workload, p.width, p.fracOod, p.support, p.seed);
  return {
    task,
    model: { ...o.base.model, hiddenSizes: Array.from({ length: o.depth }, () => p.width) },
    training: { maxSteps: VECTOR_JOB_DEFAULTS[o.workload].training.maxSteps, ...o.base.training },
    // One seed per replicate: the task (teacher, split), the initialisation and the data order all follow it.
    seed: p.seed,
    out: o.checkpoints ? path.join(o.out, 'runs', key) : undefined,
  };
}

function readResults(file: string, workload: VectorWorkload, settings: SweepResults['settings']): SweepResults {
  let json: SweepResults;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ComplensError(`${file}: not valid JSON (${(err as Error).message}); pass --fresh to start over`);
  }
  if (json?.format !== RESULTS_FORMAT || !Array.isArray(json.rows)) throw new ComplensError(`${file}: not a complens sweep results file (format ${RESULTS_FORMAT}); use another --out`);
  if (json.workload !== workload) throw new ComplensError(`${file}: holds a ${json.workload} sweep, not ${workload}; use another --out`);
  const diff = firstDifference(json.settings, settings, 'settings');
  if (diff) throw new ComplensError(`${file}: written by a sweep with different fixed settings (${diff}); use another --out or pass --fresh`);
  return json;
}

/** The first path where two JSON values differ, described, or undefined when equal. */
function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : `${at}: ${JSON.stringify(a) ?? 'unset'} there, ${JSON.stringify(b) ?? 'unset'} now`;
}

/** Metric columns in the CSV and the printed table, by workload. */
function metricColumns(rows: SweepRow[]): string[] {
  const seen: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.metrics)) if (!seen.includes(k)) seen.push(k);
  return seen;
}

export function toCsv(results: SweepResults): string {
  const metrics = metricColumns(results.rows);
  const head = ['key', 'width', 'depth', 'fracOod', 'support', 'seed', 'steps', 'seconds', 'msPerStep', ...metrics, 'checkpoint'];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = results.rows.map((r) =>
    [r.key, r.width, r.depth, r.fracOod, r.support, r.seed, r.steps, r.seconds, r.msPerStep, ...metrics.map((m) => r.metrics[m]), r.checkpoint].map(cell).join(','),
  );
  return [head.join(','), ...lines].join('\n') + '\n';
}

/**
 * The line chart: x = hidden width (log₂), y = mean over seeds (with a standard-error bar when there are several),
 * hyperteacher: colour = held-out fraction, one column for ID (test) R² and one for OOD R², one row per support;
 * subroutines: colour = split (base_test, only_A, only_B, both).
 */
export function chartSpec(results: SweepResults): TopLevelSpec {
  const seedsPer = new Map<string, number>();
  const values: Record<string, unknown>[] = [];
  const push = (group: string, v: Record<string, unknown>) => {
    seedsPer.set(group, (seedsPer.get(group) ?? 0) + 1);
    values.push(v);
  };
  if (results.workload === 'hyperteacher') {
    for (const r of results.rows) {
      for (const [metric, label] of [['idR2', 'ID (test) R²'], ['oodR2', 'OOD R²']] as const) {
        push(`${r.width}|${r.fracOod}|${r.support}|${metric}`, { width: r.width, fracOod: r.fracOod, support: r.support, seed: r.seed, metric: label, value: r.metrics[metric] });
      }
    }
  } else {
    for (const r of results.rows) {
      for (const split of ['base_test', 'only_A', 'only_B', 'both']) {
        if (r.metrics[split] !== undefined) push(`${r.width}|${split}`, { width: r.width, seed: r.seed, split, value: r.metrics[split] });
      }
    }
  }
  const ht = results.workload === 'hyperteacher';
  const finite = values.map((v) => v.value as number).filter(Number.isFinite);
  // R² of a poor model can be far below 0; clip the axis at −1 so the interesting range stays readable.
  const lo = ht ? Math.max(-1, Math.min(0, ...finite)) : 0;
  const x = { field: 'width', type: 'quantitative', title: 'hidden width', scale: { type: 'log', base: 2 } } as const;
  const color = ht ? ({ field: 'fracOod', type: 'ordinal', title: 'held-out fraction' } as const) : ({ field: 'split', type: 'nominal', title: 'split' } as const);
  const y = { field: 'value', type: 'quantitative', title: ht ? 'R² (mean over seeds)' : 'accuracy (mean over seeds)', scale: { domain: [lo, 1] } } as const;
  const layers: Record<string, unknown>[] = [
    { mark: { type: 'line', point: true, clip: true }, encoding: { x, y: { ...y, aggregate: 'mean' }, color } },
  ];
  if ([...seedsPer.values()].some((n) => n > 1)) layers.push({ mark: { type: 'errorbar', extent: 'stderr', clip: true }, encoding: { x, y, color } });
  const supports = new Set(results.rows.map((r) => r.support));
  const title = ht ? 'Hyperteacher: R² vs MLP width (Redhardt et al. 2025, C.6)' : 'Subroutines: odd-one-out accuracy vs MLP width';
  const spec: Record<string, unknown> = ht
    ? {
        data: { values },
        facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['ID (test) R²', 'OOD R²'] }, ...(supports.size > 1 ? { row: { field: 'support', type: 'nominal' } } : {}) },
        spec: { width: 220, height: 180, layer: layers },
      }
    : { data: { values }, width: 280, height: 200, layer: layers };
  return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, ...spec, config: chartConfig } as unknown as TopLevelSpec;
}

async function writeOutputs(out: string, results: SweepResults): Promise<void> {
  writeFileAtomic(path.join(out, CSV_FILE), toCsv(results));
  const spec = chartSpec(results);
  writeFileAtomic(path.join(out, CHART_SPEC_FILE), JSON.stringify(spec, null, 2) + '\n');
  writeFileAtomic(path.join(out, CHART_SVG_FILE), await renderSvg(spec));
}

function headline(workload: VectorWorkload, m: Record<string, number>): string {
  return workload === 'hyperteacher'
    ? `ID R² ${formatNumber(m.idR2)}, OOD R² ${formatNumber(m.oodR2)}`
    : `only_A ${percent(m.only_A)}, only_B ${percent(m.only_B)}, both ${percent(m.both)}`;
}

export function formatSweep(results: SweepResults): string {
  const ht = results.workload === 'hyperteacher';
  const head = ht ? ['key', 'width', 'fracOod', 'support', 'seed', 'ID R²', 'OOD R²', 'gap', 'time'] : ['key', 'width', 'seed', 'base_test', 'only_A', 'only_B', 'both', 'time'];
  const rows = results.rows.map((r) =>
    ht
      ? [r.key, r.width, String(r.fracOod), String(r.support), r.seed, formatNumber(r.metrics.idR2), formatNumber(r.metrics.oodR2), formatNumber(r.metrics.gap), formatSeconds(r.seconds)]
      : [r.key, r.width, r.seed, percent(r.metrics.base_test), percent(r.metrics.only_A), percent(r.metrics.only_B), percent(r.metrics.both), formatSeconds(r.seconds)],
  );
  return formatTable(head, rows);
}

function numberList(args: ParsedArgs, flag: string, kind: 'int' | 'number', fallback: string[]): number[] {
  const raw = (args.flags[flag] as string[] | undefined) ?? fallback;
  if (raw.length === 0) throw new UsageError(`sweep: --${flag} needs at least one value`);
  const values = raw.map((s) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
      throw new UsageError(`sweep: --${flag} expects a comma-separated list of ${kind === 'int' ? 'integers' : 'numbers'}, got ${JSON.stringify(s)}`);
    }
    return n;
  });
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new UsageError(`sweep: --${flag} lists ${dup} twice`);
  return values;
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'train a grid of vector jobs (width × held-out fraction × seed) and chart the results',
  details: [
    'Example: complens sweep --task hyperteacher --widths 64,128,256 --frac-ood 0.25,0.5,0.9 --seeds 1,2,3 --steps 2000 --out runs/sweep',
    'Each grid point is one job with the train defaults (docs/workloads.md); --seeds sets the task, initialisation and',
    'data-order seed of each replicate. Writes results.json, results.csv, chart.vl.json and chart.svg to --out.',
    'Re-running the same command skips the rows already in results.json (a killed sweep resumes).',
  ].join('\n'),
  flags: [
    { name: 'task', type: 'string', choices: VECTOR_WORKLOADS, default: 'hyperteacher', help: 'vector workload' },
    { name: 'config', type: 'string', value: 'FILE', help: 'base job JSON (task, model, training) that the grid varies' },
    { name: 'widths', type: 'list', value: 'W,…', help: 'MLP hidden widths (default: 64,128,256)' },
    { name: 'depth', type: 'int', help: 'MLP hidden layers (default: 2)' },
    { name: 'frac-ood', type: 'list', value: 'F,…', help: 'hyperteacher: held-out fractions (default: 0.25)' },
    { name: 'supports', type: 'list', value: 'S,…', help: `hyperteacher: supports, of ${HT_SUPPORTS.join(', ')} (default: random)` },
    { name: 'seeds', type: 'list', value: 'N,…', help: 'replicate seeds (default: 1)' },
    { name: 'steps', type: 'int', help: 'training steps per job (default: hyperteacher 2000, subroutines 3000)' },
    { name: 'modules', type: 'int', value: 'M', help: 'hyperteacher: modules (default: 8)' },
    { name: 'max-active', type: 'int', value: 'K', help: 'hyperteacher: max active modules (default: 3)' },
    { name: 'variant', type: 'string', choices: SUBROUTINE_VARIANTS, help: 'subroutines: vision or language (default: vision)' },
    { name: 'lr', type: 'number', help: 'learning rate (default: the workload default)' },
    { name: 'batch', type: 'int', help: 'hyperteacher: tasks per step; subroutines: problems per minibatch' },
    { name: 'eval-tasks', type: 'int', help: 'hyperteacher: tasks per split in each final evaluation (default: 1024)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'results directory (default: runs/sweep-<task>)' },
    { name: 'checkpoints', type: 'boolean', default: true, help: 'save each job\'s checkpoint under DIR/runs/ (--checkpoints=false to skip)' },
    { name: 'fresh', type: 'boolean', help: 'ignore an existing results.json and start over' },
    { name: 'json', type: 'boolean', help: 'print the results as JSON' },
  ],
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    const workload = f.task as VectorWorkload;
    const ht = workload === 'hyperteacher';
    for (const flag of ['frac-ood', 'supports', 'modules', 'max-active', 'eval-tasks']) {
      if (!ht && f[flag] !== undefined) throw new UsageError(`sweep: --${flag} applies to --task hyperteacher only`);
    }
    if (ht && f.variant !== undefined) throw new UsageError('sweep: --variant applies to --task subroutines only');
    const file = readJobFile(f.config as string | undefined);
    if (file.task?.kind !== undefined && file.task.kind !== workload) throw new UsageError(`sweep: ${f.config} is a ${String(file.task.kind)} job but --task is ${workload}`);
    const widths = numberList(args, 'widths', 'int', ['64', '128', '256']);
    if (widths.some((w) => w < 1)) throw new UsageError('sweep: --widths must all be >= 1');
    const seeds = numberList(args, 'seeds', 'int', ['1']);
    if (seeds.some((s) => s < 0)) throw new UsageError('sweep: --seeds must all be >= 0');
    const fracOods = ht ? numberList(args, 'frac-ood', 'number', ['0.25']) : [];
    const supports = ht ? ((f.supports as string[] | undefined) ?? ['random']) : [];
    const badSupport = supports.find((s) => !(HT_SUPPORTS as readonly string[]).includes(s));
    if (badSupport !== undefined) throw new UsageError(`sweep: --supports: unknown support ${JSON.stringify(badSupport)} (known: ${HT_SUPPORTS.join(', ')})`);
    const depth = (f.depth as number | undefined) ?? (VECTOR_JOB_DEFAULTS[workload].model.hiddenSizes as number[]).length;
    if (depth < 1) throw new UsageError(`sweep: --depth expects an integer >= 1, got ${depth}`);
    const defined = (entries: [string, unknown][]) => Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    const { kind: _kind, ...fileTask } = file.task ?? {};
    const { hiddenSizes: _h, ...fileModel } = file.model ?? {};
    const base = {
      task: { ...fileTask, ...defined([['modules', f.modules], ['maxActive', f['max-active']], ['variant', f.variant]]) },
      model: fileModel,
      training: {
        ...file.training,
        ...defined([['maxSteps', f.steps], ['learningRate', f.lr], [ht ? 'tasksPerStep' : 'batchSize', f.batch], ['evalTasks', f['eval-tasks']]]),
      },
    };
    for (const axis of ['fracOod', 'support']) {
      if (axis in base.task) throw new UsageError(`sweep: ${f.config} sets task.${axis}, which the sweep varies; remove it from the file`);
    }
    const out = String(f.out ?? path.join('runs', `sweep-${workload}`));
    checkOutputDir(out, 'sweep');
    const quiet = Boolean(f.quiet);
    await initBackend();
    if (!quiet) console.error(`complens sweep · ${workload} · ${backendHeader()} · out ${out}`);
    const results = await runSweep({
      workload,
      grid: { widths, fracOods, supports, seeds },
      depth,
      base,
      out,
      checkpoints: f.checkpoints !== false,
      fresh: Boolean(f.fresh),
      quiet,
      log: quiet ? undefined : (line) => console.error(line),
    });
    if (f.json) console.log(JSON.stringify(results, null, 2));
    else {
      console.log(formatSweep(results));
      console.log(`results: ${path.join(out, RESULTS_FILE)}, ${CSV_FILE}, ${CHART_SPEC_FILE}, ${CHART_SVG_FILE}`);
    }
    return 0;
  },
};
