/**
 * Structural validation of a checkpoint's two JSON files. Every field is checked for type and every count and shape
 * for size (so arithmetic on them cannot overflow and nothing is allocated from them), each error naming the file
 * and the field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileFormatError, describe } from '../util/errors';
import { fsErrorDetail, readJsonFile } from './files';
import type { CheckpointMeta, ManifestEntry } from './checkpoint';

export const MANIFEST_FILE = 'model.json';
export const META_FILE = 'complens.json';
export const WEIGHTS_FILE = 'weights.bin';
/** 2 adds `integrity` (hashes of the manifest and of the model and task sections); 1 is read with its weights hash only. */
export const CHECKPOINT_FORMAT = 2;
export const SUPPORTED_CHECKPOINT_FORMATS: readonly number[] = [1, 2];
const SUPPORTED = SUPPORTED_CHECKPOINT_FORMATS;

/** Far above any real model (gpt-nano has ~70); bounds the work done on a manifest before any check of its sizes. */
export const MAX_TENSORS = 100_000;
export const MAX_RANK = 8;
export const MAX_NAME_LENGTH = 1024;
/** A dimension must fit the int32 indexing of tfjs and its backends. */
export const MAX_DIM = 2 ** 31 - 1;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requireDir(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') throw new FileFormatError(dir, 'checkpoint directory does not exist');
    throw new FileFormatError(dir, fsErrorDetail(err, 'a checkpoint directory'));
  }
  if (!st.isDirectory()) throw new FileFormatError(dir, 'not a directory (a checkpoint is a directory holding model.json, weights.bin and complens.json)');
}

export function parseMeta(file: string): { meta: CheckpointMeta; raw: Record<string, unknown> } {
  const raw = readJsonFile(file, 'every checkpoint has complens.json with its metadata');
  if (!isObject(raw)) throw new FileFormatError(file, `expected a JSON object, got ${describe(raw)}`);
  const field = (name: string, ok: (v: unknown) => boolean, expected: string, optional = false): void => {
    const v = name.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), raw);
    if (v === undefined && optional) return;
    if (v === undefined) throw new FileFormatError(file, `missing required field "${name}" (${expected})`);
    if (!ok(v)) throw new FileFormatError(file, `field "${name}": expected ${expected}, got ${describe(v)}`);
  };
  field('complensFormat', (v) => typeof v === 'number', 'a format version number');
  if (!SUPPORTED.includes(raw.complensFormat as number)) {
    throw new FileFormatError(file, `field "complensFormat" is ${describe(raw.complensFormat)}, but this complens reads only versions ${SUPPORTED.join(', ')}; use the complens version that wrote it (see "versions.complens")`);
  }
  field('created', (v) => typeof v === 'string', 'an ISO date string');
  field('model', isObject, 'the model config object');
  field('task', isObject, 'the task spec object');
  field('backend', isObject, 'the BackendInfo object');
  field('weights', isObject, 'an object { file, bytes, sha256 }');
  const fileName = (v: unknown) =>
    typeof v === 'string' && v.length > 0 && v.length <= 255 && path.basename(v) === v && v !== '.' && v !== '..' && v !== META_FILE && v !== MANIFEST_FILE;
  field('weights.file', fileName, 'a file name inside the checkpoint directory (not ".", ".." or another checkpoint file)');
  field('weights.bytes', (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0, 'a byte count');
  const hex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  field('weights.sha256', hex, 'a lowercase hex sha256');
  if ((raw.complensFormat as number) >= 2) {
    field('integrity', isObject, 'an object { manifest, model, task } of sha256 hashes (format 2)');
    for (const part of ['manifest', 'model', 'task']) field(`integrity.${part}`, hex, 'a lowercase hex sha256');
  }
  for (const name of ['seeds', 'training', 'versions', 'extra']) field(name, isObject, 'an object', true);
  return { meta: { seeds: {}, training: {}, versions: {}, extra: {}, ...raw } as CheckpointMeta, raw };
}

export function parseManifest(file: string, weightsFile: string): ManifestEntry[] {
  const raw = readJsonFile(file, 'every checkpoint has model.json with its weights manifest');
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
  const weights = group.weights;
  if (!Array.isArray(weights)) return bad('weightsManifest[0].weights', 'an array of { name, shape, dtype }', weights);
  if (weights.length > MAX_TENSORS) bad('weightsManifest[0].weights', `at most ${MAX_TENSORS} tensors`, `${weights.length} tensors`);
  const seen = new Set<string>();
  return weights.map((e: unknown, i: number): ManifestEntry => {
    const at = `weightsManifest[0].weights[${i}]`;
    if (!isObject(e)) return bad(at, 'an object { name, shape, dtype }', e);
    if (typeof e.name !== 'string' || e.name.length === 0 || e.name.length > MAX_NAME_LENGTH) bad(`${at}.name`, `a non-empty string of at most ${MAX_NAME_LENGTH} characters`, e.name);
    const name = e.name as string;
    if (seen.has(name)) bad(`${at}.name`, 'a name not used before', name);
    seen.add(name);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_DIM)) {
      bad(`${at}.shape ("${name}")`, `an array of at most ${MAX_RANK} integers in [0, ${MAX_DIM}]`, shape);
    }
    if (e.dtype !== 'float32') bad(`${at}.dtype ("${name}")`, '"float32"', e.dtype);
    if (e.quantization !== undefined) bad(`${at}.quantization ("${name}")`, 'no quantization', e.quantization);
    return { name, shape: (shape as number[]).slice(), dtype: 'float32' };
  });
}
