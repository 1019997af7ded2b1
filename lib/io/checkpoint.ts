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
  CHECKPOINT_FORMAT, MANIFEST_FILE, META_FILE, SUPPORTED_CHECKPOINT_FORMATS, WEIGHTS_FILE, isObject, parseManifest, parseMeta, requireDir,
} from './checkpoint-files';
import { MAX_READ_BYTES, readFileBounded, statFile } from './files';
import { IntegrityHashes, defaultWarn, integrityOf, memoryProblem, sha256, trustEdited } from './integrity';
import {
  ExpectedTensor, HostTensor, bytesToFloat32, checkFloat32Tensor, compareToExpected, float32ToBytes, hostToTensor,
  nonFiniteReport, numel, quoteName, tensorToHost,
} from './weights';

export { CHECKPOINT_FORMAT, MANIFEST_FILE, META_FILE, SUPPORTED_CHECKPOINT_FORMATS, WEIGHTS_FILE };

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
  /** Absent in format 1 checkpoints. */
  integrity?: IntegrityHashes;
  extra: Record<string, unknown>;
}

export interface LoadOptions {
  /**
   * Names and shapes the tensors must have, or a function of the (verified) metadata giving them; checked before
   * weights.bin is read. A function may throw to refuse the checkpoint (e.g. a model too large to build).
   */
  expected?: readonly ExpectedTensor[] | ((meta: CheckpointMeta) => readonly ExpectedTensor[] | undefined);
  /** Load a checkpoint whose hashes do not match (deliberately edited) with a warning instead of an error. Default: setTrustEdited(). */
  trustEdited?: boolean;
  /** Where the trust-edited warning goes (default: `warning: ...` on stderr). */
  warn?: (message: string) => void;
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
  writeOrExplain(dir, () => writeDirAtomic(dir, (tmp) => {
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
      // Hashed as they will read back from JSON (undefined dropped, -0 as 0), so a reload verifies.
      integrity: integrityOf(manifest, JSON.parse(JSON.stringify(m.model)), JSON.parse(JSON.stringify(m.task))),
      extra: m.extra ?? {},
    };
    writeFileAtomic(path.join(tmp, MANIFEST_FILE), JSON.stringify(manifestJson, null, 1) + '\n');
    writeFileAtomic(path.join(tmp, META_FILE), JSON.stringify(written, null, 2) + '\n');
  }));
  return written!;
}

/** A filesystem failure while saving (no permission, disk full, a file where a folder must go) named with its path. */
function writeOrExplain(dir: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof ComplensError || typeof e?.code !== 'string') throw err;
    throw new ComplensError(`${e.path ?? dir}: cannot write the checkpoint ${dir} (${e.code}${e.code === 'ENOSPC' ? ': disk full' : e.code === 'EACCES' || e.code === 'EPERM' ? ': permission denied' : ''}); nothing was changed`);
  }
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

/**
 * The verified metadata of a checkpoint: complens.json, model.json and weights.bin are all checked (sizes, hashes,
 * integrity) without creating a tensor, so `complens info` never vouches for a damaged or edited checkpoint.
 */
export function readCheckpointMeta(dir: string, options: Omit<LoadOptions, 'expected'> = {}): CheckpointMeta {
  return verifyCheckpoint(dir, options).meta;
}

/**
 * Loads and validates a checkpoint. With `expected` (e.g. a model's `paramSpecs`), names and shapes must match
 * exactly. Throws FileFormatError naming the file and field; on success exactly the returned tensors are new.
 */
export function loadCheckpoint(dir: string, options: LoadOptions = {}): Checkpoint {
  const { meta, host } = verifyCheckpoint(dir, options, true);
  const weights = tf.tidy(() => Object.fromEntries(host.map(([name, h]) => [name, hostToTensor(h)])));
  return { meta, weights };
}

/**
 * Every check, cheapest first: each JSON file (bounded size and depth), the manifest, the integrity hashes, the
 * expected shapes and a memory estimate — all before weights.bin is read — then its size, hash and values.
 */
