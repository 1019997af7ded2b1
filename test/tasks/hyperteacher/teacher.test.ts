import {
  comboModules,
  createHyperteacher,
  DISCRETE_WEIGHTS,
  initTeacher,
  intervalShuffle,
  randomOrthogonal,
  sampleLatent,
  teacherForward,
  tokenCode,
  TEACHER_SCALE,
  TRUNCATED_NORMAL_STD,
} from '../../../lib/tasks/hyperteacher';
import { Rng } from '../../../lib/util/random';

describe('teacher weights', () => {
  const t = initTeacher({ modules: 16, inputSize: 16, hiddenSize: 32, outputSize: 8 }, 1);

  test('truncated-normal fan-in variance scaling with scale √3: variance √3/fan_in, truncated at 2 std of the untruncated normal', () => {
    const check = (w: Float32Array, fanIn: number) => {
      const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
      expect(variance).toBeGreaterThan(0.93 * (TEACHER_SCALE / fanIn));
      expect(variance).toBeLessThan(1.07 * (TEACHER_SCALE / fanIn));
      const bound = (2 * Math.sqrt(TEACHER_SCALE / fanIn)) / TRUNCATED_NORMAL_STD;
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound + 1e-6);
      expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    };
    expect(t.theta.length).toBe(16 * 16 * 32);
    check(t.theta, 16); // fan-in = I, the module axis excluded
    check(t.readout, 32); // fan-in = H
  });

  test('biases are uniform in [0, 0.5); same seed, same teacher', () => {
    expect(Math.min(...t.bias)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t.bias)).toBeLessThan(0.5);
    expect(Math.max(...t.bias)).toBeGreaterThan(0.45);
    const again = initTeacher({ modules: 16, inputSize: 16, hiddenSize: 32, outputSize: 8 }, 1);
    expect(again).toEqual(t);
    expect(initTeacher({ modules: 16, inputSize: 16, hiddenSize: 32, outputSize: 8 }, 2).theta).not.toEqual(t.theta);
  });

  test('forward = relu(x Σ z_m/√K Θ_m + Σ z_m/√K b_m) R, against a naive reference', () => {
    const small = initTeacher({ modules: 3, inputSize: 2, hiddenSize: 4, outputSize: 2 }, 5);
    const z = [0.5, 0, 1];
    const x = Float32Array.from([0.3, -0.7, -1, 0.9]);
    const K = 2;
    const y = teacherForward(small, z, x, 2, K);
    for (let s = 0; s < 2; s++) {
      for (let o = 0; o < 2; o++) {
        let out = 0;
        for (let h = 0; h < 4; h++) {
          let a = 0;
          for (let m = 0; m < 3; m++) {
            const zm = z[m] / Math.sqrt(K);
            a += zm * small.bias[m * 4 + h];
            for (let i = 0; i < 2; i++) a += zm * x[s * 2 + i] * small.theta[m * 8 + i * 4 + h];
          }
          out += Math.max(0, a) * small.readout[h * 2 + o];
        }
        expect(y[s * 2 + o]).toBeCloseTo(out, 5);
      }
    }
  });
});

describe('latents', () => {
  const support = (1 << 2) | (1 << 5) | (1 << 7);
  test.each(['discrete', 'khot', 'continuous'] as const)('%s: zero off the support, allowed values on it', (weights) => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const z = sampleLatent(support, 8, weights, rng);
      z.forEach((v, m) => {
        if (![2, 5, 7].includes(m)) expect(v).toBe(0);
        else {
          seen.add(v);
          if (weights === 'khot') expect(v).toBe(1);
          if (weights === 'discrete') expect(DISCRETE_WEIGHTS.map(Math.fround)).toContain(v);
          if (weights === 'continuous') expect(v > 0.5 && v < 1).toBe(true);
        }
      });
    }
    expect(seen.size).toBe(weights === 'khot' ? 1 : weights === 'discrete' ? 6 : 600);
  });
});

describe('encodings', () => {
  const base = { seed: 4, modules: 6, maxActive: 2, inputSize: 3, hiddenSize: 5, outputSize: 2 };
  const z = Float32Array.from([0, 0.7, 0, 1, 0, 0]);

  test('identity: the latent itself', () => {
    const task = createHyperteacher({ ...base, encoding: 'identity' });
    expect(Array.from(task.encoder.encode(z, new Rng(0)))).toEqual(Array.from(z));
  });

  test('orthogonal: Q z with QᵀQ = I, Q fixed by the seed', () => {
    const q = randomOrthogonal(6, new Rng(1));
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        let dot = 0;
        for (let k = 0; k < 6; k++) dot += q[k * 6 + i] * q[k * 6 + j];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
    const task = createHyperteacher({ ...base, encoding: 'orthogonal' });
    const code = task.encoder.encode(z, new Rng(0));
    expect(Math.hypot(...code)).toBeCloseTo(Math.hypot(...z), 5);
    expect(Array.from(code)).not.toEqual(Array.from(z));
    expect(Array.from(createHyperteacher({ ...base, encoding: 'orthogonal' }).encoder.encode(z, new Rng(9)))).toEqual(Array.from(code));
  });

  test('tokens: pairs (m + 1, ⌊10 z_m⌋ + M + 1)', () => {
    expect(Array.from(tokenCode(z))).toEqual([1, 7, 2, 14, 3, 7, 4, 17, 5, 7, 6, 7]);
    const task = createHyperteacher({ ...base, encoding: 'tokens' });
    expect(task.codeSize).toBe(12);
  });

  test('interval_shuffle: the 0.1-wide interval is permuted, the offset kept, 1.0 kept, 0 remapped', () => {
    const map = [3, 1, 4, 0, 5, 9, 2, 6, 8, 7];
    const out = intervalShuffle(Float32Array.from([0, 0.05, 0.5, 0.7, 0.95, 1]), map);
    const expected = [0.3, 0.35, 0.9, 0.6, 0.75, 1];
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
  });

  test('fewshot: shots × (x, y) pairs of the same task, fresh per draw', () => {
    const task = createHyperteacher({ ...base, encoding: 'fewshot', shots: 7 });
    expect(task.codeSize).toBe(7 * (3 + 2));
    const code = task.encoder.encode(z, new Rng(5));
    const x = code.subarray(0, 21);
    expect(Array.from(code.subarray(21))).toEqual(Array.from(teacherForward(task.teacher, z, x, 7, 2)));
    expect(Array.from(task.encoder.encode(z, new Rng(6)))).not.toEqual(Array.from(code));
  });
});

test('default task: the combination count and the held-out count of the paper (696, 174)', () => {
  const task = createHyperteacher({ seed: 1 });
  expect(task.combinations.all.length).toBe(696);
  expect(task.combinations.ood.length).toBe(174);
  expect(task.combinations.train.every((c) => comboModules(c, 16).length <= 3)).toBe(true);
});
