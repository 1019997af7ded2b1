import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { disposeResult } from '../../../lib/hooks';
import { createTransformer, TransformerModel, validateTransformerConfig } from '../../../lib/models/transformer';
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

const examples = createArithmeticTask({ sizes: { train: 8, test: 0 } }).split('train').examples;
const batch = batchOf(examples);
let model: TransformerModel;
beforeAll(() => (model = createTransformer(config, 11)));
afterAll(() => model.dispose());

const values = (t: tf.Tensor) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

describe('transformer forward', () => {
  it('returns logits at the answer positions only', () => {
    const logits = model.forward(batch);
    expect(logits.shape).toEqual([8, 6, 10]);
    logits.dispose();
    const greedy = model.forward(batch, { mode: 'greedy' });
    expect(greedy.shape).toEqual([8, 6, 10]);
    greedy.dispose();
  });

  it('is causal: a later token never changes earlier logits', () => {
    const changed = { ...batch, tokens: batch.tokens.slice() };
    // Change the third answer token (input position 12) of every row.
    for (let b = 0; b < batch.batchSize; b++) changed.tokens[b * 16 + 12] = (batch.tokens[b * 16 + 12] + 5) % 10;
    const before = model.forward(batch).arraySync();
    const after = model.forward(changed).arraySync();
    for (let b = 0; b < 8; b++) {
      // Answer step j reads input position 9 + j: steps 0..2 see positions ≤ 11 only.
      for (let j = 0; j < 3; j++) expect(after[b][j]).toEqual(before[b][j]);
      expect(after[b][3]).not.toEqual(before[b][3]);
    }
  });

  it('greedy mode equals teacher mode when the targets are the model\'s own greedy answers', () => {
    const answers = model.generate(batch);
    expect(answers).toHaveLength(8 * 6);
    const own = { ...batch, tokens: batch.tokens.slice() };
    for (let b = 0; b < 8; b++) own.tokens.set(answers.subarray(b * 6, b * 6 + 6), b * 16 + 10);
    const greedy = values(model.forward(batch, { mode: 'greedy' }));
    const teacher = values(model.forward(own, { mode: 'teacher' }));
    greedy.forEach((v, i) => expect(v).toBeCloseTo(teacher[i], 5));
    // generate is the argmax of the greedy logits.
    const argmax = values(tf.tidy(() => tf.argMax(model.forward(batch, { mode: 'greedy' }), 2)));
    expect(Array.from(answers)).toEqual(argmax);
  });

  it('is a pure function of the init seed', () => {
    const again = createTransformer(config, 11);
    const other = createTransformer(config, 12);
    for (const name of Object.keys(model.params)) {
      expect(values(again.params[name].clone())).toEqual(values(model.params[name].clone()));
    }
    const a = values(model.forward(batch));
    expect(values(again.forward(batch))).toEqual(a);
    expect(values(other.forward(batch))).not.toEqual(a);
    again.dispose();
    other.dispose();
  });

  it('initialises with the minGPT distribution', () => {
    const big = createTransformer(validateTransformerConfig({ arch: 'transformer', vocabSize: 10, nLayers: 3, nHeads: 4, dModel: 64, maxLength: 8 }), 0);
    const std = (name: string) => {
      const v = values(big.params[name].clone());
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
    };
    expect(std('blocks.0.mlp.W_in')).toBeCloseTo(0.02, 3);
    expect(std('blocks.1.attn.W_O')).toBeCloseTo(0.02 / Math.sqrt(6), 3);
    expect(values(big.params['blocks.2.attn.b_Q'].clone()).every((x) => x === 0)).toBe(true);
    expect(values(big.params['ln_final.w'].clone()).every((x) => x === 1)).toBe(true);
    big.dispose();
  });

  it('reads weights from a params override, falling back to its variables', () => {
    const zeros = tf.zeros([16, 10]);
    const logits = values(model.forward(batch, { params: { 'unembed.W_U': zeros } }));
    expect(logits.every((x) => x === 0)).toBe(true);
    // Overriding with the model's own values changes nothing.
    const same = tf.tidy(() => tf.mul(model.params['blocks.1.mlp.W_in'], 1));
    expect(values(model.forward(batch, { params: { 'blocks.1.mlp.W_in': same } }))).toEqual(values(model.forward(batch)));
    // A masked attention weight changes the output.
    const masked = tf.zerosLike(model.params['blocks.0.attn.W_V']);
    expect(values(model.forward(batch, { params: { 'blocks.0.attn.W_V': masked } }))).not.toEqual(values(model.forward(batch)));
    tf.dispose([zeros, same, masked]);
  });

  it('rejects malformed batches with a clear error', () => {
    expect(() => model.forward({ ...batch, tokens: batch.tokens.subarray(1) })).toThrow(ComplensError);
    const bad = batch.tokens.slice();
    bad[3] = 10;
    expect(() => model.forward({ ...batch, tokens: bad })).toThrow(/outside the vocabulary/);
    const long = { tokens: new Int32Array(2 * 17), batchSize: 2, length: 17, promptLength: 10 };
    expect(() => model.forward(long)).toThrow(/maxLength 15/);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    model.forward(batch).dispose();
    model.forward(batch, { mode: 'greedy' }).dispose();
    model.generate(batch);
    disposeResult(model.runWithCache(batch, { names: model.hookPoints, mode: 'greedy' }));
    disposeResult(model.runWithCache(batch, { names: ['hook_logits', model.stateHook] }));
    model.runWithHooks(batch, { 'blocks.0.hook_resid_mid': (x) => tf.mul(x, 0.5) }, { mode: 'greedy' }).dispose();
    expect(() => model.forward({ ...batch, tokens: batch.tokens.subarray(1) })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
