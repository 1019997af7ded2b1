/**
 * Sweeps: a grid of jobs of one workload (hidden width × the workload's own axes × seed; hyperteacher: held-out
 * fraction × support, after the model-scaling and data/coverage-scaling sweeps of Redhardt et al., C.6), one row of
 * metrics per job, in a run folder (./run-dir.ts). What differs per workload (its axes, chart and table metrics)
 * is its registry entry's `sweep` (lib/workloads):
 *   DIR/run.json, DIR/results.jsonl   the manifest (workload and fixed settings) and one checksummed row per job
 *   DIR/results.json   {format, workload, settings, rows}: a snapshot of the rows, rewritten at the end of a run
 *   DIR/results.csv    one line per row
 *   DIR/chart.vl.json  vega-lite line chart: mean R² (ID and OOD) or partition accuracy against width
 *   DIR/chart.svg      the same, rendered headless
 *   DIR/runs/<key>/    each job's checkpoint (unless `checkpoints: false`)
 * Resumable: rows already recorded are skipped, so re-running a killed sweep finishes it; a folder of a sweep with
 * different fixed settings is refused (another folder, or `fresh`). A folder written before run folders existed
 * (results.json only) resumes: its rows are copied into the store.
 */
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../backend';
import { renderChartSvg } from '../report/charts';
import { AnyWorkload, getWorkload, setJobField, WorkloadJob, WorkloadSweep } from '../workloads';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError } from '../util/errors';
import { Progress } from '../util/progress';
import { LegacyRun, readJsonFile, RunFolder } from './run-dir';
import { RowSchema } from './store';
import { chartSpec, sweepOf, toCsv } from './sweep-chart';

export const RESULTS_FORMAT = 'complens-sweep-1';
export const RESULTS_FILE = 'results.json';
export const CSV_FILE = 'results.csv';
export const CHART_SPEC_FILE = 'chart.vl.json';
export const CHART_SVG_FILE = 'chart.svg';

export type AxisValue = number | string;

/** The grid a sweep walks; lists are the values of each axis. */
export interface SweepGrid {
  widths: number[];
  /** Values of the workload's own axes by name (hyperteacher: fracOod, support); an axis left out takes its defaults. */
  axes?: Record<string, AxisValue[]>;
  seeds: number[];
}

/** A point of the grid: a width, a seed and a value of each of the workload's axes. */
export interface GridPoint {
  width: number;
  axes: Record<string, AxisValue>;
  seed: number;
}

/**
 * One job's result. Metrics come from the workload's `metrics` (idR2, oodR2, gap, … / only_A, only_B, both, …);
 * the workload's axes are fields of the row by name (hyperteacher: fracOod, support).
 */
export interface SweepRow {
  key: string;
  width: number;
  depth: number;
  [axis: string]: unknown;
  seed: number;
  steps: number;
  seconds: number;
  msPerStep: number;
  metrics: Record<string, number>;
  checkpoint: string | null;
}

export type SweepSettings = { task: Record<string, unknown>; model: Record<string, unknown>; training: Record<string, unknown> };

export interface SweepResults {
  format: string;
  workload: string;
  /** Everything that is fixed across the grid; a resumed sweep must have the same. */
  settings: SweepSettings;
  rows: SweepRow[];
}

export interface SweepOptions {
  /** A registered workload with a `sweep` entry (hyperteacher, subroutines). */
  workload: string;
  grid: SweepGrid;
  depth: number;
  /** Base job sections (from a config file and flags), without the axes. */
  base: SweepSettings;
  out: string;
  /** Save each job's checkpoint under DIR/runs/<key> (default true). */
  checkpoints?: boolean;
  fresh?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
}

/**
 * A grid point's row key: `w<width>-<axes>-s<seed>`, a number axis written with the first letter of its name
 * (`w64-f0.25-random-s1`): the keys sweeps have always used, so old folders resume.
 */
export function rowKey(sweep: WorkloadSweep, p: GridPoint): string {
  const axes = sweep.axes.map((a) => (a.type === 'number' ? `${a.name[0]}${p.axes[a.name]}` : String(p.axes[a.name])));
  return [`w${p.width}`, ...axes, `s${p.seed}`].join('-');
}

/** The metric columns of the progress line and of printed tables, formatted. */
export function headline(sweep: WorkloadSweep, metrics: Record<string, number>): string {
  const fmt = (x: number | undefined, format: 'percent' | 'number') =>
    x === undefined || !Number.isFinite(x) ? '—' : format === 'percent' ? `${(x * 100).toFixed(1)}%` : x.toFixed(3);
  return sweep.tableMetrics.map((m) => `${m.label} ${fmt(metrics[m.key], m.format)}`).join(', ');
}

const SWEEP_ROW: RowSchema<SweepRow> = {
  what: 'sweep row',
  keyOf: (row) => row.key,
  isRow: (v): v is SweepRow => typeof v === 'object' && v !== null && typeof (v as SweepRow).key === 'string' && typeof (v as SweepRow).metrics === 'object' && (v as SweepRow).metrics !== null,
};

