import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { halfToFloat, readSafetensors, rnnNameMap, importSafetensors, writeSafetensors } from '../../lib/io';
import { FileFormatError } from '../../lib/util/errors';
import { findPython, testWith } from './torch/python';

let root: string;
beforeAll(async () => {
  await initBackend();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-st-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Assembles a safetensors file by hand: u64 LE header length, header text, data (independent of the writer). */
function assemble(header: string | Uint8Array, data: number[] | Uint8Array = [], headerLength?: bigint): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function expectFileError(fn: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FileFormatError);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
}

describe('readSafetensors on a hand-built file', () => {
  // F32 "a" [2] @0..8, F16 "h" [2, 2] @8..16, BF16 "b" [3] @16..22, F64 "d" [1] @22..30; listed out of offset order.
  const header = JSON.stringify({
    h: { dtype: 'F16', shape: [2, 2], data_offsets: [8, 16] },
    __metadata__: { format: 'pt', n_head: '2' },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    d: { dtype: 'F64', shape: [1], data_offsets: [22, 30] },
    b: { dtype: 'BF16', shape: [3], data_offsets: [16, 22] },
  });
  const data = [
    0x00, 0x00, 0xc0, 0x3f, /* 1.5 */ 0x00, 0x00, 0x20, 0xc1, /* -10 */
    0x00, 0x3c, /* 1 */ 0x00, 0xc0, /* -2 */ 0xff, 0x7b, /* 65504 */ 0x01, 0x00, /* 2^-24 (subnormal) */
    0x80, 0x3f, /* 1 */ 0x40, 0xc0, /* -3 */ 0x49, 0x40, /* 3.140625 */
    0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f, /* 0.1 */
  ];

  test('decodes F32, F16, BF16 and F64 to float32, with metadata, in header order', () => {
    const { tensors, metadata } = readSafetensors(assemble(header, data));
    expect(metadata).toEqual({ format: 'pt', n_head: '2' });
    expect(Object.keys(tensors)).toEqual(['h', 'a', 'd', 'b']);
    expect(tensors.a).toEqual({ dtype: 'F32', shape: [2], data: Float32Array.from([1.5, -10]) });
    expect(tensors.h.dtype).toBe('F16');
    expect(tensors.h.shape).toEqual([2, 2]);
    expect(Array.from(tensors.h.data)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(tensors.b.data)).toEqual([1, -3, 3.140625]);
    expect(tensors.d.data[0]).toBe(Math.fround(0.1));
    expect(tensors.d.data).toBeInstanceOf(Float32Array);
  });

  test('halfToFloat covers zeros, subnormals, infinities and NaN', () => {
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(halfToFloat(0x0400)).toBe(2 ** -14);
    expect(halfToFloat(0x3555)).toBe(0.333251953125);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  test('integer tensors are rejected unless asked for, then converted exactly', () => {
    const h = JSON.stringify({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } });
    const d = [7, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    expectFileError(() => readSafetensors(assemble(h, d), { label: 'ids.safetensors' }), 'ids.safetensors', 'tensor "ids"', 'I64 is not supported', 'allowIntegers');
    expect(Array.from(readSafetensors(assemble(h, d), { allowIntegers: true }).tensors.ids.data)).toEqual([7, -2]);
    const big = [1, 0, 0, 1, 0, 0, 0, 0, ...d.slice(8)]; // 2^24 + 1 has no float32
    expectFileError(() => readSafetensors(assemble(h, big), { allowIntegers: true }), 'tensor "ids"', '16777217', 'not exactly representable');
  });

  test('a file with no tensors is valid', () => {
    expect(readSafetensors(assemble('{}')).tensors).toEqual({});
  });
});

describe('writeSafetensors', () => {
  test('round trip write → read is bit-identical, header space-padded to 8 bytes', () => {
    const file = path.join(root, 'rt.safetensors');
    const t = tf.tensor([[-0, 1e-40], [3.4e38, -1 / 3]], [2, 2]);
    const host = { shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) };
    const before = tf.memory().numTensors;
    writeSafetensors(file, { 'w.one': t, 'b.two': host, empty: { shape: [0, 4], data: new Float32Array(0) } }, { n_head: '4' });
    expect(tf.memory().numTensors).toBe(before);
    const bytes = fs.readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const headerText = bytes.subarray(8, 8 + n).toString('utf8');
    expect(headerText.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(headerText.slice(headerText.trimEnd().length))).toBe(true);
    expect(JSON.parse(headerText)['w.one']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });

    const back = readSafetensors(file);
    expect(back.metadata).toEqual({ n_head: '4' });
    expect(Object.keys(back.tensors)).toEqual(['w.one', 'b.two', 'empty']);
    const bits = (a: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);
    expect(bits(back.tensors['w.one'].data)).toEqual(bits(t.dataSync() as Float32Array));
    expect(bits(back.tensors['b.two'].data)).toEqual(bits(host.data));
    expect(back.tensors.empty.shape).toEqual([0, 4]);
    t.dispose();
  });

  test('rejects data that does not fit its shape', () => {
    expect(() => writeSafetensors(path.join(root, 'bad.safetensors'), { x: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/"x".*\[2, 2\] needs 4 values, data has 3/);
    expect(fs.existsSync(path.join(root, 'bad.safetensors'))).toBe(false);
  });
});

describe('readSafetensors rejects malformed files, naming the file and tensor', () => {
  const ok = (extra: object = {}): string => JSON.stringify({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, ...extra });
  const eight = [0, 0, 128, 63, 0, 0, 0, 64];
  const read = (bytes: Uint8Array): unknown => readSafetensors(bytes, { label: 'm.safetensors' });

  test('file shorter than 8 bytes', () => {
    const file = path.join(root, 'short.safetensors');
    fs.writeFileSync(file, Buffer.from([1, 2, 3]));
    expectFileError(() => readSafetensors(file), file, 'only 3 bytes');
  });

  test('missing file', () => {
    expectFileError(() => readSafetensors(path.join(root, 'absent.safetensors')), 'absent.safetensors', 'does not exist');
  });

  test('header length beyond the file size', () => {
    expectFileError(() => read(assemble(ok(), eight, 4096n)), 'm.safetensors', 'header length 4096 bytes runs past the end of the file');
  });

  test('absurd header length (> 100 MB)', () => {
    expectFileError(() => read(assemble(ok(), eight, 0x7fff_ffff_ffffn)), 'm.safetensors', 'exceeds the 100000000-byte limit');
  });

  test('header not UTF-8', () => {
    expectFileError(() => read(assemble(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]))), 'm.safetensors', 'not valid UTF-8');
  });

  test('header not JSON', () => {
    expectFileError(() => read(assemble('{"x": {"dtype": "F32",', eight)), 'm.safetensors', 'not valid JSON');
  });

  test('header not an object', () => {
    expectFileError(() => read(assemble('[1, 2]')), 'm.safetensors', 'must be a JSON object');
  });

  test('metadata values must be strings', () => {
    expectFileError(() => read(assemble(ok({ __metadata__: { n_head: 2 } }), eight)), 'm.safetensors', '"__metadata__.n_head" must be a string');
  });

  test.each(['dtype', 'shape', 'data_offsets'])('entry missing %s', (field) => {
    const entry: Record<string, unknown> = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
    delete entry[field];
    expectFileError(() => read(assemble(JSON.stringify({ x: entry }), eight)), 'm.safetensors', 'tensor "x"', `missing "${field}"`);
  });

  test('unknown dtype', () => {
    expectFileError(() => read(assemble(JSON.stringify({ x: { dtype: 'F24', shape: [2], data_offsets: [0, 8] } }), eight)), 'tensor "x"', 'unknown dtype "F24"');
  });

  test('known but unsupported dtype', () => {
    expectFileError(() => read(assemble(JSON.stringify({ x: { dtype: 'U8', shape: [8], data_offsets: [0, 8] } }), eight)), 'tensor "x"', 'dtype U8 is not supported');
  });

  test('bad shape and bad offsets', () => {
    expectFileError(() => read(assemble(JSON.stringify({ x: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }), eight)), 'tensor "x"', '"shape" must be');
    expectFileError(() => read(assemble(JSON.stringify({ x: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }), eight)), 'tensor "x"', '"data_offsets" must be [begin, end]');
  });

  test('offsets out of range', () => {
    const h = JSON.stringify({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } });
    expectFileError(() => read(assemble(h, eight)), 'm.safetensors', 'tensor "y"', 'data_offsets [8, 12] run past the end of the data buffer (8 bytes)');
  });

  test('overlapping offsets', () => {
    const h = JSON.stringify({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } });
    expectFileError(() => read(assemble(h, eight)), 'm.safetensors', 'tensor "y"', 'overlap tensor "x"');
  });

  test('offsets not matching shape × dtype size', () => {
    const h = JSON.stringify({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 8] } });
    expectFileError(() => read(assemble(h, eight)), 'm.safetensors', 'tensor "x"', 'hold 8 bytes, but shape [2] of F16 needs 4');
  });

  test('gap between tensors', () => {
    const h = JSON.stringify({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, y: { dtype: 'F16', shape: [1], data_offsets: [6, 8] } });
    expectFileError(() => read(assemble(h, eight)), 'm.safetensors', 'tensor "y"', '2 unused bytes (gap)');
  });

  test('trailing garbage', () => {
    expectFileError(() => read(assemble(ok(), [...eight, 1, 2, 3])), 'm.safetensors', '3 trailing bytes after the last tensor "x"');
  });
});

