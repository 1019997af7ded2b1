/**
 * Hugging Face safetensors: u64 little-endian header length N, N bytes of JSON header, then the data buffer.
 * The reader is as strict as the reference implementation (contiguous offsets from 0, no trailing bytes) and
 * says which tensor breaks which rule; it converts F32/F16/BF16/F64 to float32. The writer writes F32.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError, FileFormatError, describe } from '../util/errors';
import { jsonDepth } from '../util/validate';
import { MAX_READ_BYTES, fsErrorDetail, oneLine, statFile } from './files';
import { MapOutcome, NameMap, applyNameMap } from './name-maps';
import {
  ExpectedTensor, HostTensor, bytesToFloat32, compareToExpected, float32ToBytes, hostToTensor, isShape,
  nonFiniteReport, numel, quoteName, shapeText, tensorToHost,
} from './weights';

/** The reference implementation's limit; a larger "header length" means the file is not safetensors. */
export const MAX_HEADER_BYTES = 100_000_000;
/** Bounds on what a header may describe, checked before anything is allocated from it (each error names the bound). */
export const SAFETENSORS_LIMITS = {
  /** Far above any real checkpoint (a 70B-parameter model has ~1,000 tensors). */
  tensors: 100_000,
  /** A valid header nests 3 deep ({ name: { shape: [...] } }). */
  jsonDepth: 8,
  rank: 16,
  /** Bytes read from a file: Node reads at most 2 GiB - 1 at once. */
  fileBytes: MAX_READ_BYTES,
};

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'];
const INT_DTYPES = ['I32', 'I64'];

export interface SafetensorsEntry extends HostTensor {
  /** The dtype stored in the file; `data` is always float32. */
  dtype: string;
}

export interface SafetensorsContents {
  tensors: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

export interface ReadSafetensorsOptions {
  /** Convert I32/I64 tensors to float32 (each value must be exactly representable). Default: reject them. */
  allowIntegers?: boolean;
  /** Name used in errors when reading a buffer (default `<buffer>`). */
  label?: string;
}

export function readSafetensors(fileOrBuffer: string | Uint8Array, options: ReadSafetensorsOptions = {}): SafetensorsContents {
  const label = typeof fileOrBuffer === 'string' ? fileOrBuffer : options.label ?? '<buffer>';
  const fail = (detail: string): never => {
    throw new FileFormatError(label, detail);
  };
  if (typeof fileOrBuffer === 'string' && !fs.existsSync(fileOrBuffer)) fail('file does not exist');
  // The header is read and checked before the data: a huge or garbage file is refused after reading 8 + N bytes.
  const src = typeof fileOrBuffer === 'string' ? fileSource(fileOrBuffer) : bufferSource(fileOrBuffer);
  if (src.size < 8) fail(`only ${src.size} bytes: a safetensors file starts with an 8-byte header length (empty or truncated file?)`);
  const prefix = src.read(0, 8);
  const headerLen = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLen} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit: not a safetensors file, or its first 8 bytes are corrupt`);
  const n = Number(headerLen);
  if (8 + n > src.size) fail(`header length ${n} bytes runs past the end of the file (${src.size} bytes): truncated`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(src.read(8, n));
  } catch {
    fail(`the ${n}-byte header is not valid UTF-8`);
  }
  const depth = jsonDepth(text);
  if (depth > SAFETENSORS_LIMITS.jsonDepth) fail(`the header nests ${depth} levels deep, over the limit of ${SAFETENSORS_LIMITS.jsonDepth} (a valid header nests 3)`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`the header is not valid JSON (${oneLine(String((err as Error).message))})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail(`the header must be a JSON object, got ${describe(header)}`);

