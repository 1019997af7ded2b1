import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { MlpConfig, MlpModel } from '../../../lib/models/mlp';
import { LabelledVectors, predictVectors, takeRows, trainVectorModel, validateVectorTrainConfig } from '../../../lib/train/vector';
import { Rng } from '../../../lib/util/random';

beforeAll(() => initBackend());

/** y = x A + c for a fixed random A, c: a linear model can fit it exactly. */
function linearData(rows: number, seed: number): LabelledVectors {
  const rng = new Rng(seed);
  const A = Array.from({ length: 6 }, () => rng.normal());
  const inputs = Float32Array.from({ length: rows * 3 }, () => rng.uniform(-1, 1));
  const targets = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < 2; o++) {
      targets[r * 2 + o] = 0.5 + inputs[r * 3] * A[o] + inputs[r * 3 + 1] * A[2 + o] + inputs[r * 3 + 2] * A[4 + o];
    }
  }
  return { batch: { inputs, batchSize: rows, inputSize: 3 }, targets };
}

const linearConfig: MlpConfig = { arch: 'mlp', inputSize: 3, hiddenSizes: [], outputSize: 2, activation: 'relu', head: 'linear', items: 4 };
const weightsOf = (m: MlpModel) => Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Array.from(v.dataSync())]));

test('config validation names the field', () => {
  expect(() => validateVectorTrainConfig({ loss: 'hinge' })).toThrow(/training\.loss/);
  expect(() => validateVectorTrainConfig({ batchSize: -1 })).toThrow(/training\.batchSize/);
  expect(validateVectorTrainConfig({}).optimizer).toBe('adam');
});

test('MSE on a linear problem: the loss falls to ~0; history points at evalEvery and the end; no tensors leak', async () => {
  const data = linearData(256, 1);
  const model = new MlpModel(linearConfig, 1);
  const before = tf.memory().numTensors;
  const progress: number[] = [];
  const result = await trainVectorModel(model, data, { learningRate: 3e-2, batchSize: 32, maxSteps: 250, evalEvery: 100, loss: 'mse' }, {
    onProgress: (step) => progress.push(step),
    evaluate: () => ({ constant: 1 }),
  });
  expect(result.history.map((p) => p.step)).toEqual([100, 200, 250]);
  expect(progress).toEqual([100, 200, 250]);
  expect(result.history[0].metrics).toEqual({ constant: 1 });
  expect(result.history[2].loss).toBeLessThan(1e-3);
  expect(result.history[2].loss).toBeLessThan(result.history[0].loss);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});

test('deterministic: same seeds → identical weights; another data seed → different weights', async () => {
  const data = linearData(100, 2);
  const run = async (dataSeed: number) => {
    const m = new MlpModel({ ...linearConfig, hiddenSizes: [8] }, 3);
    await trainVectorModel(m, data, { batchSize: 16, maxSteps: 30, dataSeed });
    const w = weightsOf(m);
    m.dispose();
    return w;
  };
  const a = await run(0);
  expect(await run(0)).toEqual(a);
  expect(await run(1)).not.toEqual(a);
});

test('AdamW decays weight matrices but not biases (C.5: no decay on 1-D params)', async () => {
  // All-zero inputs: W gets no gradient, so Adam leaves it alone and only the decay moves it.
  const zeros: LabelledVectors = { batch: { inputs: new Float32Array(40 * 3), batchSize: 40, inputSize: 3 }, targets: new Float32Array(80).fill(1) };
  const plain = new MlpModel(linearConfig, 4);
  const decayed = new MlpModel(linearConfig, 4);
  const W0 = Array.from(plain.params['unembed.W_U'].dataSync());
  await trainVectorModel(plain, zeros, { optimizer: 'adam', weightDecay: 0.1, learningRate: 0.01, maxSteps: 10 });
  await trainVectorModel(decayed, zeros, { optimizer: 'adamw', weightDecay: 0.1, learningRate: 0.01, maxSteps: 10 });
  Array.from(plain.params['unembed.W_U'].dataSync()).forEach((v, i) => expect(v).toBeCloseTo(W0[i], 7));
  const factor = (1 - 0.01 * 0.1) ** 10;
  Array.from(decayed.params['unembed.W_U'].dataSync()).forEach((v, i) => expect(v).toBeCloseTo(W0[i] * factor, 6));
  expect(Array.from(decayed.params['unembed.b_U'].dataSync())).toEqual(Array.from(plain.params['unembed.b_U'].dataSync()));
  plain.dispose();
  decayed.dispose();
});

test('softmax cross-entropy learns a separable 3-class problem; bad labels are refused', async () => {
  const rng = new Rng(5);
  const rows = 300;
  const inputs = Float32Array.from({ length: rows * 2 }, () => rng.uniform(-1, 1));
  const labels = Int32Array.from({ length: rows }, (_, r) => (inputs[2 * r] > 0.3 ? 0 : inputs[2 * r + 1] > 0 ? 1 : 2));
  const data = { batch: { inputs, batchSize: rows, inputSize: 2 }, labels };
  const model = new MlpModel({ ...linearConfig, inputSize: 2, hiddenSizes: [16], outputSize: 3 }, 6);
  await trainVectorModel(model, data, { loss: 'softmax-ce', learningRate: 1e-2, batchSize: 50, maxSteps: 300 });
  const out = predictVectors(model, data.batch, { chunkSize: 7 });
  let right = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(out.subarray(r * 3, r * 3 + 3));
    if (row.indexOf(Math.max(...row)) === labels[r]) right++;
  }
  expect(right / rows).toBeGreaterThan(0.9);
  await expect(trainVectorModel(model, { ...data, labels: labels.map(() => 3) }, { loss: 'softmax-ce', maxSteps: 1 })).rejects.toThrow(/label 3/);
  await expect(trainVectorModel(model, { batch: data.batch }, { loss: 'mse', maxSteps: 1 })).rejects.toThrow(/mse loss needs targets/);
  model.dispose();
});

test('predictVectors in chunks equals one forward; takeRows copies rows and their supervision', () => {
  const data = linearData(10, 7);
  const model = new MlpModel({ ...linearConfig, hiddenSizes: [4] }, 8);
  const whole = model.forward(data.batch);
  expect(Array.from(predictVectors(model, data.batch, { chunkSize: 3 }))).toEqual(Array.from(whole.dataSync()));
  whole.dispose();
  const picked = takeRows(data, [4, 1]);
  expect(Array.from(picked.batch.inputs)).toEqual([...data.batch.inputs.subarray(12, 15), ...data.batch.inputs.subarray(3, 6)]);
  expect(Array.from(picked.targets!)).toEqual([...data.targets!.subarray(8, 10), ...data.targets!.subarray(2, 4)]);
  model.dispose();
});
