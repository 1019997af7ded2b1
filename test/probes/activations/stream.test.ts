import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as tf from '@tensorflow/tfjs';
import * as aq from 'arquero';
import { initBackend } from '../../../lib/backend';
import { RnnModel } from '../../../lib/models/rnn';
import { arithmeticExample } from '../../../lib/tasks/arithmetic';
import { EncodedExample } from '../../../lib/tasks/types';
import { activationChunks, collectActivations, formatFloat32, streamActivations, writeActivationStream } from '../../../probes/activations';

beforeAll(() => initBackend());

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Examples made on the fly, never held: 12 input positions each (padWidth 4 addition). */
function* additions(count: number): Generator<EncodedExample> {
  for (let i = 0; i < count; i++) yield arithmeticExample(i % 1000, (i * 7919) % 1000, 'add', 4);
}

const tiny = () => new RnnModel({ arch: 'rnn', cell: 'tanh', layout: 'single', vocabSize: 10, embedSize: 4, hiddenSize: 64, numLayers: 1 }, 1);

test('streaming 100k rows keeps memory bounded (heap and array buffers) and leaks no tensors', async () => {
  const model = tiny();
  const hook = 'cells.0.hook_h';
  const examples = 8400; // × 12 positions = 100,800 rows
  const before = tf.memory().numTensors;
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  let rows = 0;
  let chunks = 0;
  let lastIndex = -1;
  const samples: number[] = [];
  for await (const chunk of streamActivations(model, additions(examples), { hooks: [hook], chunkSize: 256 })) {
    rows += chunk.rows;
    expect(chunk.exampleIndex[0]).toBe(lastIndex + 1);
    lastIndex = chunk.exampleIndex[chunk.rows - 1];
    if (++chunks >= 2 && chunks % 4 === 2) samples.push(used());
  }
  expect(rows).toBe(examples * 12);
  expect(chunks).toBe(Math.ceil(examples / 256));
  expect(tf.memory().numTensors).toBe(before);
  // Held in memory, the rows would take ≥ 100,800 × (64 floats + 6 int32 + 7 float64 labels) ≈ 34 MB, growing by
  // ~1 MB per chunk. Streamed, memory only fluctuates by about one chunk (and the backend's buffers).
  const held = rows * (64 * 4 + 6 * 4 + 7 * 8);
  expect(held).toBeGreaterThan(30e6);
  expect(Math.max(...samples) - samples[0]).toBeLessThan(12e6);
  const third = Math.floor(samples.length / 3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(samples.slice(-third)) - mean(samples.slice(0, third))).toBeLessThan(8e6);
  model.dispose();
});

test('chunks of a stream concatenate to the in-memory dataset', async () => {
  const model = tiny();
  const list = [...additions(50)];
  const whole = collectActivations(model, list, { hooks: ['cells.0.hook_h'], positions: 'answer', chunkSize: 16 });
  const sync = [...activationChunks(model, list, { hooks: ['cells.0.hook_h'], positions: 'answer', chunkSize: 16 })];
  expect(sync.map((c) => c.rows)).toEqual([16 * 5, 16 * 5, 16 * 5, 2 * 5]);
  const streamed: number[] = [];
  for await (const c of streamActivations(model, list, { hooks: ['cells.0.hook_h'], positions: 'answer', chunkSize: 16 })) streamed.push(...c.features('cells.0.hook_h').data);
  expect(Float32Array.from(streamed)).toEqual(whole.features('cells.0.hook_h').data);
  model.dispose();
});

