import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import {
  HostTensor, applyNameMap, exportSafetensors, gptNameMap, importSafetensors, inferGptConfig, readSafetensors, rnnNameMap, transpose2d,
  writeSafetensors,
} from '../../lib/io';
import { FileFormatError } from '../../lib/util/errors';
import { expectRefusal } from '../helpers/refusal';

let root: string;
beforeAll(async () => {
  await initBackend();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-maps-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Index-coded values: tensor number k, flat index i → k*10000 + i, so any value tells where it came from. */
function coded(shapes: Record<string, number[]>): Record<string, HostTensor> {
  return Object.fromEntries(Object.entries(shapes).map(([name, shape], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return [name, { shape, data: Float32Array.from({ length: n }, (_, i) => k * 10000 + i) }];
  }));
}

function at(t: tf.Tensor, ...idx: number[]): number {
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return (t.dataSync() as Float32Array)[idx.reduce((s, x, i) => s + x * strides[i], 0)];
}

function valueAt(h: HostTensor, ...idx: number[]): number {
  const strides = h.shape.map((_, i) => h.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return h.data[idx.reduce((s, x, i) => s + x * strides[i], 0)];
}

function bitsEqual(a: HostTensor, b: HostTensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength))).toBe(true);
}

const expectFileError = (fn: () => unknown, ...fragments: string[]): string => expectRefusal(fn, FileFormatError, ...fragments).message;

// ---- GPT ----
const V = 11, P = 6, D = 8, H = 2, DH = 4, L = 2;

function gptShapes(layout: 'linear' | 'conv1d', prefix = 'transformer.'): Record<string, number[]> {
  const lin = (out: number, inp: number): number[] => (layout === 'linear' ? [out, inp] : [inp, out]);
  const s: Record<string, number[]> = { [`${prefix}wte.weight`]: [V, D], [`${prefix}wpe.weight`]: [P, D] };
  for (let l = 0; l < L; l++) {
    const h = `${prefix}h.${l}.`;
    Object.assign(s, {
      [`${h}ln_1.weight`]: [D], [`${h}ln_1.bias`]: [D],
      [`${h}attn.c_attn.weight`]: lin(3 * D, D), [`${h}attn.c_attn.bias`]: [3 * D],
      [`${h}attn.c_proj.weight`]: lin(D, D), [`${h}attn.c_proj.bias`]: [D],
      [`${h}attn.bias`]: [1, 1, P, P], // minGPT's causal-mask buffer: ignored
      [`${h}ln_2.weight`]: [D], [`${h}ln_2.bias`]: [D],
      [`${h}mlp.c_fc.weight`]: lin(4 * D, D), [`${h}mlp.c_fc.bias`]: [4 * D],
      [`${h}mlp.c_proj.weight`]: lin(D, 4 * D), [`${h}mlp.c_proj.bias`]: [D],
    });
  }
  Object.assign(s, { [`${prefix}ln_f.weight`]: [D], [`${prefix}ln_f.bias`]: [D], 'lm_head.weight': [V, D] });
  return s;
}

const complensShapes: Array<{ name: string; shape: number[] }> = [
  { name: 'embed.W_E', shape: [V, D] }, { name: 'pos_embed.W_pos', shape: [P, D] },
  ...Array.from({ length: L }, (_, l) => [
    ['ln1.w', [D]], ['ln1.b', [D]], ['attn.W_Q', [H, D, DH]], ['attn.W_K', [H, D, DH]], ['attn.W_V', [H, D, DH]],
    ['attn.b_Q', [H, DH]], ['attn.b_K', [H, DH]], ['attn.b_V', [H, DH]], ['attn.W_O', [H, DH, D]], ['attn.b_O', [D]],
    ['ln2.w', [D]], ['ln2.b', [D]], ['mlp.W_in', [D, 4 * D]], ['mlp.b_in', [4 * D]], ['mlp.W_out', [4 * D, D]], ['mlp.b_out', [D]],
  ].map(([n, shape]) => ({ name: `blocks.${l}.${n}`, shape: shape as number[] }))).flat(),
  { name: 'ln_final.w', shape: [D] }, { name: 'ln_final.b', shape: [D] }, { name: 'unembed.W_U', shape: [D, V] },
];

