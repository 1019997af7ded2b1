/**
 * The worker-thread side of trainVectorJobsParallel (a piscina task): initialises this thread's own tfjs wasm
 * backend once, trains one vector job and returns its result (plain data: metrics, evaluation, training summary).
 */
import { initBackend } from '../../backend';
import { VectorJobResult, VectorTrainJob } from '../vector-job';
// A worker's entry point: the vector workloads (and their objectives) are looked up by name in its own registry.
import { trainVectorJob } from '../../workloads/vector-jobs';
import type { VectorEngine } from '../vector';

export interface VectorJobTask {
  job: VectorTrainJob;
  engine?: VectorEngine;
}

export default async function runVectorJobTask(task: VectorJobTask): Promise<VectorJobResult> {
  await initBackend();
  return trainVectorJob(task.job, { engine: task.engine });
}
