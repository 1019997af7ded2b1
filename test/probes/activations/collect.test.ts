import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { evaluationBatches, makeBatch } from '../../../lib/data/batches';
import { disposeResult } from '../../../lib/hooks';
import { MlpModel } from '../../../lib/models/mlp/model';
import { RnnModel } from '../../../lib/models/rnn';
import { createTransformer } from '../../../lib/models/transformer';
import { arithmeticExample } from '../../../lib/tasks/arithmetic';
import { createLookupTask, lookupSpecFromSeed } from '../../../lib/tasks/lookup';
import { EncodedExample } from '../../../lib/tasks/types';
import { ComplensError } from '../../../lib/util/errors';
import { ActivationDataset, collectActivations } from '../../../probes/activations';
import { parityTask } from '../../helpers/toy-task';

beforeAll(() => initBackend());

const parity = parityTask(3).split('train').examples; // prompt 4, target 2 → 5 input positions
const rnn = (layout: 'single' | 'encdec', seed = 1) =>
  new RnnModel({ arch: 'rnn', cell: 'gru', layout, vocabSize: 4, embedSize: 3, hiddenSize: 5, numLayers: 1 }, seed);

/** The cached tensor of one hook for all examples in one batch, as nested arrays [B][T][F]. */
function cached(model: RnnModel, examples: EncodedExample[], name: string): number[][][] {
  const batch = makeBatch(examples, examples.map((_, i) => i));
  const result = model.runWithCache(batch, { names: [name as never] });
  const out = result.cache[name as never]!.arraySync() as number[][][];
  disposeResult(result);
  return out;
}

test('single-stream RNN: one row per (example, position) in example order, values equal runWithCache, no tensor leak', () => {
  const model = rnn('single');
  const before = tf.memory().numTensors;
  const ds = collectActivations(model, parity, { hooks: ['cells.0.hook_h'], chunkSize: 3 });
  expect(tf.memory().numTensors).toBe(before);
  expect(ds.rows).toBe(8 * 5);
  expect(ds.hooks).toEqual([{ name: 'cells.0.hook_h', dim: 5 }]);
  expect(Array.from(ds.exampleIndex.slice(0, 7))).toEqual([0, 0, 0, 0, 0, 1, 1]);
  expect(Array.from(ds.position.slice(0, 7))).toEqual([0, 1, 2, 3, 4, 0, 1]);
  const h = cached(model, parity, 'cells.0.hook_h');
  const X = ds.features('cells.0.hook_h');
  expect(X.data).toBeInstanceOf(Float32Array);
  expect(X.dims).toBe(5);
  for (let r = 0; r < ds.rows; r++) {
    const e = ds.exampleIndex[r];
    const p = ds.position[r];
    for (let d = 0; d < 5; d++) expect(X.data[r * 5 + d]).toBeCloseTo(h[e][p][d], 6);
  }
  // Labels: position labels at that position, example labels repeated, the group key.
  const state = ds.labels('state');
  expect(state).toBeInstanceOf(Int32Array);
  for (let r = 0; r < ds.rows; r++) expect(state[r]).toBe(parity[ds.exampleIndex[r]].positionLabels.state[ds.position[r]]);
  const value = ds.labels('value');
  expect(value).toBeInstanceOf(Float64Array);
  expect(value[7]).toBe(1);
  expect(ds.groups[7]).toBe('1');
  expect(ds.row(7).labels).toEqual({ state: 1, value: 1, parity: 1 });
  model.dispose();
});

test('position selectors: prompt, answer, last-prompt, explicit (negative from the end) and functions', () => {
  const model = rnn('single');
  const hooks = ['cells.0.hook_h'];
  const positionsOf = (ds: ActivationDataset, e: number) => Array.from(ds.position.filter((_, r) => ds.exampleIndex[r] === e));
  expect(positionsOf(collectActivations(model, parity, { hooks, positions: 'prompt' }), 2)).toEqual([0, 1, 2, 3]);
  expect(positionsOf(collectActivations(model, parity, { hooks, positions: 'answer' }), 2)).toEqual([3, 4]);
  expect(positionsOf(collectActivations(model, parity, { hooks, positions: 'last-prompt' }), 2)).toEqual([3]);
  expect(positionsOf(collectActivations(model, parity, { hooks, positions: [0, -1] }), 2)).toEqual([0, 4]);
  expect(positionsOf(collectActivations(model, parity, { hooks, positions: (ex) => [ex.prompt.length - 2] }), 5)).toEqual([2]);
  expect(() => collectActivations(model, parity, { hooks, positions: [5] })).toThrow(/outside its 5 input positions/);
  model.dispose();
});

