/**
 * `complens sweep`: parses flags into a grid and base job, runs lib/experiments' runSweep (the engine, its run
 * folder and outputs: docs/experiments.md) and prints the rows.
 */
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { AxisValue, CHART_SPEC_FILE, CHART_SVG_FILE, CSV_FILE, RESULTS_FILE, runSweep, SweepResults, sweepOf } from '../../lib/experiments/sweep';
import { sweepableWorkloads } from '../../lib/experiments/sweep-chart';
import { HT_SUPPORTS } from '../../lib/tasks/hyperteacher';
import { SUBROUTINE_VARIANTS } from '../../lib/tasks/subroutines';
import { getWorkload, setJobField } from '../../lib/workloads';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { formatSeconds } from '../../lib/util/progress';
import { flagLabel, ParsedArgs } from '../args';
import { Command } from '../command';
import { jsonFlag } from '../flags';
import { formatNumber, formatTable, percent } from '../format';
import { readJobFile } from '../config-file';

export function formatSweep(results: SweepResults): string {
  const sweep = sweepOf(results.workload);
  const axes = sweep.axes.map((a) => a.name);
  const head = ['key', 'width', ...axes, 'seed', ...sweep.tableMetrics.map((m) => m.label), 'time'];
  const rows = results.rows.map((r) => [
    r.key, r.width, ...axes.map((a) => String(r[a])), r.seed,
    ...sweep.tableMetrics.map((m) => (m.format === 'percent' ? percent(r.metrics[m.key]) : formatNumber(r.metrics[m.key]))),
    formatSeconds(r.seconds),
  ]);
  return formatTable(head, rows);
}

/** The flags of the workloads' sweep axes, by axis name. */
const AXIS_FLAGS: Record<string, string> = { fracOod: 'frac-ood', support: 'supports' };
/** Flags that set one field of a job, read from the workload's own train flags (they apply where it has them). */
const JOB_FLAGS = ['modules', 'max-active', 'variant', 'batch', 'eval-tasks'];

/** Which workloads a flag applies to, for the error when it is given for another. */
function applies(flag: string, has: (w: string) => boolean): string {
  return `sweep: --${flag} applies to --task ${sweepableWorkloads().filter(has).join(' or ')} only`;
}

