import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from '../../lib/backend';
import { loadCheckpoint, readCheckpointMeta, saveCheckpoint } from '../../lib/io';
import { FileFormatError } from '../../lib/util/errors';
import { expectRefusal } from '../helpers/refusal';

let root: string;
beforeAll(async () => {
  await initBackend();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-ckpt-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const meta = { model: { kind: 'gru', hiddenSize: 3 }, task: { name: 'lookup', length: 4 }, seeds: { init: 7 }, training: { loss: 0.25 }, extra: { note: 'x' } };

/** Values chosen to catch lossy encodings: -0, subnormals, extremes, non-representable decimals. */
function tricky(n: number, salt: number): Float32Array {
  const special = [0, -0, 1.4e-45, -3.4028234663852886e38, 3.4028234663852886e38, 1e-40, 0.1, -1 / 3];
  return Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[(i + salt) % special.length] : Math.sin(i * 12.9898 + salt) * 1e3));
}

function makeWeights(): Record<string, tf.Tensor> {
  return {
    'cells.0.W_ih': tf.tensor(tricky(4 * 9, 1), [4, 9]),
    'cells.0.W_hh': tf.tensor(tricky(3 * 9, 2), [3, 9]),
    'cells.0.b_ih': tf.tensor(tricky(9, 3), [9]),
    'embed.W_E': tf.tensor(tricky(10, 4), [5, 2]),
    scalar: tf.scalar(2.5),
  };
}
const specs = [
  { name: 'cells.0.W_ih', shape: [4, 9] }, { name: 'cells.0.W_hh', shape: [3, 9] }, { name: 'cells.0.b_ih', shape: [9] },
  { name: 'embed.W_E', shape: [5, 2] }, { name: 'scalar', shape: [] },
];

function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer);
}

/** A fresh valid checkpoint directory with known weights; the caller damages it. */
function freshCheckpoint(name: string): string {
  const dir = path.join(root, name);
  const w = makeWeights();
  saveCheckpoint(dir, { weights: w, meta });
  tf.dispose(Object.values(w));
  return dir;
}

function editJson(file: string, edit: (o: any) => void): void {
  const o = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(o);
  fs.writeFileSync(file, JSON.stringify(o));
}

const expectFileError = (fn: () => unknown, ...fragments: Array<string | RegExp>): FileFormatError =>
  expectRefusal(fn, FileFormatError, ...fragments);

