import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exportCommand } from '../../cli/commands/export';
import { importCommand } from '../../cli/commands/import';
import { commands } from '../../cli/commands';
import { infoCommand } from '../../cli/commands/info';
import { initBackend } from '../../lib/backend';
import { loadModelCheckpoint, readSafetensors, writeSafetensors } from '../../lib/io';
import { SequenceModel } from '../../lib/models/types';
import { taskFromConfig } from '../../lib/train/job';
import { runCli } from '../helpers/run-cli';
import { findPython, makeReference, testWith } from './torch/python';

const python = findPython(['torch', 'numpy']);
const withTorch = testWith(python);
let root: string;

beforeAll(async () => {
  await initBackend();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-torch-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes a reference file with PyTorch; returns the safetensors path and the logits PyTorch computed. */
function reference(kind: string, extra: string[] = []): { file: string; inputs: number[][]; logits: number[][][] } {
  const file = path.join(root, `${kind}.safetensors`);
  const json = path.join(root, `${kind}.json`);
  makeReference(python.exe!, [kind, '--out', file, '--logits', json, ...extra]);
  return { file, ...JSON.parse(fs.readFileSync(json, 'utf8')) };
}

/** complens's logits at every input position (promptLength 1 makes every position an answer position). */
function complensLogits(dir: string, inputs: number[][]): number[][][] {
  const { model } = loadModelCheckpoint(dir);
  try {
    const length = inputs[0].length + 1;
    const tokens = Int32Array.from(inputs.flatMap((row) => [...row, 0]));
    const logits = (model as SequenceModel).forward({ tokens, batchSize: inputs.length, length, promptLength: 1 });
    const out = logits.arraySync();
    logits.dispose();
    return out;
  } finally {
    model.dispose();
  }
}

function maxAbsDiff(a: number[][][], b: number[][][]): number {
  expect([a.length, a[0].length, a[0][0].length]).toEqual([b.length, b[0].length, b[0][0].length]);
  let max = 0;
  a.forEach((m, i) => m.forEach((r, j) => r.forEach((v, k) => (max = Math.max(max, Math.abs(v - b[i][j][k]))))));
  return max;
}

const ARITH = ['--task', 'arithmetic', '--op', 'add'];

withTorch('a tiny nn.GRU trained in PyTorch imports through the CLI with its logits (max |Δ| ≤ 1e-5)', async () => {
  const vocab = taskFromConfig({ kind: 'lookup' }).vocab.length;
  const ref = reference('gru', ['--vocab', String(vocab)]);
  const dir = path.join(root, 'ck-gru');
  const r = await runCli(importCommand, [ref.file, '--from', 'torch-rnn', '--task', 'lookup', '--out', dir, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.model).toMatchObject({ arch: 'rnn', cell: 'gru', numLayers: 2, embedSize: 5, hiddenSize: 7, vocabSize: vocab });
  expect(out.unused).toEqual(['steps_done']);
  expect(maxAbsDiff(complensLogits(dir, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);
  const text = await runCli(importCommand, [ref.file, '--from', 'torch-rnn', '--task', 'lookup', '--out', dir, '--force']);
  expect(text.stdout).toContain('unused       steps_done');

  const wrong = await runCli(importCommand, [ref.file, '--from', 'torch-rnn', '--cell', 'lstm', '--task', 'lookup', '--out', path.join(root, 'x')]);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/gru\.safetensors: --cell lstm, but "rnn\.weight_hh_l0" \[21,7\] holds 3 gates: a gru/);
});

withTorch('a tiny minGPT adder imports (n_head named when missing), matches PyTorch, and exports back bit for bit', async () => {
  const ref = reference('mingpt', ['--steps', '5']);
  const dir = path.join(root, 'ck-mingpt');
  const noHeads = await runCli(importCommand, [ref.file, '--from', 'mingpt', ...ARITH, '--out', dir]);
  expect(noHeads.code).toBe(2);
  expect(noHeads.stderr.split('\n')).toHaveLength(1);
  expect(noHeads.stderr).toContain('--n-head');
  expect(fs.existsSync(dir)).toBe(false);

  const r = await runCli(importCommand, [ref.file, '--from', 'mingpt', '--n-head', '3', ...ARITH, '--out', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('nLayers=3 nHeads=3 dModel=48 dMlp=192 maxLength=15');
  expect(maxAbsDiff(complensLogits(dir, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);

  const info = await runCli(infoCommand, [dir]);
  const sha = readSafetensorsSha(ref.file);
  expect(info.stdout).toContain(`mingpt.safetensors (mingpt) sha256 ${sha}`);

  const back = path.join(root, 'back.safetensors');
  expect((await runCli(exportCommand, [dir, '--to', 'mingpt', '--out', back])).code).toBe(0);
  const original = readSafetensors(ref.file).tensors;
  const exported = readSafetensors(back).tensors;
  const weights = Object.keys(original).filter((n) => !n.endsWith('.attn.bias'));
  expect(Object.keys(exported).sort()).toEqual(weights.sort());
  for (const n of weights) expect(Buffer.from(exported[n].data.buffer).equals(Buffer.from(original[n].data.buffer))).toBe(true);
  const again = await runCli(exportCommand, [dir, '--to', 'mingpt', '--out', back]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('--force');
  expect((await runCli(exportCommand, [dir, '--to', 'mingpt', '--out', back, '--force'])).code).toBe(0);
});

withTorch('nanoGPT with lm_head tied to wte and stored once imports with PyTorch\'s logits', async () => {
  const ref = reference('nanogpt', ['--layers', '2', '--heads', '2', '--embd', '16']);
  const dir = path.join(root, 'ck-nanogpt');
  expect((await runCli(importCommand, [ref.file, '--from', 'nanogpt', '--n-head', '2', ...ARITH, '--out', dir])).code).toBe(0);
  expect(maxAbsDiff(complensLogits(dir, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);
  const mingpt = await runCli(importCommand, [ref.file, '--from', 'mingpt', '--n-head', '2', ...ARITH, '--out', path.join(root, 'x')]);
  expect(mingpt.code).toBe(2);
  expect(mingpt.stderr).toContain('missing external tensor "lm_head.weight"');
});

withTorch('HF GPT-2 layout (Conv1D in×out weights, transformer. names, tied lm_head absent, mask buffers) matches PyTorch', async () => {
  const ref = reference('hf-gpt2', ['--layers', '2', '--heads', '2', '--embd', '16']);
  const dir = path.join(root, 'ck-hf');
  const r = await runCli(importCommand, [ref.file, '--from', 'hf-gpt2', '--n-head', '2', ...ARITH, '--out', dir, '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).unused).toEqual([]);
  expect(maxAbsDiff(complensLogits(dir, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);
  const linear = await runCli(importCommand, [ref.file, '--from', 'nanogpt', '--n-head', '2', ...ARITH, '--out', path.join(root, 'x')]);
  expect(linear.code).toBe(2);
  expect(linear.stderr).toContain("that is the conv1d layout");

  const back = path.join(root, 'hf-back.safetensors');
  expect((await runCli(exportCommand, [dir, '--to', 'hf-gpt2', '--out', back])).code).toBe(0);
  const re = path.join(root, 'ck-hf-again');
  expect((await runCli(importCommand, [back, '--from', 'hf-gpt2', ...ARITH, '--out', re])).code).toBe(0); // n_head from the metadata
  expect(maxAbsDiff(complensLogits(re, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);
});

withTorch('HF GPT2Model names (no transformer. prefix, no lm_head) import with the tied embedding', async () => {
  const ref = reference('hf-gpt2', ['--layers', '1', '--heads', '2', '--embd', '8', '--bare']);
  const dir = path.join(root, 'ck-hf-bare');
  const r = await runCli(importCommand, [ref.file, '--from', 'hf-gpt2', '--n-head', '2', ...ARITH, '--out', dir, '--json']);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout).unused).toEqual([]);
  expect(maxAbsDiff(complensLogits(dir, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);
});

test('import and export are registered commands', () => {
  expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['import', 'export']));
});

withTorch('nn.LSTM and nn.RNN (tanh) files: the cell is read off the gate count and the logits match', async () => {
  const vocab = taskFromConfig({ kind: 'lookup' }).vocab.length;
  for (const [cell, complens] of [['lstm', 'lstm'], ['rnn', 'tanh']]) {
    const ref = reference('gru', ['--vocab', String(vocab), '--cell', cell]);
    const dir = path.join(root, `ck-${cell}`);
    const r = await runCli(importCommand, [ref.file, '--from', 'torch-rnn', '--task', 'lookup', '--out', dir, '--json']);
    expect(JSON.parse(r.stdout).model).toMatchObject({ cell: complens, numLayers: 2 });
    expect(maxAbsDiff(complensLogits(dir, ref.inputs), ref.logits)).toBeLessThanOrEqual(1e-5);
  }
});

test('a huge layer index in a tensor name is refused at once in one short line naming the file and tensor', async () => {
  const file = path.join(root, 'huge.safetensors');
  const v = (n: number) => ({ shape: [n], data: new Float32Array(n) });
  writeSafetensors(file, {
    'transformer.wte.weight': { shape: [10, 4], data: new Float32Array(40) },
    'transformer.wpe.weight': { shape: [15, 4], data: new Float32Array(60) },
    'transformer.h.99999999.ln_1.weight': v(4),
  }, { n_head: '2' });
  for (const from of ['mingpt', 'hf-gpt2']) {
    const started = Date.now();
    const r = await runCli(importCommand, [file, '--from', from, ...ARITH, '--out', path.join(root, 'x')]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${file}: tensor "transformer.h.99999999.ln_1.weight": layer index 99999999 exceeds the maximum 63`);
  }
  writeSafetensors(file, { 'rnn.weight_ih_l1000': { shape: [3, 2], data: new Float32Array(6) }, 'rnn.weight_hh_l0': { shape: [3, 3], data: new Float32Array(9) }, 'rnn.weight_ih_l0': { shape: [3, 2], data: new Float32Array(6) } });
  const r = await runCli(importCommand, [file, '--from', 'torch-rnn', '--task', 'lookup', '--out', path.join(root, 'x')]);
  expect(r.stderr).toBe(`error: ${file}: tensor "rnn.weight_ih_l1000": layer index 1000 exceeds the maximum 63`);
});

test('import and export name what is missing: --from, --out, the task, an unknown file', async () => {
  expect((await runCli(importCommand, ['a.safetensors', '--out', 'x', ...ARITH])).stderr).toContain('--from is required');
  expect((await runCli(importCommand, ['a.safetensors', '--from', 'mingpt', '--out', 'x'])).stderr).toContain('--task');
  const missing = await runCli(importCommand, [path.join(root, 'nope.safetensors'), '--from', 'mingpt', ...ARITH, '--out', path.join(root, 'y')]);
  expect(missing).toMatchObject({ code: 2, stderr: `error: ${path.join(root, 'nope.safetensors')}: file does not exist` });
  expect((await runCli(exportCommand, [root, '--out', 'x.safetensors'])).stderr).toContain('--to is required');
  expect((await runCli(exportCommand, [root, '--to', 'mingpt', '--out', path.join(root, 'package.json')])).stderr).toContain('expected a file name ending in .safetensors');
  const notCheckpoint = path.join(root, 'notes');
  fs.mkdirSync(notCheckpoint);
  fs.writeFileSync(path.join(notCheckpoint, 'a.txt'), 'keep');
  const r = await runCli(importCommand, ['a.safetensors', '--from', 'mingpt', ...ARITH, '--out', notCheckpoint, '--force']);
  expect(r.code).toBe(2);
  expect(fs.readFileSync(path.join(notCheckpoint, 'a.txt'), 'utf8')).toBe('keep');
});

function readSafetensorsSha(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