test('hook_logits has answer positions only: named selectors narrow to them, explicit prompt positions are an error', () => {
  const model = rnn('single');
  const ds = collectActivations(model, parity, { hooks: ['cells.0.hook_h', 'hook_logits'] });
  expect(ds.rows).toBe(8 * 2);
  expect(Array.from(ds.position.slice(0, 2))).toEqual([3, 4]);
  // The logits at answer position j equal hook_h there times the unembedding (the emission point).
  const batch = makeBatch(parity, parity.map((_, i) => i));
  const result = model.runWithCache(batch, { names: ['hook_logits'] });
  const logits = result.cache.hook_logits!.arraySync() as number[][][];
  disposeResult(result);
  const L = ds.features('hook_logits');
  for (let r = 0; r < ds.rows; r++) {
    const j = ds.position[r] - 3;
    for (let v = 0; v < 4; v++) expect(L.data[r * 4 + v]).toBeCloseTo(logits[ds.exampleIndex[r]][j][v], 5);
  }
  expect(() => collectActivations(model, parity, { hooks: ['hook_logits'], positions: [0] })).toThrow(/covers positions 3..4/);
  model.dispose();
});

test('encoder–decoder RNN: encoder rows at prompt positions, decoder step j at input position promptLength−1+j', () => {
  const model = rnn('encdec', 2);
  const ds = collectActivations(model, parity, { hooks: ['decoder.cells.0.hook_h'], positions: 'all' });
  expect(ds.rows).toBe(8 * 2);
  expect(Array.from(ds.position.slice(0, 2))).toEqual([3, 4]);
  const dec = cached(model, parity, 'decoder.cells.0.hook_h');
  for (let r = 0; r < ds.rows; r++) {
    for (let d = 0; d < 5; d++) expect(ds.features('decoder.cells.0.hook_h').data[r * 5 + d]).toBeCloseTo(dec[ds.exampleIndex[r]][ds.position[r] - 3][d], 6);
  }
  const enc = collectActivations(model, parity, { hooks: ['encoder.cells.0.hook_h'], positions: 'all' });
  expect(Array.from(enc.position.slice(0, 4))).toEqual([0, 1, 2, 3]);
  // Both together: only the last prompt position (the decoder's first step reads the '.', where the encoder ends).
  const both = collectActivations(model, parity, { hooks: ['encoder.cells.0.hook_h', 'decoder.cells.0.hook_h'] });
  expect(new Set(both.position)).toEqual(new Set([3]));
  model.dispose();
});

test('examples of different lengths (lookup atomic and composed rows) come back in input order', () => {
  const task = createLookupTask(lookupSpecFromSeed({ seed: 3, numTables: 4, bits: 2, atomicOnlyTables: 1, heldOutCompositions: 1 }));
  const examples = task.split('train').examples.slice(0, 40);
  expect(new Set(examples.map((e) => e.prompt.length)).size).toBeGreaterThan(1);
  const model = new RnnModel({ arch: 'rnn', cell: 'tanh', layout: 'single', vocabSize: task.vocab.length, embedSize: 3, hiddenSize: 4, numLayers: 2 }, 4);
  const ds = collectActivations(model, examples, { hooks: ['cells.1.hook_h'], positions: 'last-prompt', chunkSize: 7 });
  expect(Array.from(ds.exampleIndex)).toEqual(examples.map((_, i) => i));
  expect(Array.from(ds.position)).toEqual(examples.map((e) => e.prompt.length - 1));
  expect(Array.from(ds.labels('composition'))).toEqual(examples.map((e) => e.exampleLabels.composition));
  expect(Array.from(ds.labels('state'))).toEqual(examples.map((e) => e.exampleLabels.final));
  model.dispose();
});

test('transformer: residual stream by input position; attention pattern rows are the query position (heads × keys)', () => {
  const examples = [arithmeticExample(12, 345, 'add', 4), arithmeticExample(999, 1, 'add', 4), arithmeticExample(7, 70, 'add', 4)];
  const model = createTransformer({ arch: 'transformer', vocabSize: 10, nLayers: 1, nHeads: 2, dModel: 8, maxLength: 16 } as never, 5);
  const before = tf.memory().numTensors;
  const ds = collectActivations(model, examples, { hooks: ['blocks.0.hook_resid_post', 'blocks.0.attn.hook_pattern'], positions: [7, 10] });
  expect(tf.memory().numTensors).toBe(before);
  const T = 12;
  expect(ds.hooks).toEqual([
    { name: 'blocks.0.hook_resid_post', dim: 8 },
    { name: 'blocks.0.attn.hook_pattern', dim: 2 * T },
  ]);
  const { batch } = evaluationBatches(examples)[0];
  const result = model.runWithCache(batch, { names: ['blocks.0.attn.hook_pattern', 'blocks.0.hook_resid_post'] });
  const pattern = result.cache['blocks.0.attn.hook_pattern']!.arraySync() as number[][][][];
  const resid = result.cache['blocks.0.hook_resid_post']!.arraySync() as number[][][];
  disposeResult(result);
  const P = ds.features('blocks.0.attn.hook_pattern').data;
  const R = ds.features('blocks.0.hook_resid_post').data;
  for (let r = 0; r < ds.rows; r++) {
    const b = ds.exampleIndex[r];
    const q = ds.position[r];
    for (let h = 0; h < 2; h++) for (let k = 0; k < T; k++) expect(P[r * 2 * T + h * T + k]).toBeCloseTo(pattern[b][h][q][k], 6);
    for (let d = 0; d < 8; d++) expect(R[r * 8 + d]).toBeCloseTo(resid[b][q][d], 6);
  }
  // Position 7 emits answer digit 0 (no carry in), position 10 digit 3 (carry from the hundreds: only 999 + 1).
  expect(Array.from(ds.labels('carry'))).toEqual([0, 0, 0, 1, 0, 0]);
  model.dispose();
});

