/**
 * Checkpoint directories: `model.json` (a tfjs weights manifest, so tf.io tooling can read the weights),
 * `weights.bin` (raw little-endian float32) and `complens.json` (what produced the weights and how).
 * Saving goes through writeDirAtomic, so a reader sees the old checkpoint or the new one, never a mix.
 * Loading validates every file before creating any tensor and names the file and field that is wrong.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { BackendInfo, backendInfo } from '../backend';
import { writeDirAtomic, writeFileAtomic } from '../util/atomic';
import { ComplensError, FileFormatError, describe } from '../util/errors';
import { packageRoot } from '../util/package-root';
import {
  ExpectedTensor, HostTensor, bytesToFloat32, checkFloat32Tensor, compareToExpected, float32ToBytes, hostToTensor, isShape,
  nonFiniteReport, numel, tensorToHost,
} from './weights';

export const CHECKPOINT_FORMAT = 1;
export const SUPPORTED_CHECKPOINT_FORMATS: readonly number[] = [1];
export const MANIFEST_FILE = 'model.json';
export const META_FILE = 'complens.json';
export const WEIGHTS_FILE = 'weights.bin';

/** What the caller provides; the rest of `CheckpointMeta` is filled in by `saveCheckpoint`. */
export interface CheckpointMetaInput {
  /** The model config (opaque JSON here; the model factory validates it on load). */
  model: unknown;
  /** The task spec (opaque JSON here). */
  task: unknown;
  seeds?: Record<string, unknown>;
  /** Training metrics and settings. */
  training?: Record<string, unknown>;
  /** Merged over the recorded complens and tfjs versions. */
  versions?: Record<string, string>;
  extra?: Record<string, unknown>;
  /** ISO date; defaults to now (fixtures pass a fixed one to be byte-reproducible). */
  created?: string;
}

export interface CheckpointMeta {
  complensFormat: number;
  created: string;
  model: unknown;
  task: unknown;
  seeds: Record<string, unknown>;
  training: Record<string, unknown>;
  backend: BackendInfo;
  versions: Record<string, string>;
  weights: { file: string; bytes: number; sha256: string };
  extra: Record<string, unknown>;
}

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface Checkpoint {
  meta: CheckpointMeta;
  weights: Record<string, tf.Tensor>;
}

let cachedVersion: string | undefined;
export function complensVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
      cachedVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}

/**
 * Writes `weights` (in the record's key order) and metadata to `dir`, replacing any previous checkpoint there.
 * Refuses non-float32, disposed or non-finite tensors, since `loadCheckpoint` would reject the result.
 * Creates no tensors. Returns the metadata written to complens.json.
 */
export function saveCheckpoint(dir: string, input: { weights: Record<string, tf.Tensor>; meta: CheckpointMetaInput }): CheckpointMeta {
  const names = Object.keys(input.weights);
  const manifest: ManifestEntry[] = names.map((name) => {
    if (name.length === 0) throw new ComplensError('saveCheckpoint: weight names must be non-empty');
    const t: unknown = input.weights[name];
    checkFloat32Tensor(name, t);
    return { name, shape: t.shape.slice(), dtype: 'float32' };
  });
  const { meta: m } = input;
  for (const key of ['model', 'task'] as const) {
    if (!isObject(m[key])) throw new ComplensError(`saveCheckpoint: meta.${key} must be a JSON object, got ${describe(m[key])}`);
  }
  const backend = backendInfo();
  let written: CheckpointMeta | undefined;
  writeDirAtomic(dir, (tmp) => {
    // Data is read inside the fill, so a failure mid-write (disk full, a bad tensor) discards the temp dir.
    const hash = crypto.createHash('sha256');
    const bytes = writeChunks(path.join(tmp, WEIGHTS_FILE), weightChunks(input.weights, names), hash);
    const manifestJson = {
      format: 'complens-weights',
      generatedBy: `complens ${complensVersion()}`,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: manifest }],
    };
    written = {
      complensFormat: CHECKPOINT_FORMAT,
      created: m.created ?? new Date().toISOString(),
      model: m.model,
      task: m.task,
      seeds: m.seeds ?? {},
      training: m.training ?? {},
      backend,
      versions: { complens: complensVersion(), ...backend.versions, ...m.versions },
      weights: { file: WEIGHTS_FILE, bytes, sha256: hash.digest('hex') },
      extra: m.extra ?? {},
    };
    writeFileAtomic(path.join(tmp, MANIFEST_FILE), JSON.stringify(manifestJson, null, 1) + '\n');
    writeFileAtomic(path.join(tmp, META_FILE), JSON.stringify(written, null, 2) + '\n');
  });
  return written!;
}

