import { initBackend } from '../../../lib/backend';
import { MlpModel } from '../../../lib/models/mlp';
import { createHyperteacher, HyperteacherBatch, r2ByTask } from '../../../lib/tasks/hyperteacher';
import { predictVectors, trainVectorModel } from '../../../lib/train/vector';

beforeAll(() => initBackend());

test('smoke: an MLP on a tiny hyperteacher (M=4, K=2) reaches train R² well above 0 in a few hundred steps', async () => {
  const task = createHyperteacher({ seed: 1, modules: 4, maxActive: 2, inputSize: 8, hiddenSize: 8, outputSize: 4 });
  const model = new MlpModel({ arch: 'mlp', inputSize: task.inputSize, hiddenSizes: [64, 64], outputSize: 4, activation: 'relu', head: 'linear', items: 4 }, 1);
  const evalSet = task.evaluationTasks('test', 64);
  const r2 = (b: HyperteacherBatch) => r2ByTask(predictVectors(model, b.batch), b.targets, b.samplesPerTask, task.outputSize).r2;
  const before = r2(evalSet);
  const result = await trainVectorModel(model, task.trainStream(16, 0), { learningRate: 3e-3, loss: 'mse', maxSteps: 300, evalEvery: 100 }, {
    evaluate: () => ({ r2: r2(evalSet) }),
  });
  const after = result.history[result.history.length - 1].metrics.r2;
  expect(before).toBeLessThan(0);
  expect(after).toBeGreaterThan(0.6);
  console.info(`hyperteacher smoke: R² ${before.toFixed(3)} → ${after.toFixed(3)}, ${result.msPerStep.toFixed(2)} ms/step (256 rows, 2×64 MLP, incl. data generation)`);
  model.dispose();
});