test('VectorModel: one row per example at position −1, odd-one-out body points fold items into the row', () => {
  const model = new MlpModel({ arch: 'mlp', inputSize: 6, hiddenSizes: [4], outputSize: 2, activation: 'relu', head: 'odd-one-out', items: 3 }, 1);
  const examples = Array.from({ length: 5 }, (_, i) => ({ input: Float32Array.from({ length: 6 }, (_, j) => Math.sin(i + j)), exampleLabels: { odd: i % 3 }, group: `g${i % 2}` }));
  const before = tf.memory().numTensors;
  const ds = collectActivations(model, examples, { hooks: ['layers.0.hook_post', 'hook_output'], chunkSize: 2 });
  expect(tf.memory().numTensors).toBe(before);
  expect(ds.rows).toBe(5);
  expect(Array.from(ds.position)).toEqual([-1, -1, -1, -1, -1]);
  expect(ds.hooks).toEqual([
    { name: 'layers.0.hook_post', dim: 3 * 4 },
    { name: 'hook_output', dim: 3 },
  ]);
  const inputs = new Float32Array(30);
  examples.forEach((e, i) => inputs.set(e.input, i * 6));
  const result = model.runWithCache({ inputs, batchSize: 5, inputSize: 6 }, { names: ['layers.0.hook_post'] });
  const body = result.cache['layers.0.hook_post']!.dataSync();
  const got = ds.features('layers.0.hook_post').data;
  for (let i = 0; i < 60; i++) expect(got[i]).toBeCloseTo(body[i], 6);
  disposeResult(result);
  expect(Array.from(ds.labels('odd'))).toEqual([0, 1, 2, 0, 1]);
  expect(ds.groupKeys).toEqual(['g0', 'g1']);
  model.dispose();
});

test('errors name what is wrong: unknown hooks, no hooks, an example label that collides with a position label', () => {
  const model = rnn('single');
  expect(() => collectActivations(model, parity, { hooks: ['cells.3.hook_h'] })).toThrow(ComplensError);
  expect(() => collectActivations(model, parity, { hooks: [] })).toThrow(/at least one hook/);
  const clash = parity.map((e) => ({ ...e, exampleLabels: { ...e.exampleLabels, state: 7 } }));
  const ds = collectActivations(model, clash, { hooks: ['cells.0.hook_h'], positions: 'last-prompt' });
  expect(ds.labelNames()).toEqual(['state', 'value', 'parity', 'example.state']);
  expect(ds.labels('example.state')[0]).toBe(7);
  model.dispose();
});

test('toTable: typed-array columns; activation columns only on request; subset and concat keep everything aligned', () => {
  const model = rnn('single');
  const ds = collectActivations(model, parity, { hooks: ['cells.0.hook_h'], positions: 'last-prompt' });
  const t = ds.toTable();
  expect(t.columnNames()).toEqual(['exampleIndex', 'position', 'group', 'state', 'value', 'parity']);
  expect((t.column('state') as unknown as { data: unknown }).data).toBeInstanceOf(Int32Array);
  const wide = ds.toTable({ activations: true });
  expect(wide.columnNames().slice(-5)).toEqual(['cells.0.hook_h:0', 'cells.0.hook_h:1', 'cells.0.hook_h:2', 'cells.0.hook_h:3', 'cells.0.hook_h:4']);
  expect(wide.get('cells.0.hook_h:2', 3)).toBeCloseTo(ds.features('cells.0.hook_h').data[3 * 5 + 2], 6);
  const odd = ds.filter((r) => r.labels.parity === 1);
  expect(odd.rows).toBe(4);
  const both = ActivationDataset.concat([odd, ds.subset([0])]);
  expect(both.rows).toBe(5);
  expect(both.row(4).activations['cells.0.hook_h']).toEqual(ds.row(0).activations['cells.0.hook_h']);
  expect(both.groups).toEqual([...odd.groups, ds.groups[0]]);
  expect(() => ds.intLabels('value')).not.toThrow();
  model.dispose();
});
