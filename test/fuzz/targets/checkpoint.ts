/**
 * Fuzz target: model checkpoints through loadModelCheckpoint (the path every CLI command takes). The original is a
 * small GRU on the lookup sample1 task; each case copies it and applies one mutation. A load must give exactly the
 * original weights, model config and task spec; anything else must be a one-line ComplensError naming the file.
 * Deliberate edits that a user could load with --trust-edited are also tried trusted: then the config's shapes and
 * the memory limits must still refuse anything that does not fit, before any model is built.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { readCheckpointMeta } from '../../../lib/io/checkpoint';
import { loadModelCheckpoint, saveModelCheckpoint } from '../../../lib/io/model-checkpoint';
import { RnnModel } from '../../../lib/models/rnn';
import { createLookupTask, lookupTaskFromSample } from '../../../lib/tasks/lookup';
import { canonicalJson } from '../../../lib/util/validate';
import { Rng } from '../../../lib/util/random';
import { FuzzCase, FuzzTarget, bytes, deepJson, pick } from '../harness';

interface Loaded {
  weights: Buffer;
  model: string;
  task: string;
}

const FILES = ['complens.json', 'model.json', 'weights.bin'] as const;
let original = '';

function copyOriginal(caseDir: string): string {
  const dir = path.join(caseDir, 'ck');
  fs.mkdirSync(dir);
  for (const f of FILES) fs.copyFileSync(path.join(original, f), path.join(dir, f));
  return dir;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file: string, o: unknown) => fs.writeFileSync(file, JSON.stringify(o, null, 1));

/** Configs inside every validator's range whose models would need gigabytes (the 4.7 GB wasm crash). */
const HUGE_MODELS = [
  { arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: 12, embedSize: 16, hiddenSize: 4096, numLayers: 16 },
  { arch: 'rnn', cell: 'lstm', layout: 'encdec', vocabSize: 100000, embedSize: 4096, hiddenSize: 4096, numLayers: 16 },
  { arch: 'transformer', vocabSize: 1_000_000, nLayers: 1, nHeads: 8, dModel: 8192, maxLength: 16 },
  { arch: 'transformer', vocabSize: 1000, nLayers: 64, nHeads: 128, dModel: 8192, dMlp: 65536, maxLength: 65536 },
  { arch: 'mlp', inputSize: 1 << 20, hiddenSizes: [65536, 65536], outputSize: 65536 },
];

type Mutation = (rng: Rng, dir: string) => { what: string; trusted?: boolean };

const mutations: Array<[number, Mutation]> = [
  [6, (rng, dir) => {
    const f = pick(rng, FILES);
    const m = pick(rng, [bytes.flip, bytes.flip, bytes.truncate, bytes.insert, bytes.duplicate]);
    const { out, what } = m(fs.readFileSync(path.join(dir, f)), rng);
    fs.writeFileSync(path.join(dir, f), out);
    return { what: `${f}: ${what}` };
  }],
  [2, (rng, dir) => {
    // Swap two manifest entries (scrambles which bytes feed which tensor) or two names of equal shape.
    const file = path.join(dir, 'model.json');
    const m = readJson(file);
    const w = m.weightsManifest[0].weights as Array<{ name: string; shape: number[] }>;
    const a = rng.int(w.length);
    let b = rng.int(w.length - 1);
    if (b >= a) b++;
    const rename = rng.next() < 0.5;
    if (rename) [w[a].name, w[b].name] = [w[b].name, w[a].name];
    else [w[a], w[b]] = [w[b], w[a]];
    writeJson(file, m);
    return { what: `model.json: ${rename ? 'swap names' : 'swap entries'} ${a} and ${b}` };
  }],
  [4, (rng, dir) => {
    const file = path.join(dir, 'complens.json');
    const m = readJson(file);
    const rows = m.task.split.rows as Record<string, string[]>;
    const edits: Array<[string, () => void]> = [
      ['copy a train row into heldout_compositions', () => rows.heldout_compositions.push(rows.train[rng.int(rows.train.length)])],
      ['swap two table entries', () => {
        const t = m.task.tables[rng.int(m.task.tables.length)];
        const i = rng.int(t.length);
        [t[i], t[(i + 1) % t.length]] = [t[(i + 1) % t.length], t[i]];
      }],
      ['model.hiddenSize + 1', () => m.model.hiddenSize++],
      ['model.cell lstm', () => (m.model.cell = 'lstm')],
      ['model.layerNormEps 1', () => (m.model.layerNormEps = 1)],
      ['task.encoding', () => (m.task.encoding = pick(rng, ['fancy', 'compact', 7]))],
      ['weights.file .', () => (m.weights.file = '.')],
      ['weights.file ..', () => (m.weights.file = '..')],
      ['weights.file model.json', () => (m.weights.file = 'model.json')],
      ['weights.bytes', () => (m.weights.bytes = pick(rng, [0, -1, 1e300, m.weights.bytes + 4, 'x']))],
      ['complensFormat 1 (no integrity check)', () => (m.complensFormat = 1)],
      ['complensFormat 3', () => (m.complensFormat = 3)],
      ['delete integrity', () => delete m.integrity],
      ['integrity.task zeros', () => (m.integrity.task = '0'.repeat(64))],
      ['delete a top-level field', () => delete m[pick(rng, Object.keys(m))]],
      ['seeds.init', () => (m.seeds = { init: 99 })],
    ];
    const [what, edit] = pick(rng, edits);
    edit();
    writeJson(file, m);
    return { what: `complens.json: ${what}` };
  }],
  [2, (rng, dir) => {
    // A deliberate, trusted edit to a config the weights cannot fit, or one too large to build at all.
    const file = path.join(dir, 'complens.json');
    const m = readJson(file);
    const huge = rng.next() < 0.6;
    m.model = huge ? pick(rng, HUGE_MODELS) : { ...m.model, [pick(rng, ['hiddenSize', 'embedSize', 'vocabSize', 'numLayers'])]: 2 + rng.int(8) };
    writeJson(file, m);
    return { what: `complens.json (trusted): model ${JSON.stringify(m.model)}`, trusted: true };
  }],
  [1, (rng, dir) => {
    // Huge shapes in the manifest (with matching bytes in complens.json, trusted), so only the size bounds stop it.
    const mf = path.join(dir, 'model.json');
    const m = readJson(mf);
    const w = m.weightsManifest[0].weights;
    w[rng.int(w.length)].shape = pick(rng, [[2 ** 31 - 1, 2 ** 31 - 1], [1e6, 1e6], [2 ** 40], [1, 2, 3, 4, 5, 6, 7, 8, 9], [-1], [1.5]]);
    writeJson(mf, m);
    return { what: `model.json (trusted): huge shape ${JSON.stringify(w)}`.slice(0, 200), trusted: true };
  }],
  [2, (rng, dir) => {
    const f = pick(rng, FILES);
    const file = path.join(dir, f);
    if (f === 'weights.bin' || rng.next() < 0.5) {
      fs.writeFileSync(file, deepJson(pick(rng, [100, 1000, 100_000])));
      return { what: `${f}: replaced by deep JSON` };
    }
    const m = readJson(file);
    const key = f === 'complens.json' ? pick(rng, ['task', 'model', 'training', 'extra']) : 'format';
    const text = JSON.stringify(m).replace(`"${key}":`, `"${key}":${deepJson(100_000)},"x":`);
    fs.writeFileSync(file, text);
    return { what: `${f}: "${key}" nested 100,000 deep` };
  }],
  [2, (rng, dir) => {
    const f = pick(rng, FILES);
    const file = path.join(dir, f);
    const kind = pick(rng, ['directory', 'missing', 'sparse 600 MB', 'sparse 3 GB', 'empty', 'whole dir missing', 'symlink to /dev/zero', 'symlink loop']);
    if (kind === 'whole dir missing') fs.rmSync(dir, { recursive: true });
    else if (kind.startsWith('symlink')) {
      // /dev/zero never ends: a reader that does not check for a regular file first would read until memory runs out.
      fs.rmSync(file);
      fs.symlinkSync(kind === 'symlink loop' ? file : '/dev/zero', file);
    }
    else if (kind === 'directory') {
      fs.rmSync(file);
      fs.mkdirSync(file);
    } else if (kind === 'missing') fs.rmSync(file);
    else fs.truncateSync(file, kind === 'empty' ? 0 : kind === 'sparse 600 MB' ? 600 * 2 ** 20 : 3 * 2 ** 30);
    return { what: `${f}: ${kind}` };
  }],
];

