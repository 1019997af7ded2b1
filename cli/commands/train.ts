/** `complens train`: train one model on a task and save it as a checkpoint (resumable after a kill). */
import * as fs from 'fs';
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { trainAndSave, TrainJob } from '../../lib/train/job';
import { ComplensError, UsageError } from '../../lib/util/errors';
import { Progress } from '../../lib/util/progress';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { formatTable, percent } from '../format';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one model on a task and save a checkpoint directory',
  details: [
    'Defaults train a GRU (hidden 64, embedding 16) on the public lookup-table sample1 with Adam (lr 3e-3, batch 32)',
    'until 100% train exact match or 6000 steps, then evaluate every split. A run killed midway resumes from its',
    'last saved state (every --save-every steps) when the same command is run again.',
    '',
    '--config FILE reads {"task": {...}, "model": {...}, "training": {...}} (see docs/cli.md); flags given on the',
    'command line override the file.',
  ].join('\n'),
  flags: [
    { name: 'config', type: 'string', value: 'FILE', help: 'JSON file with task, model and training sections' },
    { name: 'task', type: 'string', choices: ['lookup'], help: 'task family (default: lookup)' },
    { name: 'sample', type: 'string', value: 'NAME|DIR', help: 'public lookup-table sample (sample1..sample5) or a folder in that format (default: sample1)' },
    { name: 'split-seed', type: 'int', value: 'N', help: 'generate tables and splits from this seed instead of a public sample' },
    { name: 'encoding', type: 'string', choices: ['final', 'intermediates'], help: 'answer format (default: final)' },
    { name: 'regime', type: 'string', choices: ['atomic+composed', 'composed-only'], help: 'training regime (default: atomic+composed)' },
    { name: 'model', type: 'string', choices: ['gru', 'lstm', 'tanh'], help: 'recurrent cell (default: gru)' },
    { name: 'layout', type: 'string', choices: ['single', 'encdec'], help: 'single-stream or encoder-decoder (default: single)' },
    { name: 'hidden', type: 'int', help: 'hidden size (default: 64)' },
    { name: 'embed', type: 'int', help: 'embedding size (default: 16)' },
    { name: 'layers', type: 'int', help: 'recurrent layers (default: 1)' },
    { name: 'seed', type: 'int', help: 'initialisation seed (default: 0)' },
    { name: 'data-seed', type: 'int', help: 'data-order seed (default: same as --seed)' },
    { name: 'lr', type: 'number', help: 'learning rate (default: 0.003)' },
    { name: 'batch', type: 'int', help: 'minibatch size, 0 = full batch (default: 32)' },
    { name: 'max-steps', type: 'int', help: 'step cap (default: 6000)' },
    { name: 'eval-every', type: 'int', help: 'steps between train-accuracy checks (default: 100)' },
    { name: 'stop-at', type: 'number', help: 'stop at this train exact match; >1 never stops early (default: 1)' },
    { name: 'aux-weight', type: 'number', help: 'weight of auxiliary automaton-state supervision, Liška et al. Exp. 1 (default: 0 = off)' },
    { name: 'aux-target', type: 'string', choices: ['readout', 'codes'], help: 'auxiliary supervision: linear readout of the state, or fixed codes per state (default: readout)' },
    { name: 'optimizer', type: 'string', choices: ['adam', 'adamw'], help: 'optimizer (default: adam)' },
    { name: 'weight-decay', type: 'number', help: 'AdamW decoupled weight decay (default: 0)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint directory (default: runs/<task>-<data>-<model>-s<seed>)' },
    { name: 'save-every', type: 'int', default: 500, help: 'steps between resumable saves' },
    { name: 'fresh', type: 'boolean', help: 'ignore any saved partial run and start over' },
    { name: 'json', type: 'boolean', help: 'print the result as JSON' },
  ],
  async run(args: ParsedArgs): Promise<number> {
    const job = jobFromArgs(args);
    await initBackend();
    const quiet = Boolean(args.flags.quiet);
    if (!quiet) console.error(`complens train · ${backendHeader()} · out ${job.out}`);
    const progress = new Progress({ total: job.training.maxSteps ?? 6000, label: 'train', quiet });
    const result = await trainAndSave(job, {
      fresh: Boolean(args.flags.fresh),
      saveEvery: args.flags['save-every'] as number,
      onProgress: (step, _max, detail) => progress.update(step, detail),
      log: quiet ? undefined : (line) => console.error(line),
    });
    progress.finish(`${result.training.steps} steps, ${result.training.stoppedBecause}`);
    if (args.flags.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(`checkpoint: ${result.checkpoint}`);
      console.log(`steps: ${result.training.steps} (${result.training.stoppedBecause}) · ${result.training.wallSeconds.toFixed(1)} s · ${result.training.msPerStep.toFixed(2)} ms/step`);
      console.log(formatTable(['split', 'examples', 'exact match', 'token acc'], result.evaluation.map((e) => [e.split, e.count, percent(e.exactMatch), percent(e.tokenAccuracy)])));
    }
    return 0;
  },
};

function jobFromArgs(args: ParsedArgs): TrainJob {
  const f = args.flags;
  let file: { task?: Record<string, unknown>; model?: Record<string, unknown>; training?: Record<string, unknown> } = {};
  if (f.config) {
    const p = String(f.config);
    if (!fs.existsSync(p)) throw new UsageError(`--config: no such file ${p}`);
    try {
      file = JSON.parse(fs.readFileSync(p, 'utf8'));
    } catch (err) {
      throw new ComplensError(`${p}: not valid JSON (${(err as Error).message})`);
    }
  }
  const set = <T extends Record<string, unknown>>(base: T | undefined, entries: [string, unknown][]): T =>
    Object.assign({}, base, Object.fromEntries(entries.filter(([, v]) => v !== undefined))) as T;
  const seed = (f.seed as number | undefined) ?? 0;
  const task = set(file.task, [
    ['kind', f.task],
    ['sample', f.sample],
    ['splitSeed', f['split-seed']],
    ['encoding', f.encoding],
    ['regime', f.regime],
  ]);
  const model = set(file.model, [
    ['cell', f.model],
    ['layout', f.layout],
    ['hiddenSize', f.hidden],
    ['embedSize', f.embed],
    ['numLayers', f.layers],
  ]);
  const training = set(file.training, [
    ['learningRate', f.lr],
    ['batchSize', f.batch],
    ['maxSteps', f['max-steps']],
    ['evalEvery', f['eval-every']],
    ['stopAtTrainAccuracy', f['stop-at']],
    ['auxWeight', f['aux-weight']],
    ['auxTarget', f['aux-target']],
    ['optimizer', f.optimizer],
    ['weightDecay', f['weight-decay']],
    ['dataSeed', f['data-seed'] ?? (file.training?.dataSeed === undefined ? seed : undefined)],
  ]);
  const dataName = task.splitSeed !== undefined ? `gen${task.splitSeed}` : path.basename(String(task.sample ?? 'sample1'));
  const out = String(f.out ?? path.join('runs', `${task.kind ?? 'lookup'}-${dataName}-${model.cell ?? 'gru'}-s${seed}`));
  return { task, model, training, seed, out };
}
