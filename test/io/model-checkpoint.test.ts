import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { makeBatch } from '../../lib/data/batches';
import { loadModelCheckpoint, saveModelCheckpoint } from '../../lib/io/model-checkpoint';
import { RnnModel } from '../../lib/models/rnn';
import { createTransformer } from '../../lib/models/transformer';
import { createArithmeticTask } from '../../lib/tasks/arithmetic';
import { lookupTaskFromSample } from '../../lib/tasks/lookup';

beforeAll(() => initBackend());
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-ckpt-'));

test('RNN save → load gives bit-identical outputs, the same task, and the backend recorded', () => {
  const task = lookupTaskFromSample('sample1');
  const model = new RnnModel({ arch: 'rnn', cell: 'lstm', layout: 'encdec', vocabSize: task.vocab.length, embedSize: 6, hiddenSize: 10, numLayers: 2 }, 42);
  const dir = path.join(tmp(), 'ck');
  saveModelCheckpoint(dir, model, task, { seeds: { init: 42 } });
  const loaded = loadModelCheckpoint(dir);
  const examples = task.split('heldout_compositions').examples;
  const batch = makeBatch(examples, examples.map((_, i) => i));
  const a = model.forward(batch);
  const b = (loaded.model as RnnModel).forward(batch);
  expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
  expect(loaded.task.spec).toEqual(task.spec);
  expect(loaded.meta.backend.backend).toBe('wasm');
  expect(loaded.meta.seeds).toEqual({ init: 42 });
  tf.dispose([a, b]);
  model.dispose();
  loaded.model.dispose();
});

test('transformer save → load gives bit-identical outputs', () => {
  const task = createArithmeticTask({ sizes: { train: 20, test: 5, ood_4digit: 5, ood_5digit: 0, ood_mixed: 0, ood_length: 0 } });
  const model = createTransformer({ arch: 'transformer', vocabSize: 10, nLayers: 1, nHeads: 2, dModel: 8, maxLength: 15 } as never, 1);
  const dir = path.join(tmp(), 'ck');
  saveModelCheckpoint(dir, model, task);
  const loaded = loadModelCheckpoint(dir);
  const ex = task.split('test').examples;
  const batch = makeBatch(ex, ex.map((_, i) => i));
  const a = model.forward(batch);
  const b = (loaded.model as typeof model).forward(batch);
  expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
  tf.dispose([a, b]);
  model.dispose();
  loaded.model.dispose();
});

describe('clear errors naming the file and field', () => {
  const task = lookupTaskFromSample('sample1');
  let dir: string;
  beforeEach(() => {
    const model = new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: task.vocab.length, embedSize: 4, hiddenSize: 6, numLayers: 1 }, 1);
    dir = path.join(tmp(), 'ck');
    saveModelCheckpoint(dir, model, task);
    model.dispose();
  });
  // These edits are deliberate: load them as trusted so the config checks behind the integrity check are reached.
  const trusted = { trustEdited: true, warn: () => undefined };
  const editMeta = (fn: (meta: Record<string, any>) => void) => {
    const file = path.join(dir, 'complens.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
    fn(meta);
    fs.writeFileSync(file, JSON.stringify(meta));
  };

  test('unknown architecture', () => {
    editMeta((m) => (m.model.arch = 'mamba'));
    expect(() => loadModelCheckpoint(dir, trusted)).toThrow(/complens\.json: model\.arch: expected one of "rnn", "transformer".*"mamba"/);
  });
  test('bad model config field', () => {
    editMeta((m) => (m.model.hiddenSize = -3));
    expect(() => loadModelCheckpoint(dir, trusted)).toThrow(/complens\.json: model\.hiddenSize/);
  });
  test('shape mismatch between config and weights', () => {
    editMeta((m) => (m.model.hiddenSize = 7));
    expect(() => loadModelCheckpoint(dir, trusted)).toThrow(/cells\.0\.W_ih.*\[4,21\].*\[4,18\]|cells\.0\.W_ih/);
  });
  test('bad task spec', () => {
    editMeta((m) => (m.task.encoding = 'fancy'));
    expect(() => loadModelCheckpoint(dir, trusted)).toThrow(/complens\.json: task\.encoding/);
  });
  test('wrong format version', () => {
    editMeta((m) => (m.complensFormat = 99));
    expect(() => loadModelCheckpoint(dir)).toThrow(/complens\.json.*complensFormat/);
  });
  test('truncated weights', () => {
    const file = path.join(dir, 'weights.bin');
    fs.truncateSync(file, fs.statSync(file).size - 8);
    expect(() => loadModelCheckpoint(dir)).toThrow(/weights\.bin/);
  });
  test('no tensors leak when loading fails', () => {
    editMeta((m) => (m.model.hiddenSize = 7));
    const before = tf.memory().numTensors;
    expect(() => loadModelCheckpoint(dir)).toThrow(/the "model" section changed/);
    expect(() => loadModelCheckpoint(dir, trusted)).toThrow(/cells\.0\.W_ih/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