const total = mutations.reduce((n, [w]) => n + w, 0);

/** The same mutations through readCheckpointMeta (what `complens info` shows): it must verify all three files too. */
export const checkpointInfoTarget: FuzzTarget<string> = {
  name: 'checkpoint-info',
  timeMs: 3000,
  async setup(dir) {
    await checkpointTarget.setup(dir);
    return info(dir);
  },
  mutate: (rng, caseDir, i) => checkpointTarget.mutate(rng, caseDir, i),
  // Trusted edits are shown as edited (with a warning), so they are loaded untrusted here: refused.
  load: (c) => info(c.target),
  same: (a, b) => a === b,
};

function info(dir: string): string {
  const meta = readCheckpointMeta(dir, { warn: () => undefined });
  return canonicalJson([meta.model, meta.task, meta.weights]);
}

export const checkpointTarget: FuzzTarget<Loaded> = {
  name: 'checkpoint',
  timeMs: 3000,
  async setup(dir) {
    await initBackend();
    // sample1's tables with six rows per split: validating the full split costs ~20 ms a load, the loader ~2 ms.
    const spec = JSON.parse(JSON.stringify(lookupTaskFromSample('sample1').spec));
    for (const k of Object.keys(spec.split.rows)) spec.split.rows[k] = spec.split.rows[k].slice(0, 6);
    const task = createLookupTask(spec);
    const model = new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: task.vocab.length, embedSize: 4, hiddenSize: 8, numLayers: 2 }, 3);
    saveModelCheckpoint(dir, model, task, { seeds: { init: 3 } });
    model.dispose();
    original = dir;
    return load(dir, false);
  },
  mutate(rng, caseDir): FuzzCase {
    const dir = copyOriginal(caseDir);
    let r = rng.next() * total;
    const [, m] = mutations.find(([w]) => (r -= w) < 0) ?? mutations[0];
    const { what, trusted } = m(rng, dir);
    return { target: dir, mutation: trusted ? `${what} [trusted]` : what };
  },
  load: (c) => load(c.target, c.mutation.endsWith('[trusted]')),
  same: (a, b) => a.weights.equals(b.weights) && a.model === b.model && a.task === b.task,
  resources: () => tf.memory().numTensors,
};

function load(dir: string, trusted: boolean): Loaded {
  const { model, task } = loadModelCheckpoint(dir, { trustEdited: trusted, warn: () => undefined });
  try {
    const parts = Object.values(model.params).map((v) => Buffer.from((v.dataSync() as Float32Array).buffer));
    return { weights: Buffer.concat(parts), model: canonicalJson(model.config), task: canonicalJson(task.spec) };
  } finally {
    model.dispose();
  }
}
