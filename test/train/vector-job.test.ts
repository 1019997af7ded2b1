import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../cli/args';
import { trainCommand } from '../../cli/commands/train';
import { vectorJobFromArgs, vectorOnlyFlags, wantsVectorTraining } from '../../cli/commands/train-vector';
import { initBackend } from '../../lib/backend';
import { evaluateVectorModel } from '../../lib/workloads';
import { readCheckpointMeta } from '../../lib/io/checkpoint';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { VectorModel } from '../../lib/models/types';
import { Hyperteacher } from '../../lib/tasks/hyperteacher';
import { SubroutineTask } from '../../lib/tasks/subroutines';
import { VectorTrainJob } from '../../lib/train/vector-job';
import { evaluateSavedVectorModel, resolveVectorJob, trainVectorJob } from '../../lib/workloads';
import { ConfigError, UsageError } from '../../lib/util/errors';

beforeAll(() => initBackend());
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-vjob-'));

// Tiny jobs: a few steps on tiny tasks, so each trains and evaluates in well under a second.
const htJob = (out?: string): VectorTrainJob => ({
  task: { kind: 'hyperteacher', modules: 4, maxActive: 2, inputSize: 4, hiddenSize: 4, outputSize: 4, samplesPerTask: 4, fracOod: 0.3 },
  model: { hiddenSizes: [16] },
  training: { maxSteps: 20, evalEvery: 10, tasksPerStep: 8, evalTasks: 32, monitorTasks: 8 },
  seed: 3,
  out,
});
const srJob = (out?: string): VectorTrainJob => ({
  task: { kind: 'subroutines', variant: 'vision', sizes: { train: 128, val: 16, test: 32, partition: 32 } },
  model: { hiddenSizes: [16], outputSize: 8 },
  training: { maxSteps: 20, evalEvery: 10, batchSize: 32 },
  seed: 2,
  out,
});

test('hyperteacher: train → atomic checkpoint with spec, config, seeds, metrics, backend → load + evaluate reproduces the metrics exactly', async () => {
  const out = path.join(tmp(), 'ht');
  const result = await trainVectorJob(htJob(out));
  expect(result.reused).toBe(false);
  expect(result.evaluation.workload).toBe('hyperteacher');
  const meta = readCheckpointMeta(out);
  expect(meta.task).toMatchObject({ kind: 'hyperteacher', modules: 4, maxActive: 2, fracOod: 0.3, seed: 3 });
  expect(meta.model).toMatchObject({ arch: 'mlp', inputSize: 8, hiddenSizes: [16], outputSize: 4, head: 'linear' });
  expect(meta.seeds).toEqual({ init: 3, task: 3, dataOrder: 3 });
  expect(meta.backend.backend).toBe('wasm');
  expect(meta.training.metrics).toEqual(result.evaluation);
  expect((meta.training.history as unknown[]).length).toBe(2);
  // No temp directories left next to the checkpoint (writeDirAtomic renamed it into place).
  expect(fs.readdirSync(path.dirname(out))).toEqual(['ht']);

  const loaded = loadModelCheckpoint(out);
  try {
    expect(loaded.task).toBeInstanceOf(Hyperteacher);
    const again = evaluateSavedVectorModel(loaded.model as VectorModel, loaded.task as Hyperteacher, loaded.meta);
    expect(again).toEqual(meta.training.metrics);
    if (again.workload !== 'hyperteacher') throw new Error('expected a hyperteacher evaluation');
    const s = again.summary;
    expect(s.idR2).toBe(again.splits.find((x) => x.split === 'test')!.r2);
    expect(s.gap).toBeCloseTo(s.idR2 - s.oodR2, 12);
  } finally {
    loaded.model.dispose();
  }
});

