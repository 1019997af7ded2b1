/**
 * Sweeps: a grid of vector jobs (hidden width × held-out fraction × support × seed, after the model-scaling and
 * data/coverage-scaling sweeps of Redhardt et al., C.6), one row of metrics per job, in a run folder (./run-dir.ts):
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
import { resolveVectorJob, trainVectorJob, VECTOR_JOB_DEFAULTS, VectorTrainJob, VectorWorkload } from '../train/vector-job';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError } from '../util/errors';
import { Progress } from '../util/progress';
import { LegacyRun, readJsonFile, RunFolder } from './run-dir';
import { RowSchema } from './store';
import { chartSpec, toCsv } from './sweep-chart';
import { GridPoint, SWEEP_WORKLOADS } from './sweep-workloads';

export const RESULTS_FORMAT = 'complens-sweep-1';
export const RESULTS_FILE = 'results.json';
export const CSV_FILE = 'results.csv';
export const CHART_SPEC_FILE = 'chart.vl.json';
export const CHART_SVG_FILE = 'chart.svg';

/** The grid a sweep walks; lists are the values of each axis. */
export interface SweepGrid {
  widths: number[];
  /** Coverage axes (hyperteacher only; [] otherwise). */
  fracOods: number[];
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

export type SweepSettings = { task: Record<string, unknown>; model: Record<string, unknown>; training: Record<string, unknown> };

export interface SweepResults {
  format: string;
  workload: VectorWorkload;
  /** Everything that is fixed across the grid; a resumed sweep must have the same. */
  settings: SweepSettings;
  rows: SweepRow[];
}

export interface SweepOptions {
  workload: VectorWorkload;
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

export function rowKey(workload: VectorWorkload, width: number, fracOod: number | null, support: string | null, seed: number): string {
  return SWEEP_WORKLOADS[workload].key({ width, fracOod, support, seed });
}

const SWEEP_ROW: RowSchema<SweepRow> = {
  what: 'sweep row',
  keyOf: (row) => row.key,
  isRow: (v): v is SweepRow => typeof v === 'object' && v !== null && typeof (v as SweepRow).key === 'string' && typeof (v as SweepRow).metrics === 'object',
};

/** Runs every grid point not yet recorded in `out`; returns all rows and writes the derived outputs. */
export async function runSweep(o: SweepOptions): Promise<SweepResults> {
  await initBackend();
  const settings: SweepSettings = { task: o.base.task, model: { ...o.base.model, depth: o.depth }, training: o.base.training };
  // Validate every job up front: a bad value anywhere in the grid fails before hours of training (and before the
  // folder is created).
  const jobs = gridPoints(o.workload, o.grid).map((p) => ({ p, key: SWEEP_WORKLOADS[o.workload].key(p), job: jobAt(o, p) }));
  for (const { job } of jobs) resolveVectorJob(job);
  const run = RunFolder.open({ dir: o.out, kind: 'sweep', settings: { workload: o.workload, ...settings }, schema: SWEEP_ROW, fresh: o.fresh, legacy: legacySweep });
  try {
    const todo = jobs.filter((j) => !run.store.has(j.key));
    if (jobs.length > todo.length) o.log?.(`${jobs.length - todo.length} of ${jobs.length} grid points already in ${o.out}; skipping them`);
    const progress = new Progress({ total: todo.length, label: 'sweep', quiet: o.quiet, intervalSeconds: 0 });
    progress.update(0);
    let finished = 0;
    for (const { p, key, job } of todo) {
      const inner = new Progress({ total: job.training.maxSteps as number, label: `  ${key}`, quiet: o.quiet });
      const result = await trainVectorJob(job, { onProgress: (step, _m, detail) => inner.update(step, detail), log: o.log });
      run.store.append({
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
      finished++;
      progress.update(finished, `${key}: ${SWEEP_WORKLOADS[o.workload].headline(result.metrics)}`);
    }
    const results: SweepResults = { format: RESULTS_FORMAT, workload: o.workload, settings, rows: [...run.store.rows()] };
    await writeOutputs(o.out, results);
    progress.finish(`${todo.length} jobs run, ${results.rows.length} rows in ${o.out}`);
    return results;
  } finally {
    run.close();
  }
}

/** The grid's points in the order a sweep trains them. */
export function gridPoints(workload: VectorWorkload, g: SweepGrid): GridPoint[] {
  const out: GridPoint[] = [];
  const coverage = SWEEP_WORKLOADS[workload].coverageAxes;
  const fracs = coverage ? g.fracOods : [null];
  const supports = coverage ? g.supports : [null];
  for (const support of supports) for (const fracOod of fracs) for (const width of g.widths) for (const seed of g.seeds) out.push({ width, fracOod, support, seed });
  return out;
}

function jobAt(o: SweepOptions, p: GridPoint): VectorTrainJob & { training: Record<string, unknown> } {
  const task: Record<string, unknown> = { ...o.base.task, kind: o.workload };
  if (SWEEP_WORKLOADS[o.workload].coverageAxes) Object.assign(task, { fracOod: p.fracOod, support: p.support });
  return {
    task,
    model: { ...o.base.model, hiddenSizes: Array.from({ length: o.depth }, () => p.width) },
    training: { maxSteps: VECTOR_JOB_DEFAULTS[o.workload].training.maxSteps, ...o.base.training },
    // One seed per replicate: the task (teacher, split), the initialisation and the data order all follow it.
    seed: p.seed,
    out: o.checkpoints !== false ? path.join(o.out, 'runs', SWEEP_WORKLOADS[o.workload].key(p)) : undefined,
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

export { chartSpec, toCsv } from './sweep-chart';
