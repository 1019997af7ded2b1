/** `complens train`: train one model on a task and save it as a checkpoint (resumable after a kill). */
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { validateTaskSection } from '../../lib/tasks/config';
import { SequenceTrainConfig, validateTrainConfig } from '../../lib/train/config';
import { trainAndSave, TrainJob } from '../../lib/train/job';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { Progress } from '../../lib/util/progress';
import { FlagSpec, ParsedArgs } from '../args';
import { Command } from '../command';
import { readJobFile, validateSequenceModel } from '../config-file';
import { formatTable, percent } from '../format';
import { vectorOnlyFlags, vectorTrainCommandHandler, wantsVectorTraining } from './train-vector';

export const SEQUENCE_FLAGS: FlagSpec[] = [
    { name: 'config', type: 'string', value: 'FILE', help: 'JSON file with task, model and training sections' },
    { name: 'task', type: 'string', choices: ['lookup', 'arithmetic', 'hyperteacher', 'subroutines'], help: 'task family (default: lookup)' },
    {
      name: 'data', type: 'string', value: 'NAME|DIR', help: 'lookup data sample: a public one (sample1..sample5) or a folder in that format (default: sample1)',
      aliases: [{ name: 'sample', deprecated: true }, { name: 'split', deprecated: true }],
    },
    { name: 'split-seed', type: 'int', value: 'N', help: 'generate tables and splits from this seed instead of a public sample' },
    { name: 'encoding', type: 'string', choices: ['final', 'intermediates'], help: 'lookup answer format (default: final)' },
    { name: 'regime', type: 'string', choices: ['atomic+composed', 'composed-only'], help: 'lookup training regime (default: atomic+composed)' },
    { name: 'op', type: 'string', choices: ['add', 'mul'], help: 'arithmetic operation (default: add)' },
    { name: 'model', type: 'string', choices: ['gru', 'lstm', 'tanh', 'transformer'], help: 'recurrent cell, or transformer (default: gru; transformer gpt-nano for --task arithmetic)' },
    { name: 'preset', type: 'string', choices: ['gpt-nano', 'gpt-micro', 'gpt-mini'], help: 'transformer size preset (default: gpt-nano)' },
    { name: 'layout', type: 'string', choices: ['single', 'encdec'], help: 'single-stream or encoder-decoder RNN (default: single)' },
    { name: 'width', type: 'int', help: 'hidden width: RNN hidden size (default: 64), or MLP width for vector workloads (default: hyperteacher 256, subroutines 128)', aliases: [{ name: 'hidden', deprecated: true }] },
    { name: 'embed', type: 'int', help: 'RNN embedding size (default: 16)' },
    { name: 'layers', type: 'int', help: 'recurrent layers (default: 1)' },
    { name: 'seed', type: 'int', help: 'initialisation seed (default: 0)' },
    { name: 'data-seed', type: 'int', help: 'data-order seed (default: same as --seed)' },
    { name: 'lr', type: 'number', help: 'learning rate (default: 0.003; arithmetic 5e-4)' },
    { name: 'batch', type: 'int', help: 'minibatch size, 0 = full batch (default: 32; arithmetic 64)' },
    { name: 'max-steps', type: 'int', help: 'step cap (default: 6000; arithmetic 10000)' },
    { name: 'eval-every', type: 'int', help: 'steps between train-accuracy checks (default: 100; arithmetic 250)' },
    { name: 'stop-at', type: 'number', help: 'stop at this train exact match; >1 never stops early (default: 1; arithmetic 2 = run all steps)' },
    { name: 'dropout', type: 'number', help: 'transformer dropout during training, minGPT sites (default: 0; arithmetic 0.1)' },
    { name: 'aux-weight', type: 'number', help: 'weight of auxiliary automaton-state supervision, Liška et al. Exp. 1 (default: 0 = off)' },
    { name: 'aux-target', type: 'string', choices: ['readout', 'codes'], help: 'auxiliary supervision: linear readout of the state, or fixed codes per state (default: readout)' },
    { name: 'optimizer', type: 'string', choices: ['adam', 'adamw'], help: 'optimizer (default: adam; arithmetic adamw)' },
    { name: 'weight-decay', type: 'number', help: 'AdamW decoupled weight decay (default: 0; arithmetic 0.1)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint directory (default: runs/<task>-<data>-<model>-s<seed>)' },
    { name: 'save-every', type: 'int', help: 'steps between resumable saves (default: 500)' },
    { name: 'fresh', type: 'boolean', help: 'ignore any saved partial run and start over' },
    { name: 'json', type: 'boolean', help: 'print the result as JSON' },
];