const plainPython = findPython(['struct', 'json']);
const torchPython = findPython(['torch', 'numpy']);

describe('files written by other implementations', () => {
  testWith(plainPython)('a file written by plain python (struct) reads back', async () => {
    const exe = plainPython.exe!;
    const file = path.join(root, 'py.safetensors');
    const script = `
import json, struct, sys
vals = [0.5, -1.25, 3.0e-5, 1024.0]
f32 = struct.pack('<4f', *vals); f16 = struct.pack('<4e', *vals); f64 = struct.pack('<4d', *vals)
bf16 = b''.join(struct.pack('<f', v)[2:] for v in vals)  # truncation of float32
blobs = [('f32', 'F32', f32), ('f16', 'F16', f16), ('f64', 'F64', f64), ('bf16', 'BF16', bf16)]
header, off = {'__metadata__': {'source': 'python'}}, 0
for name, dt, b in blobs:
    header[name] = {'dtype': dt, 'shape': [2, 2], 'data_offsets': [off, off + len(b)]}; off += len(b)
h = json.dumps(header).encode(); h += b' ' * ((8 - len(h) % 8) % 8)
with open(sys.argv[1], 'wb') as out:
    out.write(struct.pack('<Q', len(h)) + h + b''.join(b for _, _, b in blobs))
`;
    const r = spawnSync(exe, ['-c', script, file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { tensors, metadata } = readSafetensors(file);
    expect(metadata).toEqual({ source: 'python' });
    const want = [0.5, -1.25, Math.fround(3.0e-5), 1024];
    expect(Array.from(tensors.f32.data)).toEqual(want);
    expect(Array.from(tensors.f64.data)).toEqual(want);
    expect(tensors.f16.data[2]).toBeCloseTo(3.0e-5, 7); // binary16 rounding
    expect([tensors.f16.data[0], tensors.f16.data[1], tensors.f16.data[3]]).toEqual([0.5, -1.25, 1024]);
    expect(tensors.bf16.data[1]).toBe(-1.25);
    expect(Math.abs(tensors.bf16.data[2] - 3.0e-5) / 3.0e-5).toBeLessThan(2 ** -7);
  });

  testWith(torchPython)('a torch nn.GRU state dict (numpy + struct) imports through the RNN name map', async () => {
    const exe = torchPython.exe!;
    const file = path.join(root, 'torch-gru.safetensors');
    const script = `
import json, struct, sys, torch, numpy as np
torch.manual_seed(0)
gru = torch.nn.GRU(3, 4, num_layers=2)
sd = {k: v.detach().numpy().astype('<f4') for k, v in gru.state_dict().items()}
header, off, blobs = {}, 0, []
for k, a in sd.items():
    b = a.tobytes(); header[k] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}; off += len(b); blobs.append(b)
h = json.dumps(header).encode(); h += b' ' * ((8 - len(h) % 8) % 8)
open(sys.argv[1], 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
print(json.dumps({k: a.T.tolist() if a.ndim == 2 else a.tolist() for k, a in sd.items()}))
`;
    const r = spawnSync(exe, ['-c', script, file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const ref = JSON.parse(r.stdout) as Record<string, number[] | number[][]>;
    const { weights } = importSafetensors(file, rnnNameMap({ cell: 'gru' }));
    for (const k of [0, 1]) {
      expect(weights[`cells.${k}.W_ih`].arraySync()).toEqual(ref[`weight_ih_l${k}`]);
      expect(weights[`cells.${k}.W_hh`].arraySync()).toEqual(ref[`weight_hh_l${k}`]);
      expect(weights[`cells.${k}.b_hh`].arraySync()).toEqual(ref[`bias_hh_l${k}`]);
    }
    tf.dispose(Object.values(weights));
  });
});