describe('saveCheckpoint / loadCheckpoint', () => {
  test('round trip is bit-identical, keeps order, and leaks no tensors', () => {
    const w = makeWeights();
    const dir = path.join(root, 'roundtrip');
    const before = tf.memory().numTensors;
    const written = saveCheckpoint(dir, { weights: w, meta });
    expect(tf.memory().numTensors).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['complens.json', 'model.json', 'weights.bin']);

    const loaded = loadCheckpoint(dir, { expected: specs });
    expect(tf.memory().numTensors).toBe(before + specs.length);
    expect(Object.keys(loaded.weights)).toEqual(Object.keys(w));
    for (const name of Object.keys(w)) {
      expect(loaded.weights[name].shape).toEqual(w[name].shape);
      expect(bits(loaded.weights[name])).toEqual(bits(w[name]));
    }
    expect(Object.is(loaded.weights['cells.0.W_ih'].dataSync()[0], -0)).toBe(true); // salt 1 puts -0 first
    expect(loaded.meta).toEqual(written);
    tf.dispose([...Object.values(w), ...Object.values(loaded.weights)]);
    expect(tf.memory().numTensors).toBe(before - specs.length);
  });

  test('complens.json records format, backend, versions, sizes and the weights hash', () => {
    const dir = freshCheckpoint('meta');
    const m = readCheckpointMeta(dir);
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    expect(m.complensFormat).toBe(2);
    expect(new Date(m.created).toISOString()).toBe(m.created);
    expect(m.model).toEqual(meta.model);
    expect(m.task).toEqual(meta.task);
    expect(m.seeds).toEqual({ init: 7 });
    expect(m.training).toEqual({ loss: 0.25 });
    expect(m.extra).toEqual({ note: 'x' });
    expect(m.backend).toEqual(backendInfo());
    expect(m.versions['@tensorflow/tfjs']).toBe(tf.version.tfjs);
    expect(m.versions.complens).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.weights).toEqual({ file: 'weights.bin', bytes: 4 * (36 + 27 + 9 + 10 + 1), sha256: crypto.createHash('sha256').update(bin).digest('hex') });
  });

  test('model.json is a tfjs weights manifest that tf.io.decodeWeights reads', () => {
    const dir = freshCheckpoint('tfjs');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(manifest.format).toBe('complens-weights');
    expect(manifest.generatedBy).toMatch(/^complens /);
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(manifest.weightsManifest[0].weights[0]).toEqual({ name: 'cells.0.W_ih', shape: [4, 9], dtype: 'float32' });
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    const ab = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    const decoded = tf.io.decodeWeights(ab, manifest.weightsManifest[0].weights);
    const original = makeWeights();
    for (const name of Object.keys(original)) expect(bits(decoded[name])).toEqual(bits(original[name]));
    tf.dispose([...Object.values(decoded), ...Object.values(original)]);
  });

  test('saving over an existing checkpoint replaces it', () => {
    const dir = freshCheckpoint('replace');
    const w = { a: tf.tensor([1, 2, 3], [3]) };
    saveCheckpoint(dir, { weights: w, meta: { ...meta, extra: { version: 2 } } });
    const loaded = loadCheckpoint(dir);
    expect(Object.keys(loaded.weights)).toEqual(['a']);
    expect(Array.from(loaded.weights.a.dataSync())).toEqual([1, 2, 3]);
    expect(loaded.meta.extra).toEqual({ version: 2 });
    tf.dispose([...Object.values(w), ...Object.values(loaded.weights)]);
  });

  test('a failure mid-write leaves the old checkpoint intact and no temp directories', () => {
    const parent = path.join(root, 'atomic');
    const dir = path.join(parent, 'ckpt');
    fs.mkdirSync(parent);
    const old = makeWeights();
    saveCheckpoint(dir, { weights: old, meta });
    const oldFiles = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));

    const w = makeWeights();
    // The third tensor's read fails after weights.bin has been partly written in the temp dir (like a full disk).
    jest.spyOn(w['cells.0.b_ih'], 'dataSync').mockImplementation(() => {
      throw new Error('simulated I/O failure');
    });
    expect(() => saveCheckpoint(dir, { weights: w, meta: { ...meta, extra: { version: 2 } } })).toThrow('simulated I/O failure');

    expect(fs.readdirSync(parent)).toEqual(['ckpt']);
    for (const [f, content] of Object.entries(oldFiles)) expect(fs.readFileSync(path.join(dir, f)).equals(content)).toBe(true);
    const loaded = loadCheckpoint(dir, { expected: specs });
    for (const name of Object.keys(old)) expect(bits(loaded.weights[name])).toEqual(bits(old[name]));
    tf.dispose([...Object.values(old), ...Object.values(w), ...Object.values(loaded.weights)]);
  });

  test('refuses to save weights that could not be loaded back', () => {
    const nan = { bad: tf.tensor([1, NaN], [2]) };
    const ints = { ids: tf.tensor([1, 2], [2], 'int32') };
    const dir = path.join(root, 'refused');
    expect(() => saveCheckpoint(dir, { weights: nan, meta })).toThrow(/"bad".*NaN/);
    expect(() => saveCheckpoint(dir, { weights: ints, meta })).toThrow(/"ids".*float32, got int32/);
    expect(() => saveCheckpoint(dir, { weights: {}, meta: { ...meta, model: undefined } })).toThrow(/meta\.model/);
    expect(fs.existsSync(dir)).toBe(false);
    tf.dispose([...Object.values(nan), ...Object.values(ints)]);
  });
});

