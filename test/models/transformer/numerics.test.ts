/**
 * Numerics against hand computations: LayerNorm and GELU element by element, and the whole forward pass against
 * a plain float64 re-implementation of minGPT (per-head loops, no reshapes), which pins down the weight layouts.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { createTransformer, gelu, layerNorm, TransformerConfig, validateTransformerConfig } from '../../../lib/models/transformer';
import { Rng } from '../../../lib/util/random';

beforeAll(() => initBackend());

const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

describe('LayerNorm', () => {
  it('matches the hand computation with the biased variance', () => {
    const x = [1, 2, 3, 6];
    const mean = 3;
    const variance = (4 + 1 + 0 + 9) / 4;
    const w = [1, 2, 0.5, -1];
    const b = [0, 1, 0, 2];
    const expected = x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * w[i] + b[i]);
    const got = tf.tidy(() => layerNorm(tf.tensor2d([x]), tf.tensor1d(w), tf.tensor1d(b), 1e-5).arraySync()[0]);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });
});

describe('GELU', () => {
  const xs = [-6, -3, -1.5, -0.5, -0.01, 0, 0.3, 1, 2.5, 7];

  it('is minGPT\'s tanh approximation', () => {
    const got = tf.tidy(() => gelu(tf.tensor1d(xs)).arraySync() as number[]);
    xs.forEach((x, i) => expect(got[i]).toBeCloseTo(geluTanh(x), 6));
  });

  it('has the gradient of the tanh formula', () => {
    const tanhForm = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
    const [ours, reference] = tf.tidy(() => [tf.grad(gelu)(tf.tensor1d(xs)).arraySync(), tf.grad(tanhForm)(tf.tensor1d(xs)).arraySync()] as number[][]);
    ours.forEach((g, i) => expect(g).toBeCloseTo(reference[i], 5));
  });
});

type Arr = number[] & number[][] & number[][][];

/** minGPT forward in float64 for one sequence; returns logits at positions answerStart..T-1. */
function referenceForward(P: Record<string, Arr>, c: TransformerConfig, seq: number[], answerStart: number): number[][] {
  const T = seq.length;
  const D = c.dModel;
  const H = c.nHeads;
  const dH = D / H;
  const ln = (x: number[], w: number[], b: number[]) => {
    const m = x.reduce((s, v) => s + v, 0) / D;
    const v = x.reduce((s, u) => s + (u - m) ** 2, 0) / D;
    return x.map((u, i) => ((u - m) / Math.sqrt(v + c.layerNormEps)) * w[i] + b[i]);
  };
  const vecMat = (x: number[], W: number[][], b?: number[]) => W[0].map((_, j) => x.reduce((s, u, i) => s + u * W[i][j], b ? b[j] : 0));
  let x = seq.map((tok, t) => P['embed.W_E'][tok].map((e: number, d: number) => e + P['pos_embed.W_pos'][t][d]));
  for (let l = 0; l < c.nLayers; l++) {
    const p = (n: string) => P[`blocks.${l}.${n}`];
    const h = x.map((r) => ln(r, p('ln1.w'), p('ln1.b')));
    const attnOut = x.map(() => [...p('attn.b_O')] as number[]);
    for (let head = 0; head < H; head++) {
      const q = h.map((r) => vecMat(r, p('attn.W_Q')[head], p('attn.b_Q')[head]));
      const k = h.map((r) => vecMat(r, p('attn.W_K')[head], p('attn.b_K')[head]));
      const v = h.map((r) => vecMat(r, p('attn.W_V')[head], p('attn.b_V')[head]));
      for (let i = 0; i < T; i++) {
        const s = Array.from({ length: i + 1 }, (_, j) => q[i].reduce((acc, u, e) => acc + u * k[j][e], 0) / Math.sqrt(dH));
        const max = Math.max(...s);
        const e = s.map((u) => Math.exp(u - max));
        const sum = e.reduce((a, u) => a + u, 0);
        const z = Array.from({ length: dH }, (_, f) => e.reduce((acc, u, j) => acc + (u / sum) * v[j][f], 0));
        const o = vecMat(z, p('attn.W_O')[head]);
        o.forEach((u, d) => (attnOut[i][d] += u));
      }
    }
    x = x.map((r, i) => r.map((u, d) => u + attnOut[i][d]));
    const mlp = x.map((r) => vecMat(vecMat(ln(r, p('ln2.w'), p('ln2.b')), p('mlp.W_in'), p('mlp.b_in')).map(geluTanh), p('mlp.W_out'), p('mlp.b_out')));
    x = x.map((r, i) => r.map((u, d) => u + mlp[i][d]));
  }
  return x.slice(answerStart).map((r) => vecMat(ln(r, P['ln_final.w'], P['ln_final.b']), P['unembed.W_U']));
}

describe('full forward pass', () => {
  it('matches a float64 re-implementation of minGPT', () => {
    const config = validateTransformerConfig({ arch: 'transformer', vocabSize: 7, nLayers: 2, nHeads: 2, dModel: 6, dMlp: 10, maxLength: 6 });
    const model = createTransformer(config, 1);
    // Random values everywhere (biases and LayerNorms too), passed as a params override, so every term counts.
    const rng = new Rng(5);
    const params: Record<string, tf.Tensor> = {};
    const values: Record<string, Arr> = {};
    for (const spec of model.paramSpecs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, () => rng.normal() * 0.7);
      params[spec.name] = tf.tensor(data, spec.shape);
      values[spec.name] = params[spec.name].arraySync() as Arr;
    }
    const rows = [
      [1, 4, 0, 6, 2, 3],
      [5, 5, 2, 0, 1, 1],
    ];
    const promptLength = 3;
    const logits = model.forward({ tokens: Int32Array.from(rows.flat()), batchSize: 2, length: 6, promptLength }, { params });
    const got = logits.arraySync();
    rows.forEach((row, b) => {
      const expected = referenceForward(values, config, row.slice(0, -1), promptLength - 1);
      expect(got[b]).toHaveLength(3);
      expected.forEach((r, t) => r.forEach((v, i) => expect(got[b][t][i]).toBeCloseTo(v, 3)));
    });
    tf.dispose([logits, ...Object.values(params)]);
    model.dispose();
  });
});
