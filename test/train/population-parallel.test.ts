import { initBackend } from '../../lib/backend';
import { trainVectorJobsParallel } from '../../lib/train/population';
import { VectorTrainJob } from '../../lib/train/vector-job';
import { trainVectorJob } from '../../lib/workloads';

beforeAll(() => initBackend('wasm'));

const job = (seed: number, width: number): VectorTrainJob => ({
  task: { kind: 'hyperteacher', modules: 4, maxActive: 2, inputSize: 4, hiddenSize: 4, outputSize: 4, samplesPerTask: 4, fracOod: 0.3 },
  model: { hiddenSizes: [width] },
  training: { maxSteps: 20, evalEvery: 10, tasksPerStep: 8, evalTasks: 32, monitorTasks: 8 },
  seed,
});

test('jobs sharded over 2 worker threads give exactly the results of training them here', async () => {
  const jobs = [job(1, 16), job(2, 16), job(1, 32)];
  const done: number[] = [];
  const results = await trainVectorJobsParallel(jobs, { workers: 2, engine: 'fast', onDone: (i) => done.push(i) });
  expect(done.sort()).toEqual([0, 1, 2]);
  for (const [i, j] of jobs.entries()) {
    const here = await trainVectorJob(j, { engine: 'fast' });
    expect(results[i].job).toEqual(here.job);
    expect(results[i].metrics).toEqual(here.metrics);
  }
  // Different jobs, different models: the comparison above is not between identical constants.
  expect(results[0].metrics.idR2).not.toBe(results[1].metrics.idR2);
}, 120_000);

test('a bad worker count is refused', async () => {
  await expect(trainVectorJobsParallel([job(1, 16)], { workers: 0 })).rejects.toThrow(/workers/);
});
