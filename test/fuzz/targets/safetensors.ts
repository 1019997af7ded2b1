/**
 * Fuzz target: readSafetensors on a file holding every float dtype it converts (F32, F16, BF16, F64), a scalar, an
 * empty tensor and metadata. safetensors has no checksum, so a change inside the data buffer legitimately loads other
 * values: such cases must load the same names, dtypes and shapes. A change in the header may load only if it leaves
 * the same tensors (the same dtype, shape and bytes), possibly renamed — anything else must be a one-line
 * ComplensError naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors, SafetensorsContents } from '../../../lib/io/safetensors';
import { Rng } from '../../../lib/util/random';
import { canonicalJson } from '../../../lib/util/validate';
import { FuzzCase, FuzzTarget, bytes, deepJson, pick } from '../harness';

interface Tensor {
  dtype: string;
  shape: number[];
  data: number[];
}

const TENSORS: Array<[string, string, number[]]> = [
  ['transformer.h.0.attn.c_attn.weight', 'F32', [6, 2]],
  ['transformer.h.0.ln_1.weight', 'F16', [5]],
  ['rnn.weight_hh_l0', 'BF16', [3, 2]],
  ['fc.bias', 'F64', [3]],
  ['scale', 'F32', []],
  ['empty', 'F32', [0, 4]],
];
const SIZE: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** Header and data of the original; the header object is rebuilt per case so structured edits start clean. */
function originalParts(): { header: Record<string, unknown>; data: Buffer } {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', n_head: '2' } };
  const chunks: Buffer[] = [];
  let offset = 0;
  TENSORS.forEach(([name, dtype, shape], t) => {
    const n = shape.reduce((a, b) => a * b, 1) * SIZE[dtype];
    // Finite values in every dtype: small integers' bit patterns, varied per tensor.
    const chunk = Buffer.alloc(n);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let i = 0; i < n / SIZE[dtype]; i++) {
      const v = (i % 7) - 3 + t / 4;
      if (dtype === 'F32') view.setFloat32(4 * i, v, true);
      else if (dtype === 'F64') view.setFloat64(8 * i, v, true);
      else if (dtype === 'BF16') view.setUint16(2 * i, new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16, true);
      else view.setUint16(2 * i, 0x3c00 + i * 0x40, true);
    }
    header[name] = { dtype, shape, data_offsets: [offset, offset + n] };
    chunks.push(chunk);
    offset += n;
  });
  return { header, data: Buffer.concat(chunks) };
}

