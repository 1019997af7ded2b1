/**
 * Populations of vector jobs (seeds, widths, data settings of the hyperteacher or subroutine MLPs) sharded over
 * worker threads: each thread has its own tfjs wasm instance (wasm in Node is single-threaded), trains whole jobs
 * with the fast engine, and jobs go to whichever thread is free. Results are the jobs' own: a job trains exactly as
 * `trainVectorJob` would in the calling thread (the same seeds, batches and arithmetic; only the thread differs).
 */
import * as path from 'path';
import { Piscina } from 'piscina';
import { threadExecArgv } from '../../search/pool/pool';
import { ComplensError } from '../../util/errors';
import type { VectorEngine } from '../vector';
import type { VectorJobResult, VectorTrainJob } from '../vector-job';
import type { VectorJobTask } from './thread';

export interface ParallelJobsOptions {
  /** Worker threads (default 2: this project's machines have 2 cores). */
  workers?: number;
  engine?: VectorEngine;
  /** Called in the calling thread as each job finishes (in completion order). */
  onDone?: (index: number, result: VectorJobResult) => void;
}

export async function trainVectorJobsParallel(jobs: readonly VectorTrainJob[], options: ParallelJobsOptions = {}): Promise<VectorJobResult[]> {
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1) throw new ComplensError(`workers: expected a positive integer, got ${workers}`);
  const pool = new Piscina({
    filename: path.join(__dirname, `thread${path.extname(__filename)}`),
    minThreads: Math.min(workers, jobs.length),
    maxThreads: workers,
    execArgv: threadExecArgv(),
  });
  try {
    return await Promise.all(jobs.map(async (job, index) => {
      const task: VectorJobTask = { job, engine: options.engine };
      const result = (await pool.run(task)) as VectorJobResult;
      options.onDone?.(index, result);
      return result;
    }));
  } finally {
    await pool.destroy();
  }
}