  const entries = Object.entries(header as Record<string, unknown>);
  const tensorCount = entries.length - (Object.prototype.hasOwnProperty.call(header, '__metadata__') ? 1 : 0);
  if (tensorCount > SAFETENSORS_LIMITS.tensors) fail(`the header lists ${tensorCount} tensors, over the limit of ${SAFETENSORS_LIMITS.tensors}`);
  const dataLength = src.size - 8 - n;
  const metadata: Record<string, string> = {};
  const layout: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, entry] of entries) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`"__metadata__" must be an object of strings, got ${describe(entry)}`);
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== 'string') fail(`${quoteName(`__metadata__.${k}`)} must be a string, got ${describe(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const bad = (detail: string): never => fail(`tensor ${quoteName(name)}: ${detail}`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad(`entry must be an object { dtype, shape, data_offsets }, got ${describe(entry)}`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype === undefined) bad('missing "dtype"');
    if (shape === undefined) bad('missing "shape"');
    if (offsets === undefined) bad('missing "data_offsets"');
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) bad(`unknown dtype ${describe(dtype)} (safetensors dtypes: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    const dt = dtype as string;
    if (!FLOAT_DTYPES.includes(dt) && !(options.allowIntegers && INT_DTYPES.includes(dt))) {
      bad(`dtype ${dt} is not supported (complens reads ${FLOAT_DTYPES.join(', ')}${INT_DTYPES.includes(dt) ? `; pass { allowIntegers: true } to convert ${dt} to float32` : ''})`);
    }
    if (!isShape(shape)) return bad(`"shape" must be an array of non-negative integers, got ${describe(shape)}`);
    if (shape.length > SAFETENSORS_LIMITS.rank) bad(`shape has ${shape.length} dimensions, over the limit of ${SAFETENSORS_LIMITS.rank}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      return bad(`"data_offsets" must be [begin, end] with 0 <= begin <= end, got ${describe(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    if (end > dataLength) bad(`data_offsets [${begin}, ${end}] run past the end of the data buffer (${dataLength} bytes): truncated file?`);
    // Any element count beyond the buffer fails here, before decoding allocates anything from it.
    const want = numel(shape) * DTYPE_BYTES[dt];
    if (end - begin !== want) {
      const exact = shape.reduce((a, d) => a * BigInt(d), BigInt(DTYPE_BYTES[dt])); // exact even past 2^53
      bad(`data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but shape ${shapeText(shape)} of ${dt} needs ${exact}`);
    }
    layout.push({ name, dtype: dt, shape, begin, end });
  }

  // The reference implementation requires the tensors to tile the buffer exactly: no overlap, no gap, no tail.
  let pos = 0;
  let prev = '';
  for (const t of [...layout].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (t.begin < pos) fail(`tensor ${quoteName(t.name)}: data_offsets [${t.begin}, ${t.end}] overlap tensor ${quoteName(prev)} (which ends at ${pos})`);
    if (t.begin > pos) fail(`tensor ${quoteName(t.name)}: ${t.begin - pos} unused bytes (gap) before it at offsets [${pos}, ${t.begin}]`);
    pos = t.end;
    prev = t.name;
  }
  if (pos !== dataLength) fail(`${dataLength - pos} trailing bytes after the last tensor${prev ? ` ${quoteName(prev)}` : ''} (data buffer is ${dataLength} bytes, tensors end at ${pos})`);
  const data = src.read(8 + n, dataLength);

  const tensors: Record<string, SafetensorsEntry> = {};
  for (const t of layout) {
    const values = decode(t.dtype, data.subarray(t.begin, t.end), (detail) => fail(`tensor ${quoteName(t.name)}: ${detail}`));
    tensors[t.name] = { dtype: t.dtype, shape: t.shape, data: values };
  }
  return { tensors, metadata };
}

interface ByteSource {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Reads a file in pieces; its size (and that it is a regular file) is checked with stat first. */
function fileSource(file: string): ByteSource {
  const size = statFile(file, 'a safetensors file', SAFETENSORS_LIMITS.fileBytes);
  return {
    size,
    read(offset, length) {
      const out = Buffer.allocUnsafe(length);
      let fd: number | undefined;
      try {
        fd = fs.openSync(file, 'r');
        for (let done = 0; done < length; ) {
          const got = fs.readSync(fd, out, done, length - done, offset + done);
          if (got === 0) throw new FileFormatError(file, `shrank while being read (expected ${size} bytes)`);
          done += got;
        }
      } catch (err) {
        if (err instanceof FileFormatError) throw err;
        throw new FileFormatError(file, fsErrorDetail(err, 'a safetensors file'));
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
      return out;
    },
  };
}

function decode(dtype: string, bytes: Uint8Array, fail: (detail: string) => never): Float32Array {
  if (dtype === 'F32') return bytesToFloat32(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  } else if (dtype === 'F16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  } else if (dtype === 'F64') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  } else {
    for (let i = 0; i < n; i++) {
      const v = dtype === 'I32' ? view.getInt32(4 * i, true) : Number(view.getBigInt64(8 * i, true));
      out[i] = v;
      if (out[i] !== v) fail(`${dtype} value ${dtype === 'I64' ? view.getBigInt64(8 * i, true) : v} at flat index ${i} is not exactly representable in float32`);
    }
  }
  return out;
}

/** IEEE 754 binary16 → number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export type TensorSource = tf.Tensor | HostTensor;

function toHost(name: string, t: TensorSource): HostTensor {
  if (t instanceof tf.Tensor) return tensorToHost(name, t);
  if (!t || !(t.data instanceof Float32Array) || !isShape(t.shape)) throw new ComplensError(`tensor "${name}": expected a tf.Tensor or { shape, data: Float32Array }`);
  if (numel(t.shape) !== t.data.length) throw new ComplensError(`tensor "${name}": shape ${shapeText(t.shape)} needs ${numel(t.shape)} values, data has ${t.data.length}`);
  return t;
}

/** The bytes of a safetensors file holding `tensors` as F32, in the record's order. */
export function encodeSafetensors(tensors: Record<string, TensorSource>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new ComplensError(`safetensors metadata "${k}" must be a string, got ${describe(v)}`);
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__' || name.length === 0) throw new ComplensError(`safetensors: ${JSON.stringify(name)} cannot be a tensor name`);
    const h = toHost(name, t);
    const bytes = float32ToBytes(h.data);
    header[name] = { dtype: 'F32', shape: h.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // Like the reference writer: pad with spaces so the data buffer starts 8-byte aligned.
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Writes a safetensors file atomically (a reader never sees a half-written file). */
export function writeSafetensors(file: string, tensors: Record<string, TensorSource>, metadata?: Record<string, string>): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

export interface ImportResult {
  weights: Record<string, tf.Tensor>;
  /** External tensors that no rule used (not an error: optimizer state, buffers, extra heads...). */
  unused: string[];
  warnings: string[];
  metadata: Record<string, string>;
}

/**
 * Reads an external state dict through `nameMap` into complens weights. Every missing tensor, shape mismatch and
 * (with `expected`) missing or unexpected parameter is reported in one FileFormatError. Creates exactly the
 * returned tensors.
 */
export function importSafetensors(
  file: string,
  nameMap: NameMap,
  options: { expected?: readonly ExpectedTensor[]; allowIntegers?: boolean } = {},
): ImportResult {
  const { tensors, metadata } = readSafetensors(file, { allowIntegers: options.allowIntegers });
  let outcome: MapOutcome;
  try {
    outcome = applyNameMap(nameMap, 'external', tensors, metadata);
  } catch (err) {
    if (err instanceof ComplensError && !(err instanceof FileFormatError)) throw new FileFormatError(file, err.message);
    throw err;
  }
  const problems = [...outcome.problems];
  if (options.expected) {
    const actual = Object.entries(outcome.tensors).map(([name, t]) => ({ name, shape: t.shape }));
    // Tensors the map could not build are already reported with their missing inputs; don't report them twice.
    problems.push(...compareToExpected(actual, options.expected, new Set(outcome.unresolved)));
  }
  for (const [name, t] of Object.entries(outcome.tensors)) {
    const bad = nonFiniteReport(t.data);
    if (bad) problems.push(`complens tensor ${quoteName(name)} has ${bad}`);
  }
  if (problems.length) {
    // Capped: a file with thousands of bad names must not produce a message of hundreds of kilobytes.
    const shown = problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []);
    throw new FileFormatError(file, `cannot import with name map "${nameMap.name}" (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${shown.join('\n  ')}`);
  }
  const weights = tf.tidy(() => Object.fromEntries(Object.entries(outcome.tensors).map(([name, t]) => [name, hostToTensor(t)])));
  const warnings = outcome.unused.length ? [`${outcome.unused.length} tensor${outcome.unused.length > 1 ? 's' : ''} in the file not used by "${nameMap.name}": ${outcome.unused.join(', ')}`] : [];
  return { weights, unused: outcome.unused, warnings, metadata };
}

/**
 * Writes complens weights as an external state dict through `nameMap` (F32), so other tools can read them.
 * Returns the complens parameters the map did not export.
 */
export function exportSafetensors(
  file: string,
  weights: Record<string, TensorSource>,
  nameMap: NameMap,
  options: { metadata?: Record<string, string> } = {},
): { unused: string[] } {
  const host = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, toHost(name, t)]));
  const outcome = applyNameMap(nameMap, 'complens', host);
  if (outcome.problems.length) {
    throw new ComplensError(`cannot export to ${file} with name map "${nameMap.name}":\n  ${outcome.problems.join('\n  ')}`);
  }
  writeSafetensors(file, outcome.tensors, { ...outcome.metadata, ...options.metadata });
  return { unused: outcome.unused };
}
