/**
 * Training-time dropout of the transformer (minGPT's sites: embedding sum, attention pattern, attention and MLP
 * outputs before the residual add). It is active only when `forward` gets `options.dropout`; its masks are a pure
 * function of the seed, so training stays deterministic.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { HookRuntime } from '../../../lib/hooks';
import { createTransformer, TransformerModel, validateTransformerConfig } from '../../../lib/models/transformer';
import { dropout } from '../../../lib/models/transformer/layers';
import { SequenceBatch } from '../../../lib/models/types';
import { trainSequenceModel } from '../../../lib/train/sequence';
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

describe('transformer dropout', () => {
  it('rate 0 is no dropout, bit for bit', () => {
    const plain = values(model.forward(batch));
    expect(values(model.forward(batch, { dropout: { rate: 0, seed: 5 } }))).toEqual(plain);
  });

  it('is deterministic in the seed, and the masks change with the seed', () => {
    const plain = values(model.forward(batch));
    const a = values(model.forward(batch, { dropout: { rate: 0.1, seed: 5 } }));
    const b = values(model.forward(batch, { dropout: { rate: 0.1, seed: 5 } }));
    const c = values(model.forward(batch, { dropout: { rate: 0.1, seed: 6 } }));
    expect(b).toEqual(a);
    expect(a).not.toEqual(plain);
    expect(c).not.toEqual(a);
  });

  it('drops at every site: the embedding sum, the pattern, and the attention and MLP outputs', () => {
    const names = ['blocks.0.hook_resid_pre', 'blocks.0.attn.hook_pattern', 'blocks.0.attn.hook_z', 'blocks.1.hook_attn_out', 'blocks.1.hook_mlp_out'] as const;
    const read = (options: { dropout?: { rate: number; seed: number } }) => {
      const rt = new HookRuntime({}, new Set(names));
      model.forward(batch, { ...options, hooks: rt }).dispose();
      const out = Object.fromEntries(names.map((n) => [n, values(rt.cached[n])]));
      return out;
    };
    const plain = read({});
    const dropped = read({ dropout: { rate: 0.5, seed: 1 } });
    // The pattern hook sees the softmax before attention dropout, so it is unchanged in block 0; z mixes with the
    // dropped pattern. Everything downstream of a dropped site differs.
    expect(dropped['blocks.0.attn.hook_pattern']).not.toEqual(plain['blocks.0.attn.hook_pattern']); // the embedding sum was dropped
    const zeros = (v: number[]) => v.filter((x) => x === 0).length / v.length;
    expect(zeros(dropped['blocks.1.hook_mlp_out'])).toBeGreaterThan(0.4);
    expect(zeros(dropped['blocks.1.hook_attn_out'])).toBeGreaterThan(0.4);
    expect(zeros(plain['blocks.1.hook_mlp_out'])).toBe(0);
  });

  it('the dropout helper keeps 1 − rate of the elements in expectation and scales them by 1/(1 − rate)', () => {
    const x = tf.ones([200, 50]);
    const y = values(dropout(x, 0.25, 3, 'site'));
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / y.length).toBeGreaterThan(0.72);
    expect(kept.length / y.length).toBeLessThan(0.78);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.75, 6);
    expect(values(dropout(x, 0.25, 3, 'other site'))).not.toEqual(y);
    expect(values(dropout(x, 0.25, 3, 'site'))).toEqual(y);
    x.dispose();
  });

  it('never drops in evaluation: greedy decoding and generate ignore it, and greedy mode with dropout is refused', () => {
    const teacher = values(model.forward(batch));
    expect(values(model.forward(batch))).toEqual(teacher); // no hidden state between calls
    expect(() => model.forward(batch, { mode: 'greedy', dropout: { rate: 0.1, seed: 1 } })).toThrow(ComplensError);
    expect(() => model.forward(batch, { dropout: { rate: 1, seed: 1 } })).toThrow(ComplensError);
    const first = model.generate(batch);
    model.forward(batch, { dropout: { rate: 0.1, seed: 2 } }).dispose();
    expect(model.generate(batch)).toEqual(first);
  });

  it('leaks no tensors, also under gradients', () => {
    model.forward(batch, { dropout: { rate: 0.1, seed: 1 } }).dispose(); // warm-up
    const before = tf.memory().numTensors;
    model.forward(batch, { dropout: { rate: 0.1, seed: 1 } }).dispose();
    const { value, grads } = tf.variableGrads(() => tf.sum(model.forward(batch, { dropout: { rate: 0.2, seed: 3 } })) as tf.Scalar, Object.values(model.params));
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients flow only through kept elements: a zero-rate step equals the no-dropout step', () => {
    const vars = Object.values(model.params);
    const grad = (options: object) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.forward(batch, options)) as tf.Scalar, vars);
      const out = values(grads[Object.keys(grads)[0]]);
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    expect(grad({ dropout: { rate: 0, seed: 9 } })).toEqual(grad({}));
    expect(grad({ dropout: { rate: 0.3, seed: 9 } })).not.toEqual(grad({}));
  });
});

describe('training with dropout', () => {
  const task = createArithmeticTask({ sizes: { train: 64, test: 0, ood_4digit: 0, ood_5digit: 0, ood_mixed: 0, ood_length: 0 } });
  const cfg = { optimizer: 'adamw' as const, learningRate: 1e-3, weightDecay: 0.1, batchSize: 16, maxSteps: 6, evalEvery: 6, stopAtTrainAccuracy: 2, dataSeed: 4, gradClip: 1 };
  const weights = (m: TransformerModel) => Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Array.from(v.dataSync())]));

  it('is deterministic (same seeds → identical weights); the dropout rate changes the result; rate 0 is the default', async () => {
    const make = () => createTransformer({ ...config, maxLength: task.maxInputLength! }, 2);
    const [a, b, c, d, e] = [make(), make(), make(), make(), make()];
    await trainSequenceModel(a, task, { ...cfg, dropout: 0.1 });
    await trainSequenceModel(b, task, { ...cfg, dropout: 0.1 });
    await trainSequenceModel(c, task, { ...cfg, dropout: 0.2 });
    await trainSequenceModel(d, task, { ...cfg, dropout: 0 });
    await trainSequenceModel(e, task, cfg);
    expect(weights(b)).toEqual(weights(a));
    expect(weights(c)).not.toEqual(weights(a));
    expect(weights(d)).not.toEqual(weights(a));
    expect(weights(e)).toEqual(weights(d));
    for (const m of [a, b, c, d, e]) m.dispose();
  });
});