describe('GPT name map (minGPT / nanoGPT / HF GPT-2)', () => {
  test('import then export reproduces the original tensors exactly', () => {
    const original: Record<string, HostTensor> = { ...coded(gptShapes('linear')), 'optimizer.step': { shape: [], data: Float32Array.of(3) } };
    const file = path.join(root, 'gpt.safetensors');
    writeSafetensors(file, original, { n_head: String(H) });

    const before = tf.memory().numTensors;
    const imported = importSafetensors(file, gptNameMap(), { expected: complensShapes });
    expect(tf.memory().numTensors).toBe(before + complensShapes.length);
    expect(Object.keys(imported.weights).sort()).toEqual(complensShapes.map((s) => s.name).sort());
    expect(imported.unused).toEqual(['optimizer.step']); // the attn.bias buffers are ignored, not "unused"
    expect(imported.warnings[0]).toContain('optimizer.step');

    const out = path.join(root, 'gpt-export.safetensors');
    exportSafetensors(out, imported.weights, gptNameMap());
    const back = readSafetensors(out);
    expect(back.metadata).toEqual({ n_head: String(H) });
    const kept = Object.keys(original).filter((n) => !/\.attn\.bias$/.test(n) && n !== 'optimizer.step');
    expect(Object.keys(back.tensors).sort()).toEqual(kept.sort());
    for (const n of kept) bitsEqual(back.tensors[n], original[n]);
    tf.dispose(Object.values(imported.weights));
  });

  test('the Q/K/V split puts the right rows in the right head', () => {
    const ext = coded(gptShapes('linear'));
    const { tensors: c, problems } = applyNameMap(gptNameMap({ nHead: H }), 'external', ext);
    expect(problems).toEqual([]);
    const w = ext['transformer.h.1.attn.c_attn.weight']; // [3D, D]: row = output unit p*D + head*DH + e, column = input d
    const b = ext['transformer.h.1.attn.c_attn.bias'];
    // W_K, head 1, input 3, component 2 reads row D + 1*DH + 2 = 14, column 3.
    expect(valueAt(c['blocks.1.attn.W_K'], 1, 3, 2)).toBe(valueAt(w, 14, 3));
    expect(valueAt(c['blocks.1.attn.W_Q'], 0, 7, 1)).toBe(valueAt(w, 1, 7));
    expect(valueAt(c['blocks.1.attn.W_Q'], 1, 0, 0)).toBe(valueAt(w, 4, 0));
    expect(valueAt(c['blocks.1.attn.W_V'], 1, 5, 3)).toBe(valueAt(w, 2 * D + DH + 3, 5));
    expect(valueAt(c['blocks.1.attn.b_V'], 0, 2)).toBe(valueAt(b, 2 * D + 2));
    expect(valueAt(c['blocks.1.attn.b_K'], 1, 0)).toBe(valueAt(b, D + DH));
    // W_O[h, e, out] = c_proj.weight[out, h*DH + e] (nn.Linear out×in).
    expect(valueAt(c['blocks.0.attn.W_O'], 1, 2, 5)).toBe(valueAt(ext['transformer.h.0.attn.c_proj.weight'], 5, DH + 2));
    expect(valueAt(c['blocks.0.mlp.W_in'], 3, 20)).toBe(valueAt(ext['transformer.h.0.mlp.c_fc.weight'], 20, 3));
    expect(valueAt(c['blocks.0.mlp.W_out'], 20, 3)).toBe(valueAt(ext['transformer.h.0.mlp.c_proj.weight'], 3, 20));
    expect(valueAt(c['unembed.W_U'], 6, 9)).toBe(valueAt(ext['lm_head.weight'], 9, 6));
    expect(c['embed.W_E']).toBe(ext['transformer.wte.weight']);
  });

  test("HF GPT-2 Conv1D layout (in×out, no 'transformer.' prefix) gives the same complens tensors", () => {
    const lin = coded(gptShapes('linear'));
    // The same model in Conv1D layout: every dense weight transposed, except lm_head (an nn.Linear in HF too).
    const conv = Object.fromEntries(Object.entries(lin).map(([n, t]) => {
      const dense = /(c_attn|c_proj|c_fc)\.weight$/.test(n);
      return [n.replace(/^transformer\./, ''), dense ? transpose2d(t) : t];
    }));
    const a = applyNameMap(gptNameMap({ nHead: H }), 'external', lin);
    const b = applyNameMap(gptNameMap({ nHead: H, layout: 'conv1d', prefix: '' }), 'external', conv);
    expect(b.problems).toEqual([]);
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
    for (const n of Object.keys(a.tensors)) bitsEqual(b.tensors[n], a.tensors[n]);
    const back = applyNameMap(gptNameMap({ layout: 'conv1d', prefix: '' }), 'complens', b.tensors);
    expect(back.metadata).toEqual({ n_head: String(H) });
    for (const n of Object.keys(back.tensors)) bitsEqual(back.tensors[n], conv[n]);
  });

  test('the wrong layout is caught with a hint', () => {
    const conv = Object.fromEntries(Object.entries(coded(gptShapes('conv1d'))));
    const { problems } = applyNameMap(gptNameMap({ nHead: H }), 'external', conv);
    expect(problems.join('\n')).toContain(`"transformer.h.0.attn.c_attn.weight" → complens "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V": expected [3*D, D] (nn.Linear out×in), got [8, 24]: that is the conv1d layout; pass { layout: 'conv1d' }`);
  });

  test('every missing tensor and shape mismatch is reported in one error', () => {
    const ext = coded(gptShapes('linear'));
    delete ext['transformer.h.1.ln_2.bias'];
    delete ext['lm_head.weight'];
    ext['transformer.h.0.mlp.c_fc.weight'] = { shape: [4 * D, D + 1], data: new Float32Array(4 * D * (D + 1)) };
    const file = path.join(root, 'gpt-broken.safetensors');
    writeSafetensors(file, ext, { n_head: '2' });
    const msg = expectFileError(() => importSafetensors(file, gptNameMap(), { expected: complensShapes }), 'gpt-broken.safetensors', '3 problems',
      'missing external tensor "transformer.h.1.ln_2.bias" (needed for complens "blocks.1.ln2.b")',
      'missing external tensor "lm_head.weight" (needed for complens "unembed.W_U")',
      'tensor "blocks.0.mlp.W_in": expected shape [8, 32], got [9, 32]');
    expect(msg).not.toContain('missing tensor "unembed.W_U"'); // already reported via its external name
  });

  test('n_head must be given or in the metadata', () => {
    const file = path.join(root, 'gpt-nohead.safetensors');
    writeSafetensors(file, coded(gptShapes('linear')));
    expectFileError(() => importSafetensors(file, gptNameMap()), 'gpt-nohead.safetensors', 'n_head is unknown');
    const r = importSafetensors(file, gptNameMap({ nHead: 4 }));
    expect(r.weights['blocks.0.attn.W_Q'].shape).toEqual([4, D, 2]);
    tf.dispose(Object.values(r.weights));
  });

  test('tied embeddings: lmHead pointing at wte feeds both, and export insists they agree', () => {
    const ext = coded(gptShapes('linear'));
    delete ext['lm_head.weight'];
    const map = gptNameMap({ nHead: H, lmHead: 'transformer.wte.weight' });
    const r = applyNameMap(map, 'external', ext);
    expect(r.problems).toEqual([]);
    expect(valueAt(r.tensors['unembed.W_U'], 3, 10)).toBe(valueAt(ext['transformer.wte.weight'], 10, 3));
    const back = applyNameMap(map, 'complens', r.tensors);
    expect(back.problems).toEqual([]);
    bitsEqual(back.tensors['transformer.wte.weight'], ext['transformer.wte.weight']);
    r.tensors['unembed.W_U'].data[0] += 1;
    expect(applyNameMap(map, 'complens', r.tensors).problems).toEqual(['external tensor "transformer.wte.weight" is produced twice with different values (tied weights that differ?)']);
  });

  test('inferGptConfig reads the sizes off the shapes', () => {
    expect(inferGptConfig(gptShapes('linear'), { n_head: '2' })).toEqual({ nLayer: L, nHead: H, nEmbd: D, vocabSize: V, blockSize: P });
    expect(() => inferGptConfig(gptShapes('linear'), {}, { nHead: 3 })).toThrow('not divisible');
  });
});