/** Runs every grid point not yet recorded in `out`; returns all rows and writes the derived outputs. */
export async function runSweep(o: SweepOptions): Promise<SweepResults> {
  await initBackend();
  const workload = getWorkload(o.workload);
  const sweep = sweepOf(o.workload);
  const settings: SweepSettings = { task: o.base.task, model: { ...o.base.model, depth: o.depth }, training: o.base.training };
  // Validate every job up front: a bad value anywhere in the grid fails before hours of training (and before the
  // folder is created).
  const jobs = gridPoints(sweep, o.grid).map((p) => ({ p, key: rowKey(sweep, p), job: jobAt(o, workload, sweep, p) }));
  for (const { job } of jobs) workload.resolveJob(job);
  const run = RunFolder.open({ dir: o.out, kind: 'sweep', settings: { workload: o.workload, ...settings }, schema: SWEEP_ROW, fresh: o.fresh, legacy: legacySweep });
  try {
    const todo = jobs.filter((j) => !run.store.has(j.key));
    if (jobs.length > todo.length) o.log?.(`${jobs.length - todo.length} of ${jobs.length} grid points already in ${o.out}; skipping them`);
    const progress = new Progress({ total: todo.length, label: 'sweep', quiet: o.quiet, intervalSeconds: 0 });
    progress.update(0);
    let finished = 0;
    for (const { p, key, job } of todo) {
      const inner = new Progress({ total: job.training.maxSteps as number, label: `  ${key}`, quiet: o.quiet });
      const result = await workload.train(job, { onProgress: (step, _max, detail) => inner.update(step, detail), log: o.log });
      run.store.append({
        key,
        width: p.width,
        depth: o.depth,
        ...p.axes,
        seed: p.seed,
        steps: result.training.steps,
        seconds: result.training.wallSeconds,
        msPerStep: result.training.msPerStep,
        metrics: result.metrics,
        checkpoint: result.checkpoint ? path.relative(o.out, result.checkpoint) : null,
      });
      finished++;
      progress.update(finished, `${key}: ${headline(sweep, result.metrics)}`);
    }
    const results: SweepResults = { format: RESULTS_FORMAT, workload: o.workload, settings, rows: [...run.store.rows()] };
    await writeOutputs(o.out, results);
    progress.finish(`${todo.length} jobs run, ${results.rows.length} rows in ${o.out}`);
    return results;
  } finally {
    run.close();
  }
}

/** The grid's points in the order a sweep trains them: the last axis outermost, then the others, width, seed. */
export function gridPoints(sweep: WorkloadSweep, g: SweepGrid): GridPoint[] {
  let combos: Record<string, AxisValue>[] = [{}];
  for (const axis of sweep.axes) {
    const values = g.axes?.[axis.name] ?? [...axis.defaults];
    combos = values.flatMap((v) => combos.map((c) => ({ ...c, [axis.name]: v })));
  }
  const out: GridPoint[] = [];
  for (const axes of combos) for (const width of g.widths) for (const seed of g.seeds) out.push({ width, axes, seed });
  return out;
}

function jobAt(o: SweepOptions, workload: AnyWorkload, sweep: WorkloadSweep, p: GridPoint): WorkloadJob & { training: Record<string, unknown> } {
  const sections = {
    task: { ...o.base.task, kind: o.workload },
    model: { ...o.base.model, hiddenSizes: Array.from({ length: o.depth }, () => p.width) },
    training: { maxSteps: workload.defaults.training.maxSteps, ...o.base.training },
  };
  for (const axis of sweep.axes) setJobField(sections, axis.field, p.axes[axis.name]);
  return {
    ...sections,
    // One seed per replicate: the task (teacher, split), the initialisation and the data order all follow it.
    seed: p.seed,
    out: o.checkpoints !== false ? path.join(o.out, 'runs', rowKey(sweep, p)) : undefined,
  };
}

/** A folder from before run folders: results.json (format complens-sweep-1) holds the settings and rows. */
function legacySweep(dir: string): LegacyRun<SweepRow> | undefined {
  const file = path.join(dir, RESULTS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const json = readJsonFile<SweepResults>(file, '; pass --fresh to start over');
  if (json?.format !== RESULTS_FORMAT || !Array.isArray(json.rows)) throw new ComplensError(`${file}: not a complens sweep results file (format ${RESULTS_FORMAT}); use another --out`);
  return { file, settings: { workload: json.workload, ...json.settings }, rows: json.rows };
}

async function writeOutputs(out: string, results: SweepResults): Promise<void> {
  writeFileAtomic(path.join(out, RESULTS_FILE), JSON.stringify(results, null, 2) + '\n');
  writeFileAtomic(path.join(out, CSV_FILE), toCsv(results));
  const spec = chartSpec(results);
  writeFileAtomic(path.join(out, CHART_SPEC_FILE), JSON.stringify(spec, null, 2) + '\n');
  writeFileAtomic(path.join(out, CHART_SVG_FILE), await renderChartSvg(spec));
}

export { chartSpec, sweepOf, toCsv } from './sweep-chart';
