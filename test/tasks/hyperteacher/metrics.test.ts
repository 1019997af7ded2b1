import { r2ByTask } from '../../../lib/tasks/hyperteacher';
import { Rng } from '../../../lib/util/random';

// 3 tasks × 4 samples × 2 units of random targets with task-specific offsets.
const rng = new Rng(1);
const S = 4;
const O = 2;
const y = Float32Array.from({ length: 3 * S * O }, (_, i) => rng.normal() + Math.floor(i / (S * O)) * 10);

function perTaskMean(): Float32Array {
  const out = new Float32Array(y.length);
  for (let t = 0; t < 3; t++) {
    for (let o = 0; o < O; o++) {
      let m = 0;
      for (let s = 0; s < S; s++) m += y[(t * S + s) * O + o] / S;
      for (let s = 0; s < S; s++) out[(t * S + s) * O + o] = m;
    }
  }
  return out;
}

test('a perfect prediction scores 1', () => {
  const r = r2ByTask(y, y, S, O);
  expect(r.r2).toBe(1);
  expect(Array.from(r.perTask)).toEqual([1, 1, 1]);
  expect(r.mse).toBe(0);
});

test('predicting each task’s mean output scores 0 (the baseline is per task, not global)', () => {
  const r = r2ByTask(perTaskMean(), y, S, O);
  expect(r.r2).toBeCloseTo(0, 6);
  r.perTask.forEach((v) => expect(v).toBeCloseTo(0, 6));
});

test('shrinking toward the task mean by α gives R² = 1 − (1 − α)² exactly', () => {
  const mean = perTaskMean();
  const alpha = 0.5;
  const pred = y.map((v, i) => mean[i] + alpha * (v - mean[i]));
  expect(r2ByTask(pred, y, S, O).r2).toBeCloseTo(0.75, 5);
  // The global mean is a much worse predictor than the per-task mean: R² well below 0.
  const globalMean = y.reduce((a, b) => a + b, 0) / y.length;
  expect(r2ByTask(y.map(() => globalMean), y, S, O).r2).toBeLessThan(-10);
});

test('it is the mean of per-(task, unit) ratios: a bad low-variance unit weighs as much as a high-variance one', () => {
  // One task, two samples, two units: unit 0 variance 1, unit 1 variance 0.01; error 0.1 on unit 1 only.
  const yy = Float32Array.from([1, 0.1, -1, -0.1]);
  const pred = Float32Array.from([1, 0.2, -1, 0]);
  // ratios: unit 0 → 0; unit 1 → 0.01/0.01 = 1 per sample ⇒ mean over 4 values of (1 − ratio) = (1 + 1 + 0 + 0)/4.
  expect(r2ByTask(pred, yy, 2, 2).r2).toBeCloseTo(0.5, 5);
});

test('constant units are skipped and counted; shape errors are explicit', () => {
  const yy = Float32Array.from([1, 5, 2, 5]);
  const r = r2ByTask(yy, yy, 2, 2);
  expect(r.constantUnits).toBe(1);
  expect(r.r2).toBe(1);
  expect(() => r2ByTask(new Float32Array(3), new Float32Array(4), 2, 2)).toThrow(/3 predictions for 4/);
  expect(() => r2ByTask(new Float32Array(6), new Float32Array(6), 2, 2)).toThrow(/whole tasks/);
});
