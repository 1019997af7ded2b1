import { initBackend } from '../../../lib/backend';
import { MlpModel } from '../../../lib/models/mlp';
import { createSubroutineTask, oddOneOutAccuracy, SubroutineSplitName } from '../../../lib/tasks/subroutines';
import { predictVectors, trainVectorModel } from '../../../lib/train/vector';

beforeAll(() => initBackend());

test.each([
  ['vision', 300],
  ['language', 100],
] as const)('smoke: an odd-one-out MLP learns the %s base task above chance (> 0.6) in seconds', async (variant, steps) => {
  const task = createSubroutineTask({ variant, seed: 1, sizes: { train: 2000, val: 100, test: 500, partition: 200 } });
  const model = new MlpModel({ arch: 'mlp', inputSize: task.inputSize, hiddenSizes: [64, 64], outputSize: 32, activation: 'relu', head: 'odd-one-out', items: 4 }, 1);
  const acc = (name: SubroutineSplitName) => {
    const split = task.split(name);
    return oddOneOutAccuracy(predictVectors(model, split.batch), split.labels);
  };
  const before = acc('base_test');
  const result = await trainVectorModel(model, task.split('base_train'), { loss: 'softmax-ce', learningRate: 3e-3, batchSize: 64, maxSteps: steps, evalEvery: steps });
  const after = acc('base_test');
  expect(before).toBeLessThan(0.45);
  expect(after).toBeGreaterThan(0.6);
  console.info(`subroutines ${variant} smoke: base_test ${before.toFixed(3)} → ${after.toFixed(3)}, only_A ${acc('only_A').toFixed(2)}, only_B ${acc('only_B').toFixed(2)}; ${result.msPerStep.toFixed(2)} ms/step (64 problems, item ${task.itemSize})`);
  model.dispose();
});