function* weightChunks(weights: Record<string, tf.Tensor>, names: string[]): Generator<Uint8Array> {
  for (const name of names) {
    const { data } = tensorToHost(name, weights[name]);
    const bad = nonFiniteReport(data);
    if (bad) throw new ComplensError(`saveCheckpoint: weight "${name}" has ${bad}; refusing to save a checkpoint that cannot be loaded`);
    yield float32ToBytes(data);
  }
}

/** Streams chunks to a file (no whole-model buffer), hashing as it goes; returns the byte count. */
function writeChunks(file: string, chunks: Iterable<Uint8Array>, hash: crypto.Hash): number {
  const fd = fs.openSync(file, 'w');
  let total = 0;
  try {
    for (const chunk of chunks) {
      for (let off = 0; off < chunk.length; ) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      hash.update(chunk);
      total += chunk.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return total;
}

/** Reads and validates only complens.json (cheap: for `complens info` and for choosing a model factory). */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  requireDir(dir);
  return parseMeta(path.join(dir, META_FILE));
}

/**
 * Loads and validates a checkpoint. With `expected` (e.g. a model's `paramSpecs`), names and shapes must match
 * exactly. Throws FileFormatError naming the file and field; on success exactly the returned tensors are new.
 */
export function loadCheckpoint(dir: string, options: { expected?: readonly ExpectedTensor[] } = {}): Checkpoint {
  requireDir(dir);
  const meta = parseMeta(path.join(dir, META_FILE));
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const manifest = parseManifest(manifestFile, meta.weights.file);
  const weightsFile = path.join(dir, meta.weights.file);
  const need = manifest.reduce((sum, e) => sum + numel(e.shape) * 4, 0);
  if (meta.weights.bytes !== need) {
    throw new FileFormatError(path.join(dir, META_FILE), `weights.bytes is ${meta.weights.bytes} but ${MANIFEST_FILE} describes ${need} bytes: the two files come from different saves`);
  }
  if (options.expected) {
    const problems = compareToExpected(manifest, options.expected);
    if (problems.length) {
      throw new FileFormatError(manifestFile, `the checkpoint's tensors do not match the model (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.join('\n  ')}`);
    }
  }
  if (!fs.existsSync(weightsFile)) throw new FileFormatError(weightsFile, `missing (the checkpoint has ${MANIFEST_FILE} but no weights file; it was copied incompletely)`);
  const buffer = fs.readFileSync(weightsFile);
  if (buffer.length !== need) {
    throw new FileFormatError(weightsFile, `${buffer.length < need ? 'truncated' : 'too long'}: expected ${need} bytes (${manifest.length} float32 tensors in ${MANIFEST_FILE}), found ${buffer.length} bytes`);
  }
  const sha = crypto.createHash('sha256').update(buffer).digest('hex');
  if (sha !== meta.weights.sha256) {
    throw new FileFormatError(weightsFile, `corrupt: sha256 is ${sha}, but ${META_FILE} weights.sha256 records ${meta.weights.sha256}; restore the checkpoint from a copy or re-save it`);
  }
  const host: Array<[string, HostTensor]> = [];
  let offset = 0;
  for (const e of manifest) {
    const n = numel(e.shape) * 4;
    const data = bytesToFloat32(buffer.subarray(offset, offset + n));
    offset += n;
    const bad = nonFiniteReport(data);
    if (bad) throw new FileFormatError(weightsFile, `tensor "${e.name}" has ${bad}: the run diverged before this save; use an earlier checkpoint`);
    host.push([e.name, { shape: e.shape, data }]);
  }
  const weights = tf.tidy(() => Object.fromEntries(host.map(([name, h]) => [name, hostToTensor(h)])));
  return { meta, weights };
}

function requireDir(dir: string): void {
  if (!fs.existsSync(dir)) throw new FileFormatError(dir, 'checkpoint directory does not exist');
  if (!fs.statSync(dir).isDirectory()) throw new FileFormatError(dir, 'not a directory (a checkpoint is a directory holding model.json, weights.bin and complens.json)');
}

function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file)) throw new FileFormatError(file, `missing (every checkpoint has ${what})`);
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMeta(file: string): CheckpointMeta {
  const raw = readJson(file, 'complens.json with its metadata');
  if (!isObject(raw)) throw new FileFormatError(file, `expected a JSON object, got ${describe(raw)}`);
  const field = (name: string, ok: (v: unknown) => boolean, expected: string, optional = false): void => {
    const v = name.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), raw);
    if (v === undefined && optional) return;
    if (v === undefined) throw new FileFormatError(file, `missing required field "${name}" (${expected})`);
    if (!ok(v)) throw new FileFormatError(file, `field "${name}": expected ${expected}, got ${describe(v)}`);
  };
  field('complensFormat', (v) => typeof v === 'number', 'a format version number');
  if (!SUPPORTED_CHECKPOINT_FORMATS.includes(raw.complensFormat as number)) {
    throw new FileFormatError(file, `field "complensFormat" is ${describe(raw.complensFormat)}, but this complens ${complensVersion()} reads only version ${SUPPORTED_CHECKPOINT_FORMATS.join(', ')}; use the complens version that wrote it`);
  }
  field('created', (v) => typeof v === 'string', 'an ISO date string');
  field('model', isObject, 'the model config object');
  field('task', isObject, 'the task spec object');
  field('backend', isObject, 'the BackendInfo object');
  field('weights', isObject, 'an object { file, bytes, sha256 }');
  field('weights.file', (v) => typeof v === 'string' && v.length > 0 && path.basename(v) === v, 'a file name inside the checkpoint directory');
  field('weights.bytes', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0, 'a byte count');
  field('weights.sha256', (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), 'a lowercase hex sha256');
  for (const name of ['seeds', 'training', 'versions', 'extra']) field(name, isObject, 'an object', true);
  return { seeds: {}, training: {}, versions: {}, extra: {}, ...raw } as CheckpointMeta;
}