test('a stream whose later examples bring new labels fails clearly unless options.labels fixes the columns', async () => {
  const model = tiny();
  const list = [...additions(6)];
  list[5] = { ...list[5], exampleLabels: { ...list[5].exampleLabels, extra: 1 } };
  await expect(async () => {
    for await (const _ of streamActivations(model, list, { hooks: ['cells.0.hook_h'], chunkSize: 4 })) void _;
  }).rejects.toThrow(/options.labels/);
  const fixed = [...activationChunks(model, list, { hooks: ['cells.0.hook_h'], chunkSize: 4, labels: { position: ['carry'], example: ['a', 'extra'] } })];
  expect(fixed[0].labelNames()).toEqual(['carry', 'a', 'extra']);
  expect(Number.isNaN(fixed[0].labels('extra')[0])).toBe(true);
  expect(fixed[1].labels('extra')[fixed[1].rows - 1]).toBe(1);
  model.dispose();
});

describe('files', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-acts-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('toCSV round-trips labels, groups and float32 activations exactly', () => {
    const model = tiny();
    const ds = collectActivations(model, [...additions(5)], { hooks: ['cells.0.hook_h'], positions: 'last-prompt' });
    const file = path.join(dir, 'acts.csv');
    ds.toCSV(file);
    const t = aq.fromCSV(fs.readFileSync(file, 'utf8'), { autoType: true });
    expect(t.numRows()).toBe(5);
    expect(t.columnNames().slice(0, 4)).toEqual(['exampleIndex', 'position', 'group', 'digit']);
    expect(t.get('group', 1)).toBe('1,919');
    expect(t.get('idAnswer', 1)).toBe(920);
    const X = ds.features('cells.0.hook_h').data;
    for (let d = 0; d < 64; d++) expect(Math.fround(t.get(`cells.0.hook_h:${d}`, 3) as number)).toBe(X[3 * 64 + d]);
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    model.dispose();
  });

  test('toArrow writes FixedSizeList<Float32> columns (or one column per dimension) that arquero reads back', () => {
    const model = tiny();
    const ds = collectActivations(model, [...additions(7)], { hooks: ['cells.0.hook_h', 'hook_logits'], positions: 'answer' });
    const file = path.join(dir, 'acts.arrow');
    ds.toArrow(file);
    const t = aq.fromArrow(fs.readFileSync(file));
    expect(t.numRows()).toBe(ds.rows);
    const v = t.get('hook_logits', 9) as Float32Array;
    expect(Array.from(v)).toEqual(Array.from(ds.features('hook_logits').data.subarray(9 * 10, 10 * 10)));
    expect(t.get('answerDigit', 9)).toBe(ds.labels('answerDigit')[9]);
    const wide = path.join(dir, 'wide.arrow');
    ds.toArrow(wide, { layout: 'columns', activations: ['hook_logits'] });
    const w = aq.fromArrow(fs.readFileSync(wide));
    expect(w.columnNames()).toContain('hook_logits:9');
    expect(w.columnNames()).not.toContain('cells.0.hook_h');
    expect(w.get('hook_logits:3', 9)).toBe(ds.features('hook_logits').data[9 * 10 + 3]);
    model.dispose();
  });

  test('writeActivationStream writes a stream chunk by chunk (Arrow and CSV) and leaves no temp files', async () => {
    const model = tiny();
    const options = { hooks: ['cells.0.hook_h'], positions: 'last-prompt' as const, chunkSize: 8 };
    const arrow = path.join(dir, 'stream.arrow');
    const res = await writeActivationStream(streamActivations(model, additions(30), options), arrow);
    expect(res).toMatchObject({ rows: 30, chunks: 4 });
    const whole = collectActivations(model, [...additions(30)], options);
    const t = aq.fromArrow(fs.readFileSync(arrow));
    expect(t.numRows()).toBe(30);
    expect(Array.from(t.get('cells.0.hook_h', 29) as Float32Array)).toEqual(Array.from(whole.features('cells.0.hook_h').data.subarray(29 * 64)));
    expect(Array.from(t.array('exampleIndex') as ArrayLike<number>)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const csv = path.join(dir, 'stream.csv');
    await writeActivationStream(activationChunks(model, additions(30), options), csv);
    expect(fs.readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(31);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    model.dispose();
  });
});