/** The paper's settings for n-digit arithmetic (Xu et al.; seeds-A §B.5), used when `--task arithmetic` is given without a config. */
const ARITHMETIC_TRAINING: Partial<SequenceTrainConfig> = {
  optimizer: 'adamw', learningRate: 5e-4, beta1: 0.9, beta2: 0.95, weightDecay: 0.1, batchSize: 64, gradClip: 1,
  maxSteps: 10000, evalEvery: 250, evalSampleSize: 512, stopAtTrainAccuracy: 2, dropout: 0.1,
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one model on a task and save a checkpoint directory',
  details: [
    'Defaults train a GRU (hidden 64, embedding 16) on the public lookup-table sample1 with Adam (lr 3e-3, batch 32)',
    'until 100% train exact match or 6000 steps, then evaluate every split. A run killed midway resumes from its',
    'last saved state (every --save-every steps) when the same command is run again.',
    '',
    'Vector workloads (--task hyperteacher|subroutines) train an MLP; see docs/workloads.md for their flags and defaults.',
    '',
    '--config FILE reads {"task": {...}, "model": {...}, "training": {...}} (see docs/cli.md); flags given on the',
    'command line override the file.',
  ].join('\n'),
  flags: [...SEQUENCE_FLAGS, ...vectorOnlyFlags(SEQUENCE_FLAGS)],
  async run(args: ParsedArgs): Promise<number> {
    if (wantsVectorTraining(args)) return vectorTrainCommandHandler(args);
    const job = jobFromArgs(args);
    await initBackend();
    const quiet = Boolean(args.flags.quiet);
    if (!quiet) console.error(`complens train · ${backendHeader()} · out ${job.out}`);
    const progress = new Progress({ total: job.training.maxSteps ?? 6000, label: 'train', quiet });
    const result = await trainAndSave(job, {
      fresh: Boolean(args.flags.fresh),
      saveEvery: (args.flags['save-every'] as number | undefined) ?? 500,
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

export function jobFromArgs(args: ParsedArgs): TrainJob {
  const f = args.flags;
  const config = f.config === undefined ? undefined : String(f.config);
  const file = readJobFile(config, 'sequence');
  const set = <T extends Record<string, unknown>>(base: T | undefined, entries: [string, unknown][]): T =>
    Object.assign({}, base, Object.fromEntries(entries.filter(([, v]) => v !== undefined))) as T;
  const seed = (f.seed as number | undefined) ?? file.seed ?? 0;
  const fileKind = file.task ? String(file.task.kind ?? 'lookup') : undefined;
  if (f.task !== undefined && fileKind !== undefined && f.task !== fileKind) {
    throw new UsageError(`train: --task ${f.task} but ${config} describes a ${fileKind} task; give one`);
  }
  const kind = f.task ?? fileKind ?? 'lookup';
  const arithmetic = kind === 'arithmetic';
  const task = set(file.task, [
    ['kind', f.task],
    ['op', f.op],
    ['sample', f.data],
    ['splitSeed', f['split-seed']],
    ['encoding', f.encoding],
    ['regime', f.regime],
  ]);
  const transformer = f.model === 'transformer' || (f.model === undefined && (file.model?.arch === 'transformer' || (arithmetic && !file.model)));
  const model = set(transformer ? { preset: 'gpt-nano', ...file.model, arch: 'transformer' } : file.model, [
    ['preset', transformer ? f.preset : undefined],
    ['cell', transformer ? undefined : f.model],
    ['layout', f.layout],
    ['hiddenSize', f.width],
    ['embedSize', f.embed],
    ['numLayers', f.layers],
  ]);
  const training = set(arithmetic && !file.training ? ARITHMETIC_TRAINING : file.training, [
    ['learningRate', f.lr],
    ['batchSize', f.batch],
    ['maxSteps', f['max-steps']],
    ['evalEvery', f['eval-every']],
    ['stopAtTrainAccuracy', f['stop-at']],
    ['auxWeight', f['aux-weight']],
    ['auxTarget', f['aux-target']],
    ['optimizer', f.optimizer],
    ['weightDecay', f['weight-decay']],
    ['dropout', f.dropout],
    ['dataSeed', f['data-seed'] ?? (file.training?.dataSeed === undefined ? seed : undefined)],
  ]);
  const dataName = arithmetic ? String(task.op ?? 'add') : task.splitSeed !== undefined ? `gen${task.splitSeed}` : path.basename(String(task.sample ?? 'sample1'));
  const modelName = transformer ? String(model.preset ?? 'transformer') : String(model.cell ?? 'gru');
  const out = String(f.out ?? path.join('runs', `${kind}-${dataName}-${modelName}-s${seed}`));
  // Flags merged into the file's sections are checked again, and the output path too, before anything is written.
  validateTaskSection(task, 'task');
  validateTrainConfig(training);
  validateSequenceModel(transformer ? { ...model, arch: 'transformer' } : model, task);
  checkOutputDir(out, 'checkpoint');
  return { task, model, training, seed, out };
}
