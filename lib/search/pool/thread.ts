/**
 * The worker-thread side of the pool (a piscina task): initialises the tfjs backend in this thread (once), trains and
 * evaluates a batch of jobs, and streams each outcome back over the task's MessagePort as soon as it is ready, so the
 * coordinator records rows one by one rather than per batch. The last message on the port is always {type: 'end'}.
 */
import { MessagePort } from 'worker_threads';
import { initBackend } from '../../backend';
import { SearchConfig } from '../config';
import { trainAndEvaluate } from '../member';
import { SearchJob } from '../types';

export interface ThreadTask {
  config: SearchConfig;
  jobs: SearchJob[];
  port: MessagePort;
}

export type ThreadMessage = { type: 'outcome'; outcome: import('../types').MemberOutcome } | { type: 'end' };

export default async function runThreadTask(task: ThreadTask): Promise<{ jobs: number }> {
  await initBackend();
  try {
    await trainAndEvaluate(task.config, task.jobs, (outcome) => task.port.postMessage({ type: 'outcome', outcome } satisfies ThreadMessage));
  } finally {
    task.port.postMessage({ type: 'end' } satisfies ThreadMessage);
    task.port.close();
  }
  return { jobs: task.jobs.length };
}