function parseManifest(file: string, weightsFile: string): ManifestEntry[] {
  const raw = readJson(file, 'model.json with its weights manifest');
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new FileFormatError(file, `field "${field}": expected ${expected}, got ${describe(got)}`);
  };
  if (!isObject(raw)) return bad('(root)', 'a JSON object', raw);
  if (raw.format !== 'complens-weights') bad('format', '"complens-weights" (a complens weights manifest, not a tfjs layers/graph model)', raw.format);
  const groups = raw.weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1) return bad('weightsManifest', 'an array with exactly one group', groups);
  const group = groups[0] as unknown;
  if (!isObject(group)) return bad('weightsManifest[0]', 'an object { paths, weights }', group);
  const paths = group.paths;
  if (!Array.isArray(paths) || paths.length !== 1 || paths[0] !== weightsFile) {
    bad('weightsManifest[0].paths', `[${JSON.stringify(weightsFile)}] (the file named in complens.json weights.file)`, paths);
  }
  if (!Array.isArray(group.weights)) return bad('weightsManifest[0].weights', 'an array of { name, shape, dtype }', group.weights);
  const seen = new Set<string>();
  return group.weights.map((e: unknown, i: number): ManifestEntry => {
    const at = `weightsManifest[0].weights[${i}]`;
    if (!isObject(e)) return bad(at, 'an object { name, shape, dtype }', e);
    if (typeof e.name !== 'string' || e.name.length === 0) bad(`${at}.name`, 'a non-empty string', e.name);
    const name = e.name as string;
    if (seen.has(name)) bad(`${at}.name`, 'a name not used before', name);
    seen.add(name);
    if (!isShape(e.shape)) bad(`${at}.shape ("${name}")`, 'an array of non-negative integers', e.shape);
    if (e.dtype !== 'float32') bad(`${at}.dtype ("${name}")`, '"float32"', e.dtype);
    if (e.quantization !== undefined) bad(`${at}.quantization ("${name}")`, 'no quantization', e.quantization);
    return { name, shape: (e.shape as number[]).slice(), dtype: 'float32' };
  });
}
