import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { disposeResult, HookContext, HookRuntime } from '../../../lib/hooks';
import {
  createTransformer,
  getActName,
  hookShape,
  TransformerHookName,
  TransformerModel,
  validateTransformerConfig,
} from '../../../lib/models/transformer';
import { SequenceBatch } from '../../../lib/models/types';
import { createArithmeticTask } from '../../../lib/tasks/arithmetic';
import { EncodedExample } from '../../../lib/tasks/types';
import { ComplensError } from '../../../lib/util/errors';

beforeAll(() => initBackend());

const config = validateTransformerConfig({ arch: 'transformer', vocabSize: 10, nLayers: 2, nHeads: 2, dModel: 16, maxLength: 15 });

function batchOf(examples: readonly EncodedExample[]): SequenceBatch {
  const rows = examples.map((e) => [...e.prompt, ...e.target]);
  return { tokens: Int32Array.from(rows.flat()), batchSize: rows.length, length: rows[0].length, promptLength: examples[0].prompt.length };
}

const task = createArithmeticTask({ sizes: { train: 4, test: 0, ood_4digit: 4 } });
const batch = batchOf(task.split('train').examples);
const other = batchOf(task.split('ood_4digit').examples);
const dims = { batchSize: 4, inputLength: 15, answerLength: 6 };
let model: TransformerModel;
beforeAll(() => (model = createTransformer(config, 3)));
afterAll(() => model.dispose());

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('transformer hook points', () => {
  it.each(['teacher', 'greedy'] as const)('captures every documented point with its documented shape (%s)', (mode) => {
    const result = model.runWithCache(batch, { names: model.hookPoints, mode });
    expect(Object.keys(result.cache).sort()).toEqual([...model.hookPoints].sort());
    for (const name of model.hookPoints) expect(result.cache[name]!.shape).toEqual(hookShape(name, config, dims));
    expect(values(result.cache.hook_logits!)).toEqual(values(result.output));
    disposeResult(result);
  });

  it('caches activations that compose as the architecture says', () => {
    const names: TransformerHookName[] = [
      'blocks.0.hook_resid_pre',
      'blocks.0.hook_attn_out',
      'blocks.0.hook_resid_mid',
      'blocks.0.hook_mlp_out',
      'blocks.0.hook_resid_post',
      'blocks.1.hook_resid_pre',
      'hook_embed',
      'hook_pos_embed',
      getActName('pattern', 1),
    ];
    const { output, cache } = model.runWithCache(batch, { names });
    const c = (n: TransformerHookName) => cache[n]!;
    tf.tidy(() => {
      expect(maxDiff(c('blocks.0.hook_resid_pre'), tf.add(c('hook_embed'), c('hook_pos_embed')))).toBeLessThan(1e-6);
      expect(maxDiff(c('blocks.0.hook_resid_mid'), tf.add(c('blocks.0.hook_resid_pre'), c('blocks.0.hook_attn_out')))).toBeLessThan(1e-6);
      expect(maxDiff(c('blocks.0.hook_resid_post'), tf.add(c('blocks.0.hook_resid_mid'), c('blocks.0.hook_mlp_out')))).toBeLessThan(1e-6);
      expect(maxDiff(c('blocks.1.hook_resid_pre'), c('blocks.0.hook_resid_post'))).toBe(0);
      // Attention rows are distributions over the keys at or before the query.
      const pattern = c('blocks.1.attn.hook_pattern').arraySync() as number[][][][];
      for (const row of pattern[2][1]) expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
      expect(pattern[2][1][3].slice(4).every((p) => p === 0)).toBe(true);
    });
    disposeResult({ output, cache });
  });

  it('aligns the state hook with the task\'s position labels', () => {
    const { output, cache } = model.runWithCache(batch, { names: [model.stateHook] });
    expect(model.stateHook).toBe('blocks.1.hook_resid_post');
    expect(cache[model.stateHook]!.shape[1]).toBe(task.split('train').examples[0].positionLabels.answerDigit.length);
    disposeResult({ output, cache });
    expect(model.stepwiseHooks.size).toBe(0);
  });

  it('lets a hook replace an activation and changes the output', () => {
    const plain = model.forward(batch);
    const scaled = model.runWithHooks(batch, { 'blocks.1.mlp.hook_post': (x) => tf.mul(x, 3) });
    expect(maxDiff(plain, scaled)).toBeGreaterThan(1e-3);
    // Zero-ablating layer 0's attention pattern changes the logits; ablating it to itself changes nothing.
    const ablated = model.runWithHooks(batch, { [getActName('pattern', 0)]: (x: tf.Tensor) => tf.zerosLike(x) });
    expect(maxDiff(plain, ablated)).toBeGreaterThan(1e-3);
    const identity = model.runWithHooks(batch, { 'blocks.0.attn.hook_pattern': (x) => x });
    expect(maxDiff(plain, identity)).toBe(0);
    tf.dispose([plain, scaled, ablated, identity]);
  });

  it('patches activations from another run exactly (activation patching)', () => {
    const source = model.runWithCache(other, { names: ['blocks.0.hook_resid_pre'] });
    const patched = model.runWithHooks(batch, { 'blocks.0.hook_resid_pre': () => source.cache['blocks.0.hook_resid_pre'] });
    // Everything downstream of the stream's entry sees the other run: the output must be the other run's.
    expect(maxDiff(patched, source.output)).toBeLessThan(1e-5);
    // Patching a single late position only changes the logits from that position on (causality).
    const late = model.runWithHooks(batch, {
      'blocks.1.hook_resid_mid': (x) => {
        // A push along one residual direction at position 12 (a constant shift would vanish in the LayerNorms).
        const push = tf.buffer([1, 15, 16]);
        push.set(10, 0, 12, 0);
        return tf.add(x, push.toTensor());
      },
    });
    const plain = model.forward(batch);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(late, plain)), [0, 2]).arraySync() as number[]);
    expect(diff.slice(0, 3)).toEqual([0, 0, 0]); // answer steps 0..2 read positions 9..11
    expect(diff[3]).toBeGreaterThan(1e-3);
    tf.dispose([patched, late, plain]);
    disposeResult(source);
  });

  it('fires hooks on every greedy pass, with the decoded position, and caches the final pass', () => {
    const seen: (number | undefined)[] = [];
    const record = (x: tf.Tensor, ctx: HookContext) => void seen.push(ctx.position);
    const result = model.runWithCache(batch, { names: ['blocks.0.hook_resid_pre'], hooks: { hook_logits: record }, mode: 'greedy' });
    expect(seen).toEqual([9, 10, 11, 12, 13, 14]);
    // The cache of the final pass equals the teacher-mode cache on the model's own answers.
    const answers = model.generate(batch);
    const own = { ...batch, tokens: batch.tokens.slice() };
    for (let b = 0; b < 4; b++) own.tokens.set(answers.subarray(b * 6, b * 6 + 6), b * 16 + 10);
    const teacher = model.runWithCache(own, { names: ['blocks.0.hook_resid_pre'] });
    expect(maxDiff(result.cache['blocks.0.hook_resid_pre']!, teacher.cache['blocks.0.hook_resid_pre']!)).toBeLessThan(1e-6);
    disposeResult(result);
    disposeResult(teacher);
    seen.length = 0;
    model.forward(batch).dispose();
    expect(seen).toEqual([]);
  });

  it('steers greedy decoding through a patch on every pass', () => {
    // Force digit 7 everywhere: the generated answer must be all sevens.
    const force = (x: tf.Tensor) => tf.add(tf.mul(x, 0), tf.oneHot(tf.fill([4, 6], 7, 'int32'), 10).mul(100));
    const logits = model.runWithHooks(batch, { hook_logits: force }, { mode: 'greedy' });
    expect(values(tf.tidy(() => tf.argMax(logits, 2))).every((d) => d === 7)).toBe(true);
    // Through the embeddings: the digits fed back are the forced sevens, so hook_embed differs from teacher mode.
    const cache = model.runWithCache(batch, { names: ['hook_embed'], hooks: { hook_logits: force }, mode: 'greedy' });
    const W_E = model.params['embed.W_E'].arraySync() as number[][];
    const embed = cache.cache.hook_embed!.arraySync() as number[][][];
    for (let t = 10; t < 15; t++) embed[0][t].forEach((v, d) => expect(v).toBeCloseTo(W_E[7][d], 6));
    logits.dispose();
    disposeResult(cache);
  });

  it('exposes caches through forward(batch, {hooks}) as rt.cached', () => {
    const rt = new HookRuntime({}, new Set(['blocks.1.attn.hook_z']));
    const logits = model.forward(batch, { hooks: rt, mode: 'greedy' });
    expect(rt.cached['blocks.1.attn.hook_z'].shape).toEqual([4, 15, 2, 8]);
    tf.dispose([logits, ...Object.values(rt.cached)]);
  });

  it('rejects unknown hook names', () => {
    expect(() => model.runWithCache(batch, { names: ['blocks.0.attn.hook_result' as TransformerHookName] })).toThrow(ComplensError);
    expect(() => model.runWithCache(batch, { names: ['blocks.5.hook_resid_pre'] })).toThrow(/unknown hook point/);
  });

  it('replacements must keep the shape', () => {
    expect(() => model.runWithHooks(batch, { 'blocks.0.hook_mlp_out': (x) => tf.sum(x, 2) })).toThrow(/replacement has shape/);
  });
});
