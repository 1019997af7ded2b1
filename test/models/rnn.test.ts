import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { makeBatch } from '../../lib/data/batches';
import { disposeResult } from '../../lib/hooks';
import { RnnConfig, RnnHookName, RnnModel, rnnActName } from '../../lib/models/rnn';
import { parityTask } from '../helpers/toy-task';

beforeAll(() => initBackend());

const task = parityTask(3);
const examples = task.split('train').examples;
const batch = makeBatch(examples, examples.map((_, i) => i));
const config = (cell: RnnConfig['cell'], layout: RnnConfig['layout'] = 'single'): RnnConfig => ({
  arch: 'rnn', cell, layout, vocabSize: 4, embedSize: 5, hiddenSize: 7, numLayers: 2,
});

describe.each(['tanh', 'gru', 'lstm'] as const)('%s cell', (cell) => {
  test.each(['single', 'encdec'] as const)('%s layout: logits shape and every documented hook with its documented shape', (layout) => {
    const model = new RnnModel(config(cell, layout), 1);
    const before = tf.memory().numTensors;
    const result = model.runWithCache(batch, { names: model.hookPoints });
    expect(result.output.shape).toEqual([8, 2, 4]);
    const Tp = batch.promptLength;
    const timeOf = (name: string) => (name.startsWith('encoder.') ? Tp : name.startsWith('decoder.') ? 2 : batch.length - 1);
    for (const name of model.hookPoints) {
      const t = result.cache[name];
      expect(t).toBeDefined();
      if (name === 'hook_logits') expect(t!.shape).toEqual([8, 2, 4]);
      else if (name.endsWith('hook_embed')) expect(t!.shape).toEqual([8, timeOf(name), 5]);
      else expect(t!.shape).toEqual([8, timeOf(name), 7]);
    }
    disposeResult(result);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

test('cache holds only what was asked for, and cached logits equal the output', () => {
  const model = new RnnModel(config('gru'), 2);
  const result = model.runWithCache(batch, { names: ['cells.1.hook_h', 'hook_logits'] });
  expect(Object.keys(result.cache).sort()).toEqual(['cells.1.hook_h', 'hook_logits']);
  expect(Array.from(result.cache.hook_logits!.dataSync())).toEqual(Array.from(result.output.dataSync()));
  disposeResult(result);
  model.dispose();
});

test('the top hidden state at answer positions, times the unembedding, gives the logits', () => {
  const model = new RnnModel(config('lstm'), 3);
  const result = model.runWithCache(batch, { names: [rnnActName('h', 1)] });
  const h = result.cache['cells.1.hook_h']!;
  const Tp = batch.promptLength;
  const recomputed = tf.tidy(() => {
    const answerH = h.slice([0, Tp - 1, 0], [8, 2, 7]).reshape([16, 7]);
    return answerH.matMul(model.params['unembed.W_U']).add(model.params['unembed.b_U']).reshape([8, 2, 4]);
  });
  const a = recomputed.dataSync();
  const b = result.output.dataSync();
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
  recomputed.dispose();
  disposeResult(result);
  model.dispose();
});

test('a hook that zeroes the hidden state at one step changes later logits but not earlier activations', () => {
  const model = new RnnModel(config('gru'), 4);
  const clean = model.runWithCache(batch, { names: ['cells.0.hook_h'] });
  const patchedStep = 1;
  const hooks = { 'cells.0.hook_h': (h: tf.Tensor, ctx: { position?: number }) => (ctx.position === patchedStep ? tf.zerosLike(h) : undefined) };
  const patched = model.runWithHooks(batch, hooks);
  expect(Array.from(patched.dataSync())).not.toEqual(Array.from(clean.output.dataSync()));
  const again = model.runWithCache(batch, { names: ['cells.0.hook_h'], hooks });
  expect(Array.from(again.output.dataSync())).toEqual(Array.from(patched.dataSync()));
  const step = (t: tf.Tensor, s: number) => Array.from(t.slice([0, s, 0], [8, 1, 7]).dataSync());
  expect(step(again.cache['cells.0.hook_h']!, 0)).toEqual(step(clean.cache['cells.0.hook_h']!, 0));
  expect(step(again.cache['cells.0.hook_h']!, 1).every((v) => v === 0)).toBe(true);
  expect(step(again.cache['cells.0.hook_h']!, 2)).not.toEqual(step(clean.cache['cells.0.hook_h']!, 2));
  patched.dispose();
  disposeResult(clean);
  disposeResult(again);
  model.dispose();
});

test('a replacement of the wrong shape is refused with the hook name', () => {
  const model = new RnnModel(config('tanh'), 5);
  expect(() => model.runWithHooks(batch, { 'cells.0.hook_h': () => tf.zeros([1, 1]) })).toThrow(/cells\.0\.hook_h.*shape/);
  model.dispose();
});

test('unknown hook names are refused (and typos fail to compile)', () => {
  const model = new RnnModel(config('gru'), 6);
  // @ts-expect-error 'cells.0.hook_hidden' is not a hook point name
  const typo: RnnHookName = 'cells.0.hook_hidden';
  expect(() => model.runWithCache(batch, { names: [typo] })).toThrow(/unknown hook point/);
  model.dispose();
});

test('params override replaces weights without touching the variables', () => {
  const model = new RnnModel(config('gru'), 7);
  const base = model.forward(batch);
  const zeroU = tf.zerosLike(model.params['unembed.W_U']);
  const overridden = model.forward(batch, { params: { 'unembed.W_U': zeroU } });
  // With W_U = 0 the logits are the bias at every position.
  const bias = Array.from(model.params['unembed.b_U'].dataSync());
  const rows = overridden.reshape([16, 4]).arraySync() as number[][];
  for (const row of rows) row.forEach((v, j) => expect(v).toBeCloseTo(bias[j], 6));
  expect(Array.from(model.forward(batch).dataSync())).toEqual(Array.from(base.dataSync()));
  tf.dispose([base, zeroU, overridden]);
  model.dispose();
});

test('same seed gives identical weights; different seeds differ', () => {
  const a = new RnnModel(config('gru'), 11);
  const b = new RnnModel(config('gru'), 11);
  const c = new RnnModel(config('gru'), 12);
  for (const name of Object.keys(a.params)) {
    expect(Array.from(a.params[name].dataSync())).toEqual(Array.from(b.params[name].dataSync()));
  }
  expect(Array.from(a.params['cells.0.W_hh'].dataSync())).not.toEqual(Array.from(c.params['cells.0.W_hh'].dataSync()));
  [a, b, c].forEach((m) => m.dispose());
});

test('greedy generation feeds back its own answers; with teacher forcing on its own answers the logits agree', () => {
  const model = new RnnModel(config('gru'), 8);
  const answer = model.generate(batch);
  const Tt = 2;
  const selfTokens = Int32Array.from(batch.tokens);
  for (let b = 0; b < 8; b++) for (let j = 0; j < Tt; j++) selfTokens[b * batch.length + batch.promptLength + j] = answer[b * Tt + j];
  const greedy = model.forward(batch, { mode: 'greedy' });
  const teacher = model.forward({ ...batch, tokens: selfTokens }, { mode: 'teacher' });
  const g = greedy.dataSync();
  const t = teacher.dataSync();
  for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(t[i], 6);
  tf.dispose([greedy, teacher]);
  model.dispose();
});

test('bad batches give a clear error', () => {
  const model = new RnnModel(config('gru'), 9);
  expect(() => model.forward({ ...batch, tokens: batch.tokens.slice(1) })).toThrow(/tokens has/);
  const bad = Int32Array.from(batch.tokens);
  bad[0] = 99;
  expect(() => model.forward({ ...batch, tokens: bad })).toThrow(/outside the vocabulary/);
  model.dispose();
});
