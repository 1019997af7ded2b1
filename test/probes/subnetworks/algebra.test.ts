import { rnnParamSpecs, validateRnnConfig } from '../../../lib/models/rnn';
import { ParamSpec } from '../../../lib/models/types';
import { ComplensError, ConfigError } from '../../../lib/util/errors';
import { Rng } from '../../../lib/util/random';
import { BinaryMask, betaAt, betaSchedule, globToRegExp, iouMatrix, matchesPattern, selectTensors, validateMaskTrainConfig } from '../../../probes/subnetworks';

function randomMask(seed: number, p = 0.4): BinaryMask {
  const rng = new Rng(seed);
  const bits = (n: number) => Uint8Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));
  return new BinaryMask([
    { name: 'a.W', shape: [3, 5], bits: bits(15) },
    { name: 'b.W', shape: [7], bits: bits(7) },
  ]);
}

describe('name patterns', () => {
  test('globs: * crosses dots, ? one char, classes, alternatives; RegExps as given', () => {
    expect(matchesPattern('cells.0.W_hh', 'cells.*.W_hh')).toBe(true);
    expect(matchesPattern('encoder.cells.0.W_hh', 'cells.*.W_hh')).toBe(false);
    expect(matchesPattern('encoder.cells.0.W_hh', '*cells.*.W_hh')).toBe(true);
    expect(matchesPattern('blocks.3.attn.W_Q', 'blocks.[2-9]*')).toBe(true);
    expect(matchesPattern('blocks.1.attn.W_Q', 'blocks.[2-9]*')).toBe(false);
    expect(matchesPattern('blocks.1.attn.W_Q', 'blocks.[!0].attn.W_?')).toBe(true);
    expect(matchesPattern('cells.0.W_ih', 'cells.0.W_{ih,hh}')).toBe(true);
    expect(matchesPattern('cells.0.W_xh', 'cells.0.W_{ih,hh}')).toBe(false);
    expect(matchesPattern('layers.12.W', /^layers\.\d+\.W$/g)).toBe(true);
    expect(matchesPattern('layers.12.W', /^layers\.\d+\.W$/g)).toBe(true); // a /g RegExp is reset, not stateful
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
  });

  test('selection: default every maskable tensor; patterns; typos and unmaskable-only patterns fail loudly', () => {
    const specs = rnnParamSpecs(validateRnnConfig({ arch: 'rnn', cell: 'gru', vocabSize: 6, hiddenSize: 4, numLayers: 2 }));
    expect(selectTensors(specs).map((s) => s.name)).toEqual(['cells.0.W_ih', 'cells.0.W_hh', 'cells.1.W_ih', 'cells.1.W_hh', 'unembed.W_U']);
    expect(selectTensors(specs, { include: ['cells.*.W_hh'] }).map((s) => s.name)).toEqual(['cells.0.W_hh', 'cells.1.W_hh']);
    expect(selectTensors(specs, { exclude: ['unembed.*'] }).map((s) => s.name)).toHaveLength(4);
    expect(() => selectTensors(specs, { include: ['cell.*.W_hh'] })).toThrow(/mask\.include\[0\].*cells\.0\.W_ih/);
    expect(() => selectTensors(specs, { include: ['*.b_ih'] })).toThrow(/only unmaskable cells\.0\.b_ih/);
    expect(selectTensors(specs, { include: ['cells.0.b_ih'], allowUnmaskable: true }).map((s) => s.name)).toEqual(['cells.0.b_ih']);
    expect(() => selectTensors(specs, { include: ['cells.*'], exclude: ['*'] })).toThrow(ConfigError);
    // Transformer-style names (TransformerLens grammar), written out so the test does not depend on that model.
    const gpt: ParamSpec[] = [0, 1, 2, 3].flatMap((l) => [
      { name: `blocks.${l}.ln1.w`, shape: [8], init: 'ones', maskable: false },
      { name: `blocks.${l}.attn.W_Q`, shape: [2, 8, 4], init: 'normal', scale: 0.02, maskable: true },
      { name: `blocks.${l}.attn.b_Q`, shape: [2, 4], init: 'zeros', maskable: false },
      { name: `blocks.${l}.mlp.W_in`, shape: [8, 16], init: 'normal', scale: 0.02, maskable: true },
    ]);
    const late = selectTensors(gpt, { include: ['blocks.[2-9]*'] }).map((s) => s.name);
    expect(late).toContain('blocks.2.attn.W_Q');
    expect(late.some((n) => n.startsWith('blocks.1.') || n.includes('.b_') || n.includes('ln'))).toBe(false);
  });
});