function verifyCheckpoint(dir: string, options: LoadOptions, decode = false): { meta: CheckpointMeta; host: Array<[string, HostTensor]> } {
  requireDir(dir);
  const metaFile = path.join(dir, META_FILE);
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const { meta, raw } = parseMeta(metaFile);
  const weightsFile = path.join(dir, meta.weights.file);
  const manifest = parseManifest(manifestFile, meta.weights.file);
  checkIntegrity(dir, meta, raw, manifest, options);
  const need = manifest.reduce((sum, e) => sum + numel(e.shape) * 4, 0);
  if (need > MAX_READ_BYTES) throw new FileFormatError(manifestFile, `describes ${need} bytes of weights, over the ${MAX_READ_BYTES}-byte limit complens can read`);
  if (meta.weights.bytes !== need) {
    throw new FileFormatError(metaFile, `weights.bytes is ${meta.weights.bytes} but ${MANIFEST_FILE} describes ${need} bytes: the two files come from different saves`);
  }
  const expected = typeof options.expected === 'function' ? options.expected(meta) : options.expected;
  if (expected) {
    const problems = compareToExpected(manifest, expected);
    if (problems.length) {
      const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
      throw new FileFormatError(manifestFile, `the checkpoint's tensors do not match the model (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${shown}`);
    }
  }
  if (decode) {
    // The file buffer, the decoded copies and the tensors made from them.
    const problem = memoryProblem({ hostBytes: 2 * need, backendBytes: need });
    if (problem) throw new FileFormatError(weightsFile, problem);
  }
  const size = statFile(weightsFile, `the weights described by ${MANIFEST_FILE}`, MAX_READ_BYTES);
  if (size !== need) {
    throw new FileFormatError(weightsFile, `${size < need ? 'truncated' : 'too long'}: expected ${need} bytes (${manifest.length} float32 tensors in ${MANIFEST_FILE}), found ${size} bytes`);
  }
  const buffer = readFileBounded(weightsFile, `the weights described by ${MANIFEST_FILE}`, need);
  if (buffer.length !== need) throw new FileFormatError(weightsFile, `changed size while being read (expected ${need} bytes, read ${buffer.length})`);
  const sha = sha256(buffer);
  if (sha !== meta.weights.sha256) {
    if (!trustEdited(options.trustEdited)) {
      throw new FileFormatError(weightsFile, `corrupt or edited: sha256 is ${sha}, but ${META_FILE} weights.sha256 records ${meta.weights.sha256}; restore the checkpoint from a copy or re-save it (--trust-edited loads it anyway)`);
    }
    (options.warn ?? defaultWarn)(`${weightsFile}: loading edited weights (sha256 differs from ${META_FILE}) because of --trust-edited`);
  }
  const host: Array<[string, HostTensor]> = [];
  if (!decode) return { meta, host };
  let offset = 0;
  for (const e of manifest) {
    const n = numel(e.shape) * 4;
    const data = bytesToFloat32(buffer.subarray(offset, offset + n));
    offset += n;
    const bad = nonFiniteReport(data);
    if (bad) throw new FileFormatError(weightsFile, `tensor ${quoteName(e.name)} has ${bad}: the run diverged before this save; use an earlier checkpoint`);
    host.push([e.name, { shape: e.shape, data }]);
  }
  return { meta, host };
}

/** Refuses (or, when trusted, warns about) a manifest or model/task section that differs from what was saved. */
function checkIntegrity(dir: string, meta: CheckpointMeta, raw: Record<string, unknown>, manifest: ManifestEntry[], options: LoadOptions): void {
  if (!meta.integrity) return; // format 1: only weights.bin is hashed (docs/checkpoints.md)
  const now = integrityOf(manifest, raw.model, raw.task);
  const changed: Array<[string, string]> = [];
  if (now.manifest !== meta.integrity.manifest) changed.push([MANIFEST_FILE, 'the weights manifest (tensor names, order, shapes or dtypes)']);
  if (now.model !== meta.integrity.model) changed.push([META_FILE, 'the "model" section']);
  if (now.task !== meta.integrity.task) changed.push([META_FILE, 'the "task" section']);
  if (!changed.length) return;
  const what = changed.map(([, w]) => w).join(' and ');
  if (!trustEdited(options.trustEdited)) {
    throw new FileFormatError(path.join(dir, changed[0][0]), `${what} changed since the checkpoint was saved (its sha256 no longer matches ${META_FILE} integrity); restore it from a copy, or pass --trust-edited ({ trustEdited: true }) to load an edited checkpoint`);
  }
  (options.warn ?? defaultWarn)(`${dir}: loading an edited checkpoint (${what} changed since it was saved) because of --trust-edited`);
}
