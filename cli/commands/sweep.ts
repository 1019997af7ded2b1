/**
 * `complens sweep`: parses flags into a grid and base job, runs lib/experiments' runSweep (the engine, its run
 * folder and outputs: docs/experiments.md) and prints the rows.
 */
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { CHART_SPEC_FILE, CHART_SVG_FILE, CSV_FILE, RESULTS_FILE, runSweep, SweepResults } from '../../lib/experiments/sweep';
import { SWEEP_WORKLOADS } from '../../lib/experiments/sweep-workloads';
import { HT_SUPPORTS } from '../../lib/tasks/hyperteacher';
import { SUBROUTINE_VARIANTS } from '../../lib/tasks/subroutines';
import { VECTOR_JOB_DEFAULTS, VECTOR_WORKLOADS, VectorWorkload } from '../../lib/train/vector-job';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { formatSeconds } from '../../lib/util/progress';
import { flagLabel, ParsedArgs } from '../args';
import { Command } from '../command';
import { formatNumber, formatTable, percent } from '../format';
import { readJobFile } from '../config-file';

export function formatSweep(results: SweepResults): string {
  const ht = SWEEP_WORKLOADS[results.workload].coverageAxes;
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
    { name: 'task', type: 'string', choices: VECTOR_WORKLOADS, default: 'hyperteacher', help: 'vector workload' },
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
    { name: 'json', type: 'boolean', help: 'print the results as JSON' },
  ],
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    const workload = f.task as VectorWorkload;
    const ht = SWEEP_WORKLOADS[workload].coverageAxes;
    for (const flag of ['frac-ood', 'supports', 'modules', 'max-active', 'eval-tasks']) {
      if (!ht && f[flag] !== undefined) throw new UsageError(`sweep: --${flag} applies to --task hyperteacher only`);
    }
    if (ht && f.variant !== undefined) throw new UsageError('sweep: --variant applies to --task subroutines only');
    const file = readJobFile(f.config as string | undefined, 'vector');
    if (file.task?.kind !== undefined && file.task.kind !== workload) throw new UsageError(`sweep: ${f.config} is a ${String(file.task.kind)} job but --task is ${workload}`);
    const widths = numberList(args, 'width', 'int', ['64', '128', '256']);
    if (widths.some((w) => w < 1)) throw new UsageError(`sweep: ${flagLabel(args, 'width')} must all be >= 1`);
    const seeds = f.seeds as number[];
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
        ...defined([['maxSteps', f['max-steps']], ['learningRate', f.lr], [ht ? 'tasksPerStep' : 'batchSize', f.batch], ['evalTasks', f['eval-tasks']]]),
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