describe('loadCheckpoint rejects broken checkpoints, naming the file and field', () => {
  test('directory missing', () => {
    expectFileError(() => loadCheckpoint(path.join(root, 'nope')), 'nope', 'does not exist');
    expectFileError(() => readCheckpointMeta(path.join(root, 'nope')), 'nope', 'does not exist');
  });

  test('complens.json missing', () => {
    const dir = freshCheckpoint('meta-missing');
    fs.rmSync(path.join(dir, 'complens.json'));
    expectFileError(() => loadCheckpoint(dir), 'complens.json', 'missing');
  });

  test('complens.json not JSON', () => {
    const dir = freshCheckpoint('meta-notjson');
    fs.writeFileSync(path.join(dir, 'complens.json'), '{"complensFormat": 1,');
    expectFileError(() => loadCheckpoint(dir), 'complens.json', 'not valid JSON');
  });

  test('complens.json with an unsupported format version says which versions are supported', () => {
    const dir = freshCheckpoint('meta-version');
    editJson(path.join(dir, 'complens.json'), (o) => (o.complensFormat = 3));
    expectFileError(() => loadCheckpoint(dir), 'complens.json', '"complensFormat" is 3', 'reads only versions 1, 2');
  });

  test.each([['complensFormat'], ['created'], ['model'], ['task'], ['backend'], ['weights'], ['weights.sha256'], ['weights.bytes']])(
    'complens.json missing required field %s',
    (field) => {
      const dir = freshCheckpoint(`meta-field-${field}`);
      editJson(path.join(dir, 'complens.json'), (o) => {
        const keys = field.split('.');
        delete keys.slice(0, -1).reduce((x, k) => x[k], o)[keys[keys.length - 1]];
      });
      expectFileError(() => loadCheckpoint(dir), 'complens.json', `missing required field "${field}"`);
    },
  );

  test('complens.json field of the wrong type', () => {
    const dir = freshCheckpoint('meta-type');
    editJson(path.join(dir, 'complens.json'), (o) => (o.weights.file = '../elsewhere.bin'));
    expectFileError(() => loadCheckpoint(dir), 'complens.json', 'field "weights.file"');
  });

  test('model.json missing', () => {
    const dir = freshCheckpoint('manifest-missing');
    fs.rmSync(path.join(dir, 'model.json'));
    expectFileError(() => loadCheckpoint(dir), 'model.json', 'missing');
  });

  test.each([
    ['not JSON', (o: any) => o, 'not valid JSON'],
    ['no weightsManifest', (o: any) => delete o.weightsManifest, 'field "weightsManifest"'],
    ['wrong format', (o: any) => (o.format = 'layers-model'), 'field "format"'],
    ['wrong paths', (o: any) => (o.weightsManifest[0].paths = ['group1-shard1of1.bin']), 'field "weightsManifest[0].paths"'],
    ['bad shape', (o: any) => (o.weightsManifest[0].weights[1].shape = [3, -9]), 'field "weightsManifest[0].weights[1].shape ("cells.0.W_hh")"'],
    ['bad dtype', (o: any) => (o.weightsManifest[0].weights[2].dtype = 'int32'), 'field "weightsManifest[0].weights[2].dtype ("cells.0.b_ih")"'],
    ['duplicate name', (o: any) => (o.weightsManifest[0].weights[1].name = 'cells.0.W_ih'), 'field "weightsManifest[0].weights[1].name"'],
  ])('model.json malformed manifest: %s', (label, edit, fragment) => {
    const dir = freshCheckpoint(`manifest-${label.replace(/ /g, '-')}`);
    const file = path.join(dir, 'model.json');
    if (label === 'not JSON') fs.writeFileSync(file, 'weights');
    else editJson(file, edit);
    expectFileError(() => loadCheckpoint(dir), 'model.json', fragment);
  });

  test('weights.bin missing', () => {
    const dir = freshCheckpoint('bin-missing');
    fs.rmSync(path.join(dir, 'weights.bin'));
    expectFileError(() => loadCheckpoint(dir), 'weights.bin', 'missing');
  });

  test('weights.bin truncated: expected vs actual bytes', () => {
    const dir = freshCheckpoint('bin-truncated');
    const file = path.join(dir, 'weights.bin');
    fs.truncateSync(file, 100);
    expectFileError(() => loadCheckpoint(dir), 'weights.bin', 'truncated', 'expected 332 bytes', 'found 100 bytes');
  });

  test('complens.json and model.json disagree on the size', () => {
    const dir = freshCheckpoint('bin-bytes');
    editJson(path.join(dir, 'complens.json'), (o) => (o.weights.bytes = 4));
    expectFileError(() => loadCheckpoint(dir), 'complens.json', 'weights.bytes is 4', '332 bytes');
  });

  test('weights.bin corrupt: sha256 mismatch', () => {
    const dir = freshCheckpoint('bin-corrupt');
    const file = path.join(dir, 'weights.bin');
    const bin = fs.readFileSync(file);
    bin[50] ^= 0x01;
    fs.writeFileSync(file, bin);
    expectFileError(() => loadCheckpoint(dir), 'weights.bin', 'corrupt', 'sha256', 'weights.sha256');
  });

  test('NaN/Inf in weights names the tensor (even when the hash matches)', () => {
    const dir = freshCheckpoint('bin-nan');
    const file = path.join(dir, 'weights.bin');
    const bin = fs.readFileSync(file);
    // cells.0.W_hh starts after the 36 floats of cells.0.W_ih; poison its 5th value.
    bin.writeFloatLE(Infinity, (36 + 4) * 4);
    fs.writeFileSync(file, bin);
    editJson(path.join(dir, 'complens.json'), (o) => (o.weights.sha256 = crypto.createHash('sha256').update(bin).digest('hex')));
    expectFileError(() => loadCheckpoint(dir), 'weights.bin', 'tensor "cells.0.W_hh"', 'Infinity at flat index 4');
  });

  test('shape mismatch against expected names the tensor and both shapes', () => {
    const dir = freshCheckpoint('expected-shape');
    const expected = specs.map((s) => (s.name === 'cells.0.W_hh' ? { ...s, shape: [9, 3] } : s));
    expectFileError(() => loadCheckpoint(dir, { expected }), 'model.json', 'tensor "cells.0.W_hh": expected shape [9, 3], got [3, 9]');
  });

  test('missing and unexpected tensor names are all listed', () => {
    const dir = freshCheckpoint('expected-names');
    const expected = [...specs.filter((s) => s.name !== 'scalar'), { name: 'cells.0.b_hh', shape: [9] }];
    const err = expectFileError(() => loadCheckpoint(dir, { expected }), 'model.json', '2 problems', 'missing tensor "cells.0.b_hh" (expected shape [9])', 'unexpected tensor "scalar" []');
    expect(err.file).toBe(path.join(dir, 'model.json'));
  });
});