describe('mask algebra', () => {
  const m = randomMask(1);
  const n = randomMask(2);

  test('identities: IoU(m, m) = 1, inclusion–exclusion, double inverse, complements', () => {
    expect(m.iou(m)).toBe(1);
    expect(m.union(n).count() + m.intersection(n).count()).toBe(m.count() + n.count());
    expect(m.inverse().inverse().equals(m)).toBe(true);
    expect(m.union(m.inverse()).count()).toBe(m.size());
    expect(m.intersection(m.inverse()).count()).toBe(0);
    expect(m.iou(m.inverse())).toBe(0);
    expect(m.difference(n).count()).toBe(m.count() - m.intersection(n).count());
    expect(m.iou(n)).toBeCloseTo(m.intersection(n).count() / m.union(n).count(), 12);
    expect(m.iou(n)).toBe(n.iou(m));
    const empty = BinaryMask.constant(m.tensors, 0);
    expect(empty.iou(empty)).toBe(1);
    expect(BinaryMask.constant(m.tensors, 1).keptFraction()).toBe(1);
  });

  test('sparsity per tensor and total kept fraction', () => {
    const per = m.perTensor();
    expect(per.map((t) => t.name)).toEqual(['a.W', 'b.W']);
    expect(per[0].total).toBe(15);
    expect(per[0].kept + per[1].kept).toBe(m.count());
    expect(per[0].sparsity).toBeCloseTo(1 - per[0].kept / 15, 12);
    expect(m.keptFraction()).toBeCloseTo(m.count() / 22, 12);
    expect(m.iouByTensor(n).map((t) => t.name)).toEqual(['a.W', 'b.W']);
    expect(iouMatrix([m, n])).toEqual([[1, m.iou(n)], [n.iou(m), 1]]);
  });

  test('from scores: 1[s > 0]; JSON round trip; incompatible masks are refused', () => {
    const s = BinaryMask.fromScores([{ name: 'x', shape: [4], values: [0.1, 0, -0.2, 3] }]);
    expect(Array.from(s.get('x').bits)).toEqual([1, 0, 0, 1]);
    const back = BinaryMask.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.equals(m)).toBe(true);
    expect(() => m.iou(s)).toThrow(ComplensError);
    expect(() => m.union(m.restrict(['a.W']))).toThrow(/same tensors/);
    expect(() => new BinaryMask([{ name: 'x', shape: [2, 2], bits: new Uint8Array(3) }])).toThrow(/3 bits/);
  });
});

describe('β schedule and config', () => {
  test('β goes geometrically from 1 to β_max; per epoch it is constant within an epoch', () => {
    expect(betaAt(0, 90, 200)).toBe(1);
    expect(betaAt(90, 90, 200)).toBeCloseTo(200, 10);
    expect(betaAt(1, 90, 200)).toBeCloseTo(200 ** (1 / 90), 12); // the paper's ×1.0606 per epoch
    const perEpoch = betaSchedule({ betaMax: 200, betaSchedule: 'epoch' }, 40, 4);
    expect(perEpoch(0)).toBe(1);
    expect(perEpoch(3)).toBe(1);
    expect(perEpoch(4)).toBeCloseTo(200 ** (1 / 10), 12);
    expect(perEpoch(39)).toBeCloseTo(200 ** (9 / 10), 12);
    const perStep = betaSchedule({ betaMax: 200, betaSchedule: 'step' }, 40, 4);
    expect(perStep(0)).toBe(1);
    expect(perStep(1)).toBeCloseTo(200 ** (1 / 40), 12);
    expect(perStep(40)).toBeCloseTo(200, 10);
    for (let s = 1; s < 40; s++) expect(perStep(s)).toBeGreaterThan(perStep(s - 1));
  });

  test('defaults from the paper; bad fields are named', () => {
    const c = validateMaskTrainConfig({});
    expect(c).toMatchObject({ initScore: 0.05, learningRate: 0.01, lambda: 1e-8, penalty: 'sum', betaMax: 200, epochs: 90, batchSize: 64 });
    expect(validateMaskTrainConfig({ include: 'cells.*' }).include).toEqual(['cells.*']);
    expect(() => validateMaskTrainConfig({ lr: 0.1 })).toThrow(/mask\.lr: expected no such field/);
    expect(() => validateMaskTrainConfig({ penalty: 'l1' })).toThrow(/mask\.penalty/);
    expect(() => validateMaskTrainConfig({ include: [3] })).toThrow(/mask\.include\[0\]/);
  });
});