test('subroutines: every split incl. only_A / only_B / both is scored, saved, and reproduced after loading', async () => {
  const out = path.join(tmp(), 'sr');
  const result = await trainVectorJob(srJob(out));
  const e = result.evaluation;
  if (e.workload !== 'subroutines') throw new Error('expected a subroutines evaluation');
  expect(e.splits.map((s) => s.split)).toEqual(expect.arrayContaining(['base_test', 'only_A', 'only_B', 'both', 'only_A_val', 'subA_test']));
  expect(e.splits).toHaveLength(15);
  for (const key of ['base_test', 'only_A', 'only_B', 'both']) expect(e.summary[key]).toBeGreaterThanOrEqual(0);
  expect(result.metrics.only_A).toBe(e.summary.only_A);
  const loaded = loadModelCheckpoint(out);
  try {
    expect(loaded.model.config).toMatchObject({ head: 'odd-one-out', outputSize: 8, items: 4 });
    expect(evaluateVectorModel(loaded.model as VectorModel, loaded.task as SubroutineTask)).toEqual(loaded.meta.training.metrics);
  } finally {
    loaded.model.dispose();
  }
});

test('a finished job is reused when re-run unchanged; --fresh retrains to identical metrics; no out = no checkpoint', async () => {
  const out = path.join(tmp(), 'ht');
  const first = await trainVectorJob(htJob(out));
  const logs: string[] = [];
  const second = await trainVectorJob(htJob(out), { log: (l) => logs.push(l) });
  expect(second.reused).toBe(true);
  expect(second.evaluation).toEqual(first.evaluation);
  expect(logs.join('\n')).toMatch(/reusing/);
  const fresh = await trainVectorJob(htJob(out), { fresh: true });
  expect(fresh.reused).toBe(false);
  expect(fresh.evaluation).toEqual(first.evaluation); // deterministic training
  // A different job at the same place is trained, not reused.
  const other = await trainVectorJob({ ...htJob(out), seed: 4 });
  expect(other.reused).toBe(false);
  const bare = await trainVectorJob(htJob());
  expect(bare.checkpoint).toBeUndefined();
  expect(bare.evaluation).toEqual(first.evaluation);
});

