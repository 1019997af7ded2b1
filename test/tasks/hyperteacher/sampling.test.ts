import { createHyperteacher, lastSampleRows, r2ByTask, rowLatents, teacherForward } from '../../../lib/tasks/hyperteacher';
import { Rng } from '../../../lib/util/random';

const task = createHyperteacher({ seed: 2, modules: 8, maxActive: 3, inputSize: 5, hiddenSize: 6, outputSize: 4, samplesPerTask: 7 });

describe('sampleTasks', () => {
  const b = task.sampleTasks('train', 10, new Rng(1));

  test('rows are concat(code, x) with targets y = teacher(z, x); task index and z kept per row', () => {
    expect(b.batch.batchSize).toBe(70);
    expect(b.batch.inputSize).toBe(8 + 5);
    expect(task.inputSize).toBe(13);
    expect(b.targets.length).toBe(70 * 4);
    for (let t = 0; t < 10; t++) {
      const z = b.z.subarray(t * 8, (t + 1) * 8);
      const x = new Float32Array(7 * 5);
      for (let s = 0; s < 7; s++) {
        const row = t * 7 + s;
        expect(b.taskIndex[row]).toBe(t);
        const r = b.batch.inputs.subarray(row * 13, (row + 1) * 13);
        expect(Array.from(r.subarray(0, 8))).toEqual(Array.from(z)); // identity code
        x.set(r.subarray(8), s * 5);
      }
      expect(Array.from(b.targets.subarray(t * 28, (t + 1) * 28))).toEqual(Array.from(teacherForward(task.teacher, z, x, 7, 3)));
      // z's support is the recorded support
      z.forEach((v, m) => expect(v > 0).toBe(((b.supports[t] >>> m) & 1) === 1));
    }
    expect(Math.min(...b.batch.inputs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...b.batch.inputs)).toBeLessThanOrEqual(1);
  });

  test('train/test tasks use trained supports only; ood tasks held-out supports only', () => {
    const train = new Set(task.combinations.train);
    const ood = new Set(task.combinations.ood);
    for (const s of task.sampleTasks('test', 200, new Rng(2)).supports) expect(train.has(s)).toBe(true);
    const o = task.sampleTasks('ood', 200, new Rng(3)).supports;
    for (const s of o) expect(ood.has(s)).toBe(true);
    expect(new Set(o).size).toBeGreaterThan(task.combinations.ood.length / 2);
  });

  test('deterministic in the rng; fresh draws differ', () => {
    expect(task.sampleTasks('train', 10, new Rng(1))).toEqual(b);
    expect(Array.from(task.sampleTasks('train', 10, new Rng(2)).targets)).not.toEqual(Array.from(b.targets));
    expect(task.evaluationTasks('ood', 5)).toEqual(task.evaluationTasks('ood', 5));
    expect(Array.from(task.trainStream(4, 0)(3).targets)).toEqual(Array.from(task.trainStream(4, 0)(3).targets));
    expect(Array.from(task.trainStream(4, 0)(3).targets)).not.toEqual(Array.from(task.trainStream(4, 0)(4).targets));
  });

  test('probe labels: per-row latents and the last sample of each task', () => {
    const rows = rowLatents(b, 8);
    expect(Array.from(rows.subarray(15 * 8, 16 * 8))).toEqual(Array.from(b.z.subarray(2 * 8, 3 * 8)));
    expect(Array.from(lastSampleRows(b))).toEqual(Array.from({ length: 10 }, (_, t) => t * 7 + 6));
  });

  test('the teacher gives tasks real variation: y varies across samples and across supports', () => {
    const r = r2ByTask(new Float32Array(b.targets.length), b.targets, 7, 4);
    expect(r.constantUnits).toBeLessThan(10);
    expect(r.r2).toBeLessThan(0); // predicting 0 is worse than the per-task mean
  });
});

test('fewshot code: the student reads shots × (I + O) values before x', () => {
  const fs = createHyperteacher({ seed: 1, modules: 4, maxActive: 2, inputSize: 3, hiddenSize: 4, outputSize: 2, encoding: 'fewshot', shots: 5, samplesPerTask: 3 });
  const b = fs.sampleTasks('train', 2, new Rng(0));
  expect(b.batch.inputSize).toBe(5 * 5 + 3);
  // Same code on every row of a task, a different code for the next task.
  const row = (r: number) => Array.from(b.batch.inputs.subarray(r * 28, r * 28 + 25));
  expect(row(1)).toEqual(row(0));
  expect(row(3)).not.toEqual(row(0));
});