function encode(header: unknown, data: Buffer, pad = true): Buffer {
  let json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  if (pad && json.length % 8) json = Buffer.concat([json, Buffer.alloc(8 - (json.length % 8), 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, data]);
}

type Mutation = (rng: Rng, file: string) => string;
const ORIGINAL = encode(originalParts().header, originalParts().data);
const HEADER_END = 8 + Number(ORIGINAL.readBigUInt64LE(0));

const mutations: Array<[number, Mutation]> = [
  [5, (rng, file) => {
    const m = pick(rng, [bytes.flip, bytes.flip, bytes.truncate, bytes.insert, bytes.duplicate]);
    const { out, what } = m(ORIGINAL, rng);
    fs.writeFileSync(file, out);
    const at = Number(/\d+/.exec(what)?.[0] ?? 0);
    return `${m === bytes.flip && at >= HEADER_END ? 'data' : 'header'}: ${what}`;
  }],
  [6, (rng, file) => {
    const { header, data } = originalParts();
    const names = TENSORS.map(([n]) => n);
    const entry = (n: string) => header[n] as { dtype: unknown; shape: unknown; data_offsets: unknown };
    const e = entry(pick(rng, names));
    let what = '';
    // Each edit changes `header` in place, or returns the whole header (an object, or raw text) to write instead.
    const edits: Array<[string, () => unknown]> = [
      ['reorder keys', () => Object.fromEntries(Object.entries(header).reverse())],
      ['huge shape', () => { e.shape = pick(rng, [[2 ** 31, 2 ** 31], [1e20], [2 ** 53, 2], Array(17).fill(1), [-1], [0.5]]); }],
      ['huge offsets', () => { e.data_offsets = pick(rng, [[0, 2 ** 53], [2 ** 60, 2 ** 61], [0, 1e300], [-8, 0], [8, 0], [0], 'x']); }],
      ['dtype', () => { e.dtype = pick(rng, ['I64', 'I32', 'U8', 'BOOL', 'F8_E4M3', 'f32', 'Q4', 7, null]); }],
      ['drop a field', () => { delete (e as Record<string, unknown>)[pick(rng, ['dtype', 'shape', 'data_offsets'])]; }],
      ['metadata value not a string', () => { (header.__metadata__ as Record<string, unknown>).n_head = pick(rng, [2, null, ['2'], { a: 1 }]); }],
      ['metadata not an object', () => { header.__metadata__ = pick(rng, [[], 'x', 3]); }],
      ['entry not an object', () => { header[pick(rng, names)] = pick(rng, [[], 'x', 3, null]); }],
      ['name with a newline', () => { header['a\nb'] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] }; }],
      // Over the tensor-count bound rarely (test/io/checkpoint-integrity.test.ts always): a 5 MB header takes ~1 s here.
      [rng.next() < 0.03 ? 'too many tensors (100,001)' : 'many tensors (1,000)', () => {
        const count = /100,001/.test(what) ? 100_001 : 1000;
        for (let i = 0; i < count; i++) header[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
      }],
      ['swap the offsets of two tensors', () => {
        const f = entry(pick(rng, names));
        [e.data_offsets, f.data_offsets] = [f.data_offsets, e.data_offsets];
      }],
      ['layer index 99999999', () => { header['transformer.h.99999999.ln_1.weight'] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] }; }],
      ['header nested 100,000 deep', () => deepJson(100_000)],
      ['header an array', () => '[]'],
      ['empty header with data', () => ({})],
    ];
    const [picked, edit] = pick(rng, edits);
    what = picked;
    const replaced = edit();
    fs.writeFileSync(file, encode(replaced ?? header, data, rng.next() < 0.8));
    const kind = what === 'reorder keys' ? 'same' : /^(name with a newline|layer index|many tensors)/.test(what) ? 'added' : 'header';
    return `${kind}: ${what}`;
  }],
  [2, (rng, file) => {
    const prefix = Buffer.alloc(8);
    const len = pick(rng, [0n, 1n, 2n ** 63n, 2n ** 64n - 1n, 100_000_001n, BigInt(ORIGINAL.length), BigInt(HEADER_END - 7)]);
    prefix.writeBigUInt64LE(len);
    fs.writeFileSync(file, Buffer.concat([prefix, ORIGINAL.subarray(8)]));
    return `header: length prefix ${len}`;
  }],
  [1, (rng, file) => {
    const kind = pick(rng, ['directory', 'missing', 'empty', 'sparse 3 GB', 'sparse 600 MB', 'symlink to /dev/zero', 'symlink loop']);
    if (kind === 'directory') fs.mkdirSync(file);
    else if (kind.startsWith('symlink')) fs.symlinkSync(kind === 'symlink loop' ? file : '/dev/zero', file);
    else if (kind !== 'missing') {
      fs.writeFileSync(file, ORIGINAL);
      fs.truncateSync(file, kind === 'empty' ? 0 : kind === 'sparse 3 GB' ? 3 * 2 ** 30 : 600 * 2 ** 20);
    }
    return `header: ${kind}`;
  }],
];
const total = mutations.reduce((n, [w]) => n + w, 0);

function summary(c: SafetensorsContents): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(c.tensors).map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, data: Array.from(t.data) }]));
}

// Any shape with a zero holds no bytes, so without a checksum [0, 4] → [0, 0] is undetectable: compare them as empty.
const key = (t: Tensor, withData: boolean) =>
  JSON.stringify([t.dtype, t.data.length === 0 ? 'empty' : t.shape, withData ? t.data.map((v) => (Object.is(v, -0) ? '-0' : String(v))) : []]);
const sortedKeys = (r: Record<string, Tensor>, withData: boolean) => Object.values(r).map((t) => key(t, withData)).sort().join('|');

export const safetensorsTarget: FuzzTarget<Record<string, Tensor>> = {
  name: 'safetensors',
  timeMs: 3000,
  setup(dir) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'model.safetensors');
    fs.writeFileSync(file, ORIGINAL);
    return summary(readSafetensors(file));
  },
  mutate(rng, caseDir): FuzzCase {
    const file = path.join(caseDir, 'model.safetensors');
    let r = rng.next() * total;
    const [, m] = mutations.find(([w]) => (r -= w) < 0) ?? mutations[0];
    return { target: file, mutation: m(rng, file) };
  },
  load: (c) => summary(readSafetensors(c.target)),
  same(original, loaded, c) {
    const kind = c.mutation.split(':')[0];
    if (kind === 'same') return canonicalJson(original) === canonicalJson(loaded);
    // The mutation added one valid empty tensor: everything else must be untouched.
    if (kind === 'added') return canonicalJson(original) === canonicalJson(Object.fromEntries(Object.entries(loaded).filter(([n]) => n in original)));
    // No checksum: values may change, names/dtypes/shapes may not.
    if (kind === 'data') return JSON.stringify(Object.keys(original)) === JSON.stringify(Object.keys(loaded)) && sortedKeys(original, false) === sortedKeys(loaded, false);
    // A header edit may rename tensors (or reorder two identical ones), nothing else: the same dtypes, shapes and bytes.
    return sortedKeys(original, true) === sortedKeys(loaded, true);
  },
};
