import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { initialValues } from '../../../lib/models/init';
import { Rng } from '../../../lib/util/random';
import {
  BinaryMask, MaskSet, effectiveMask, evaluateModes, maskedParams, trainMask, vectorMaskData, vectorMaskLoss, vectorScorer, withMaskedParams,
} from '../../../probes/subnetworks';
import { A_ENTRIES, B_ENTRIES, toyData, toyModel } from './toy';

beforeAll(() => initBackend());

const snapshot = (params: Record<string, tf.Variable>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));

describe('ablation modes', () => {
  test('each mode overrides only the covered tensors, as documented; nothing leaks; weights untouched', () => {
    const model = toyModel();
    const before = snapshot(model.params);
    const rng = new Rng(3);
    const mask = new BinaryMask([{ name: 'layers.0.W', shape: [4, 4], bits: Uint8Array.from({ length: 16 }, () => rng.int(2)) }]);
    const w = before['layers.0.W'];
    const bits = mask.get('layers.0.W').bits;
    const tensors = tf.memory().numTensors;

    expect(maskedParams(model, mask, 'full')).toEqual({});
    const values = (mode: Parameters<typeof maskedParams>[2], seed = 0) =>
      withMaskedParams(model, mask, mode, (p) => {
        expect(Object.keys(p)).toEqual(['layers.0.W']);
        return Float32Array.from(p['layers.0.W'].dataSync() as Float32Array);
      }, { seed });
    const sub = values('subnetwork');
    const abl = values('ablation');
    bits.forEach((b, i) => {
      expect(sub[i]).toBe(b ? w[i] : 0);
      expect(abl[i]).toBe(b ? 0 : w[i]);
    });
    // Ablation is the subnetwork of the inverse mask.
    expect(withMaskedParams(model, mask.inverse(), 'subnetwork', (p) => Array.from(p['layers.0.W'].dataSync()))).toEqual(Array.from(abl));

    const rand = values('random-ablation', 5);
    const spec = model.paramSpecs.find((s) => s.name === 'layers.0.W')!;
    const fresh = initialValues(spec, Rng.derive(5, 'random-ablation:layers.0.W'));
    bits.forEach((b, i) => expect(rand[i]).toBe(b ? fresh[i] : w[i]));
    expect(Array.from(values('random-ablation', 5))).toEqual(Array.from(rand));
    expect(Array.from(values('random-ablation', 6))).not.toEqual(Array.from(rand));

    const k = mask.count();
    for (const mode of ['complement', 'random-sampled'] as const) {
      const kept = effectiveMask(mask, mode, { seed: 2 });
      expect(kept.count()).toBe(Math.min(k, mode === 'complement' ? 16 - k : 16));
      if (mode === 'complement') expect(kept.intersection(mask).count()).toBe(0);
      const v = values(mode, 2);
      kept.get('layers.0.W').bits.forEach((b, i) => expect(v[i]).toBe(b ? w[i] : 0));
    }
    expect(tf.memory().numTensors).toBe(tensors);
    const after = snapshot(model.params);
    for (const name of Object.keys(before)) expect(after[name]).toEqual(before[name]);
    model.dispose();
  });

  test('a mask over tensors the model lacks, or with the wrong shape, is refused', () => {
    const model = toyModel();
    expect(() => maskedParams(model, BinaryMask.constant([{ name: 'nope', shape: [2] }], 1), 'subnetwork')).toThrow(/does not have/);
    expect(() => maskedParams(model, BinaryMask.constant([{ name: 'layers.0.W', shape: [16] }], 1), 'subnetwork')).toThrow(/shape/);
    model.dispose();
  });
});

describe('continuous sparsification on a model with known structure', () => {
  test('the mask for A keeps A’s weights and drops B’s; subnetwork solves A, ablation kills A and spares B; only s trains', async () => {
    const model = toyModel();
    const before = snapshot(model.params);
    const tensors = tf.memory().numTensors;
    const trainA = toyData('A', 64, 1);
    const result = await trainMask(model, vectorMaskLoss(model), vectorMaskData(trainA, 16, 0), { epochs: 25 });

    expect(tf.memory().numTensors).toBe(tensors); // scores, optimizer slots and intermediates all released
    const after = snapshot(model.params);
    for (const name of Object.keys(before)) expect(after[name]).toEqual(before[name]); // weights bit-identical

    expect(result.mask.names).toEqual(['layers.0.W', 'unembed.W_U']);
    expect(result.steps).toBe(25 * 4);
    expect(result.history).toHaveLength(25);
    expect(result.history[0].beta).toBe(1);
    expect(result.lastBeta).toBeCloseTo(200 ** (24 / 25), 8);
    for (const name of result.mask.names) {
      const bits = result.mask.get(name).bits;
      for (const i of A_ENTRIES) expect(bits[i]).toBe(1);
      for (const i of B_ENTRIES) expect(bits[i]).toBe(0);
    }
    // Scores moved away from their constant start (only s is trained).
    const scores = result.scores.find((s) => s.name === 'layers.0.W')!.values;
    expect(scores[0]).toBeGreaterThan(0.05);
    expect(scores[10]).toBeLessThan(0);
    expect(result.mask.keptFraction()).toBeLessThanOrEqual(0.25);

    const testA = toyData('A', 50, 2);
    const testB = toyData('B', 50, 3);
    const rows = evaluateModes(model, result.mask, ['full', 'subnetwork', 'ablation'], { A: vectorScorer(model, testA), B: vectorScorer(model, testB) });
    const acc = (mode: string, set: string) => rows.find((r) => r.mode === mode && r.set === set)!.accuracy;
    expect(acc('full', 'A')).toBe(1);
    expect(acc('full', 'B')).toBe(1);
    expect(acc('subnetwork', 'A')).toBe(1);
    expect(acc('subnetwork', 'B')).toBe(0);
    expect(acc('ablation', 'A')).toBe(0);
    expect(acc('ablation', 'B')).toBe(1);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  test('include patterns restrict the mask; a MaskSet passed in keeps its trained scores; mean penalty option', async () => {
    const model = toyModel();
    const set = MaskSet.create(model, { include: ['unembed.*'], initScore: 0.1 });
    expect(set.names).toEqual(['unembed.W_U']);
    expect(set.size).toBe(16);
    const result = await trainMask(model, vectorMaskLoss(model), vectorMaskData(toyData('B', 32, 4), 0), { epochs: 20, penalty: 'mean', lambda: 1e-3, betaSchedule: 'step' }, { maskSet: set });
    expect(result.steps).toBe(20);
    expect(set.hardMask().equals(result.mask)).toBe(true);
    const bits = result.mask.get('unembed.W_U').bits;
    for (const i of B_ENTRIES) expect(bits[i]).toBe(1);
    for (const i of A_ENTRIES) expect(bits[i]).toBe(0);
    // fromBinary reproduces a mask.
    const copy = MaskSet.fromBinary(model, result.mask);
    expect(copy.hardMask().equals(result.mask)).toBe(true);
    copy.dispose();
    set.dispose();
    expect(() => set.hardMask()).toThrow(/after dispose/);
    model.dispose();
  });
});
