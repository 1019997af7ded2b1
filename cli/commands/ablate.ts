/**
 * `complens ablate`: subnetwork discovery by continuous sparsification on a checkpoint, then subnetwork and ablation
 * tests. Subroutine-task checkpoints get the "Break It Down" protocol (SubDiff / AblDiff, random-init baseline);
 * lookup-table checkpoints get one subnetwork per atomic table with ablation effects and the IoU between tables.
 */
import * as fs from 'fs';
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { ConfigError, UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { Progress } from '../../lib/util/progress';
import { findWorkload, workloadNames, workloadOf } from '../../lib/workloads';
import { maskGrid, MaskTrainConfig, OutputBlock, validateMaskTrainConfig } from '../../probes/subnetworks';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { formatTable } from '../format';

export { tablesFromTarget } from '../../probes/subnetworks';

export const ablateCommand: Command = {
  name: 'ablate',
  summary: 'find subnetworks by continuous sparsification and run subnetwork / ablation tests on a checkpoint',
  positionals: checkpointArg('checkpoint directory (subroutine-task MLP or lookup-table RNN)'),
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
    jsonFlag('the result summary'),
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
      if (!workload.ablation) {
        const able = workloadNames().filter((name) => findWorkload(name)?.ablation);
        throw new UsageError(`ablate: ${dir}: the ${workload.name} workload has no ablation; ablate handles ${able.join(' and ')} checkpoints`);
      }
      const output = await workload.ablation.run({
        model, task, target, grid, mask, seeds, onProgress: progress,
        heldOut: f['held-out'] as 'val' | 'test', randomInit: f['random-init'] !== false, withComposed: Boolean(f['with-composed']),
      });
      progress.done();
      await output.write(out);
      if (f.json) console.log(JSON.stringify(output.json, null, 2));
      else printBlocks(output.blocks);
      if (!quiet) console.error(`wrote ${out}`);
      return 0;
    } finally {
      model.dispose();
    }
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

function printBlocks(blocks: OutputBlock[]): void {
  for (const block of blocks) console.log(typeof block === 'string' ? block : formatTable(block.headers, block.rows));
}