function numberList(args: ParsedArgs, flag: string, kind: 'int' | 'number', fallback: string[]): number[] {
  const raw = (args.flags[flag] as string[] | undefined) ?? fallback;
  const label = flagLabel(args, flag);
  if (raw.length === 0) throw new UsageError(`sweep: ${label} needs at least one value`);
  const values = raw.map((s) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
      throw new UsageError(`sweep: ${label} expects a comma-separated list of ${kind === 'int' ? 'integers' : 'numbers'}, got ${JSON.stringify(s)}`);
    }
    return n;
  });
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new UsageError(`sweep: ${label} lists ${dup} twice`);
  return values;
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'train a grid of vector jobs (width × held-out fraction × seed) and chart the results',
  details: [
    'Example: complens sweep --task hyperteacher --width 64,128,256 --frac-ood 0.25,0.5,0.9 --seeds 1..3 --max-steps 2000 --out runs/sweep',
    'Each grid point is one job with the train defaults (docs/workloads.md); --seeds sets the task, initialisation and',
    'data-order seed of each replicate. --out is a run folder (docs/experiments.md): run.json and results.jsonl (one',
    'checksummed row per job), results.json, results.csv, chart.vl.json and chart.svg. Re-running the same command',
    'skips the rows already recorded (a killed sweep resumes).',
  ].join('\n'),
  flags: [
    { name: 'task', type: 'string', choices: sweepableWorkloads(), default: 'hyperteacher', help: 'workload (one with a sweep entry in lib/workloads)' },
    { name: 'config', type: 'string', value: 'FILE', help: 'base job JSON (task, model, training) that the grid varies' },
    { name: 'width', type: 'list', value: 'W,…', help: 'MLP hidden widths (default: 64,128,256)', aliases: [{ name: 'widths', deprecated: true }] },
    { name: 'depth', type: 'int', help: 'MLP hidden layers (default: 2)' },
    { name: 'frac-ood', type: 'list', value: 'F,…', help: 'hyperteacher: held-out fractions (default: 0.25)' },
    { name: 'supports', type: 'list', value: 'S,…', help: `hyperteacher: supports, of ${HT_SUPPORTS.join(', ')} (default: random)` },
    { name: 'seeds', type: 'seeds', default: '1', help: 'replicate seeds, e.g. 1..3 or 1,5,9 (default: 1)' },
    { name: 'max-steps', type: 'int', help: 'training steps per job (default: hyperteacher 2000, subroutines 3000)', aliases: [{ name: 'steps', deprecated: true }] },
    { name: 'modules', type: 'int', value: 'M', help: 'hyperteacher: modules (default: 8)' },
    { name: 'max-active', type: 'int', value: 'K', help: 'hyperteacher: max active modules (default: 3)' },
    { name: 'variant', type: 'string', choices: SUBROUTINE_VARIANTS, help: 'subroutines: vision or language (default: vision)' },
    { name: 'lr', type: 'number', help: 'learning rate (default: the workload default)' },
    { name: 'batch', type: 'int', help: 'hyperteacher: tasks per step; subroutines: problems per minibatch' },
    { name: 'eval-tasks', type: 'int', help: 'hyperteacher: tasks per split in each final evaluation (default: 1024)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'results directory (default: runs/sweep-<task>)' },
    { name: 'checkpoints', type: 'boolean', default: true, help: 'save each job\'s checkpoint under DIR/runs/ (--no-checkpoints to skip)' },
    { name: 'fresh', type: 'boolean', help: 'forget the rows already recorded in --out and start over' },
    jsonFlag('the results'),
  ],
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    const workload = String(f.task);
    const entry = getWorkload(workload);
    const sweep = sweepOf(workload);
    const jobFlag = (w: string, flag: string) => getWorkload(w).flags?.find((x) => x.name === flag);
    for (const [axis, flag] of Object.entries(AXIS_FLAGS)) {
      const has = (w: string) => sweepOf(w).axes.some((a) => a.name === axis);
      if (f[flag] !== undefined && !has(workload)) throw new UsageError(applies(flag, has));
    }
    for (const flag of JOB_FLAGS.filter((x) => x !== 'batch')) {
      if (f[flag] !== undefined && !jobFlag(workload, flag)) throw new UsageError(applies(flag, (w) => jobFlag(w, flag) !== undefined));
    }
    const file = readJobFile(f.config as string | undefined, 'vector');
    if (file.task?.kind !== undefined && file.task.kind !== workload) throw new UsageError(`sweep: ${f.config} is a ${String(file.task.kind)} job but --task is ${workload}`);
    const widths = numberList(args, 'width', 'int', ['64', '128', '256']);
    if (widths.some((w) => w < 1)) throw new UsageError(`sweep: ${flagLabel(args, 'width')} must all be >= 1`);
    const seeds = f.seeds as number[];
    const axes: Record<string, AxisValue[]> = {};
    for (const axis of sweep.axes) {
      const flag = AXIS_FLAGS[axis.name];
      const fallback = axis.defaults.map(String);
      axes[axis.name] = axis.type === 'number' ? numberList(args, flag, 'number', fallback) : ((f[flag] as string[] | undefined) ?? fallback);
      const bad = axis.choices ? axes[axis.name].find((v) => !axis.choices!.includes(String(v))) : undefined;
      if (bad !== undefined) throw new UsageError(`sweep: ${flagLabel(args, flag)}: unknown ${axis.name} ${JSON.stringify(bad)} (known: ${axis.choices!.join(', ')})`);
    }
    const depth = (f.depth as number | undefined) ?? (entry.defaults.model.hiddenSizes as number[]).length;
    if (depth < 1) throw new UsageError(`sweep: --depth expects an integer >= 1, got ${depth}`);
    const { kind: _kind, ...fileTask } = file.task ?? {};
    const { hiddenSizes: _h, ...fileModel } = file.model ?? {};
    const base = { task: { ...fileTask }, model: fileModel, training: { ...file.training } };
    for (const [field, value] of [['training.maxSteps', f['max-steps']], ['training.learningRate', f.lr]] as const) {
      if (value !== undefined) setJobField(base, field, value);
    }
    for (const flag of JOB_FLAGS) {
      // --batch is each workload's own batch flag where it has one (hyperteacher: tasks per step), else the minibatch.
      if (f[flag] !== undefined) setJobField(base, jobFlag(workload, flag)?.field ?? 'training.batchSize', f[flag]);
    }
    for (const axis of sweep.axes) {
      const [section, name] = axis.field.split('.') as ['task' | 'model' | 'training', string];
      if (name in base[section]) throw new UsageError(`sweep: ${f.config} sets ${axis.field}, which the sweep varies; remove it from the file`);
    }
    const out = String(f.out ?? path.join('runs', `sweep-${workload}`));
    checkOutputDir(out, 'sweep');
    const quiet = Boolean(f.quiet);
    await initBackend();
    if (!quiet) console.error(`complens sweep · ${workload} · ${backendHeader()} · out ${out}`);
    const results = await runSweep({
      workload,
      grid: { widths, axes, seeds },
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