describe('bad configs fail with one line naming the field', () => {
  const cases: [string, (j: VectorTrainJob) => void, RegExp][] = [
    ['task.kind', (j) => (j.task.kind = 'lookup'), /^task\.kind: expected one of "hyperteacher", "subroutines"/],
    ['task.fracOod', (j) => (j.task.fracOod = 2), /^task\.fracOod: /],
    ['task.support', (j) => (j.task.support = 'nope'), /^task\.support: /],
    ['task unknown field', (j) => (j.task.modulez = 3), /^task\.modulez: /],
    ['model.head', (j) => (j.model.head = 'odd-one-out'), /^model\.head: expected "linear"/],
    ['model.inputSize', (j) => (j.model.inputSize = 5), /^model\.inputSize: expected 8/],
    ['model.hiddenSizes', (j) => (j.model.hiddenSizes = [0]), /^model\.hiddenSizes\[0\]: /],
    ['training.loss', (j) => (j.training.loss = 'softmax-ce'), /^training\.loss: expected "mse"/],
    ['training unknown field', (j) => (j.training.lr = 0.1), /^training\.lr: /],
    ['training.tasksPerStep', (j) => (j.training.tasksPerStep = 0), /^training\.tasksPerStep: /],
    ['seed', (j) => (j.seed = -1), /^seed: /],
  ];
  test.each(cases)('%s', (_name, edit, message) => {
    const job = htJob();
    edit(job);
    let error: unknown;
    try {
      resolveVectorJob(job);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('CLI arguments', () => {
  const parse = (argv: string[]) => parseArgs(trainCommand, argv);

  test('flags map onto the job (width × depth, --batch = tasks per step, seeds) with small defaults', () => {
    const job = vectorJobFromArgs(parse(['--task', 'hyperteacher', '--width', '32', '--depth', '3', '--batch', '16', '--seed', '5', '--frac-ood', '0.5']));
    const r = resolveVectorJob(job);
    expect(r.model.hiddenSizes).toEqual([32, 32, 32]);
    expect(r.training).toMatchObject({ tasksPerStep: 16, dataSeed: 5, optimizer: 'adamw', maxSteps: 2000 });
    expect(r.task).toMatchObject({ modules: 8, maxActive: 3, fracOod: 0.5, seed: 5 });
    expect(job.out).toBe(path.join('runs', 'hyperteacher-M8K3-random-f0.5-mlp32x32x32-s5'));
    const sr = resolveVectorJob(vectorJobFromArgs(parse(['--task', 'subroutines', '--batch', '16', '--embed', '12'])));
    expect(sr.training).toMatchObject({ batchSize: 16, loss: 'softmax-ce' });
    expect(sr.model).toMatchObject({ head: 'odd-one-out', outputSize: 12, hiddenSizes: [128, 128] });
  });

  test('misplaced flags are usage errors', () => {
    expect(() => vectorJobFromArgs(parse(['--task', 'subroutines', '--modules', '4']))).toThrow(/--modules: applies to --task hyperteacher only/);
    expect(() => vectorJobFromArgs(parse([]))).toThrow(UsageError);
    // A flag only `complens train` has (for sequence tasks) points to the vector equivalent.
    const folded = { ...trainCommand, flags: [...trainCommand.flags, { name: 'hidden', type: 'int' as const, help: '' }] };
    expect(() => vectorJobFromArgs(parseArgs(folded, ['--task', 'hyperteacher', '--hidden', '8']))).toThrow(/--hidden: .*use --width/);
  });

  test('folding helpers', () => {
    expect(vectorOnlyFlags([{ name: 'seed', type: 'int', help: '' }]).map((f) => f.name)).not.toContain('seed');
    expect(wantsVectorTraining(parse(['--task', 'subroutines']))).toBe(true);
    expect(wantsVectorTraining(parse([]))).toBe(false);
  });
});

test.each([
  ['hyperteacher (generated batches)', htJob],
  ['subroutines (minibatches of a fixed set)', srJob],
])('%s: a job killed mid-run resumes from its saved state and ends with the same weights and history', async (_name, make) => {
  const longer = (out: string): VectorTrainJob => ({ ...make(out), training: { ...make(out).training, maxSteps: 60 } });
  const dir = tmp();
  const whole = path.join(dir, 'whole');
  await trainVectorJob(longer(whole), { saveEvery: 20 });
  const out = path.join(dir, 'killed');
  const partial = path.join(dir, '.killed.partial');
  // "Killed" at step 50: the state of step 40 is on disk, the checkpoint is not.
  await expect(trainVectorJob(longer(out), {
    saveEvery: 20,
    onProgress: (step) => {
      if (step === 50) throw new Error('killed');
    },
  })).rejects.toThrow('killed');
  expect(fs.existsSync(partial)).toBe(true);
  expect(fs.existsSync(out)).toBe(false);
  const lines: string[] = [];
  await trainVectorJob(longer(out), { saveEvery: 20, log: (l) => lines.push(l) });
  expect(lines.join('\n')).toMatch(/resuming from step 40/);
  expect(fs.existsSync(partial)).toBe(false);

  const a = loadModelCheckpoint(whole);
  const b = loadModelCheckpoint(out);
  try {
    for (const [name, v] of Object.entries(a.model.params)) expect(Array.from(b.model.params[name].dataSync())).toEqual(Array.from(v.dataSync()));
    const points = (dirName: string) => (readCheckpointMeta(dirName).training.history as { step: number; loss: number; metrics: object }[]).map(({ step, loss, metrics }) => ({ step, loss, metrics }));
    expect(points(out)).toEqual(points(whole));
  } finally {
    a.model.dispose();
    b.model.dispose();
  }
  // A different job (another seed) finding that job's saved state refuses it instead of continuing it.
  const other = path.join(dir, 'other');
  await expect(trainVectorJob(longer(other), { saveEvery: 20, onProgress: (step) => { if (step === 30) throw new Error('killed'); } })).rejects.toThrow('killed');
  await expect(trainVectorJob({ ...longer(other), seed: 99 })).rejects.toThrow(/a partial run of a different job is saved here/);
});