// ---- RNN ----
function rnnShapes(gates: number, layers: number, input: number, hidden: number, prefix: string): Record<string, number[]> {
  const s: Record<string, number[]> = {};
  for (let k = 0; k < layers; k++) {
    s[`${prefix}weight_ih_l${k}`] = [gates * hidden, k === 0 ? input : hidden];
    s[`${prefix}weight_hh_l${k}`] = [gates * hidden, hidden];
    s[`${prefix}bias_ih_l${k}`] = [gates * hidden];
    s[`${prefix}bias_hh_l${k}`] = [gates * hidden];
  }
  return s;
}

describe('PyTorch RNN name maps', () => {
  const extra = [
    { external: 'embedding.weight', complens: 'embed.W_E' },
    { external: 'fc.weight', complens: 'unembed.W_U', transform: 'transpose' as const },
    { external: 'fc.bias', complens: 'unembed.b_U' },
  ];

  test('GRU: 2 layers with prefix and embedding/readout extras round-trips exactly', () => {
    const ext = coded({ ...rnnShapes(3, 2, 5, 4, 'rnn.'), 'embedding.weight': [7, 5], 'fc.weight': [7, 4], 'fc.bias': [7] });
    const file = path.join(root, 'gru.safetensors');
    writeSafetensors(file, ext);
    const map = rnnNameMap({ cell: 'gru', prefix: 'rnn.', extra });
    const expected = [
      { name: 'cells.0.W_ih', shape: [5, 12] }, { name: 'cells.0.W_hh', shape: [4, 12] }, { name: 'cells.0.b_ih', shape: [12] }, { name: 'cells.0.b_hh', shape: [12] },
      { name: 'cells.1.W_ih', shape: [4, 12] }, { name: 'cells.1.W_hh', shape: [4, 12] }, { name: 'cells.1.b_ih', shape: [12] }, { name: 'cells.1.b_hh', shape: [12] },
      { name: 'embed.W_E', shape: [7, 5] }, { name: 'unembed.W_U', shape: [4, 7] }, { name: 'unembed.b_U', shape: [7] },
    ];
    const { weights, unused } = importSafetensors(file, map, { expected });
    expect(unused).toEqual([]);
    // W_ih[in, unit] = weight_ih[unit, in]; gate order untouched (unit 9 is the n gate's 2nd unit on both sides).
    expect(at(weights['cells.0.W_ih'], 3, 9)).toBe(valueAt(ext['rnn.weight_ih_l0'], 9, 3));
    expect(at(weights['cells.1.W_hh'], 2, 5)).toBe(valueAt(ext['rnn.weight_hh_l1'], 5, 2));
    expect(at(weights['unembed.W_U'], 1, 6)).toBe(valueAt(ext['fc.weight'], 6, 1));

    const out = path.join(root, 'gru-export.safetensors');
    expect(exportSafetensors(out, weights, map).unused).toEqual([]);
    const back = readSafetensors(out).tensors;
    expect(Object.keys(back).sort()).toEqual(Object.keys(ext).sort());
    for (const n of Object.keys(ext)) bitsEqual(back[n], ext[n]);
    tf.dispose(Object.values(weights));
  });

  test('LSTM: 4 gates; bidirectional tensors are reported as unused', () => {
    const ext = coded({ ...rnnShapes(4, 1, 3, 2, ''), weight_ih_l0_reverse: [8, 3] });
    const r = applyNameMap(rnnNameMap({ cell: 'lstm' }), 'external', ext);
    expect(r.problems).toEqual([]);
    expect(r.unused).toEqual(['weight_ih_l0_reverse']);
    expect(r.tensors['cells.0.W_hh'].shape).toEqual([2, 8]);
    expect(valueAt(r.tensors['cells.0.W_ih'], 2, 7)).toBe(valueAt(ext.weight_ih_l0, 7, 2));
    const back = applyNameMap(rnnNameMap({ cell: 'lstm' }), 'complens', r.tensors);
    for (const n of Object.keys(back.tensors)) bitsEqual(back.tensors[n], ext[n]);
  });

  test('a GRU state dict through the LSTM map fails on the gate count', () => {
    const { problems } = applyNameMap(rnnNameMap({ cell: 'lstm' }), 'external', coded(rnnShapes(3, 1, 3, 2, '')));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('"weight_ih_l0" → complens "cells.0.W_ih": expected 4*2 = 8 gate units (lstm, hidden 2), got shape [6, 3]');
  });

  test('a missing layer in the middle is reported, not skipped', () => {
    const ext = coded(rnnShapes(1, 3, 3, 2, ''));
    for (const n of Object.keys(ext)) if (n.endsWith('_l1')) delete ext[n];
    const { problems } = applyNameMap(rnnNameMap({ cell: 'rnn' }), 'external', ext);
    expect(problems).toEqual([
      'missing external tensor "weight_ih_l1" (needed for complens "cells.1.W_ih")',
      'missing external tensor "weight_hh_l1" (needed for complens "cells.1.W_hh")',
      'missing external tensor "bias_ih_l1" (needed for complens "cells.1.b_ih")',
      'missing external tensor "bias_hh_l1" (needed for complens "cells.1.b_hh")',
    ]);
  });
});
