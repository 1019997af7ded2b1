/**
 * The search side of distributed mode: publishes the config, enqueues one BullMQ job per pending model (job id
 * derived from the row key, so enqueueing twice is a no-op), and collects completed jobs into the local stores.
 *
 * Exactly once: a completed job is recorded (the store refuses a key it holds) and only then removed from Redis.
 * A crash between the two leaves the job in Redis; the next collection finds its key stored and just removes it.
 * A worker that dies mid-job stops renewing its lock; BullMQ's stalled-job check (run by any live worker) puts the
 * job back in the queue and another worker trains it again — the same seeds give the same model, recorded once.
 * The coordinator can itself be stopped at any time: results wait in Redis until a re-run collects them.
 */
import type { Job } from 'bullmq';
import { SearchConfig } from '../config';
import { SearchRecorder } from '../recorder';
import { SearchJob } from '../types';
import {
  configKey, decodeWeights, ensureReachable, QUEUE_NAME, QueueJobData, QueueJobResult, queueJobId, redactUrl, redisConnection, retentionKey,
} from './connection';

export interface QueueCoordinatorOptions {
  url: string;
  config: SearchConfig;
  searchId: string;
  /** Jobs not yet in the stores. */
  jobs: SearchJob[];
  recorder: SearchRecorder;
  log?: (line: string) => void;
  /** Called after each recorded row (progress). */
  onRecorded?: () => void;
  pollMs?: number;
  /** Attempts per job before it counts as failed (a stalled restart does not use one). */
  attempts?: number;
}

export interface QueueCoordinatorResult {
  recorded: number;
  failed: { key: string; reason: string }[];
}

const PAGE = 500;

export async function runQueueCoordinator(options: QueueCoordinatorOptions): Promise<QueueCoordinatorResult> {
  const { url, config, searchId, recorder } = options;
  const log = options.log ?? (() => {});
  const attempts = options.attempts ?? 3;
  const { Queue } = require('bullmq') as typeof import('bullmq'); // loaded on first use
  const connection = redisConnection(url);
  await ensureReachable(connection, url);
  const queue = new Queue<QueueJobData, QueueJobResult>(QUEUE_NAME, { connection });
  const remaining = new Set(options.jobs.map((j) => `${j.variant}/${j.key}`));
  const failed = new Map<string, string>();
  const malformed = new Set<string>();
  let recorded = 0;

  const publishRetention = () => connection.set(retentionKey(searchId), JSON.stringify(recorder.retention.snapshot()));

  /** Records completed jobs of this search and removes them from Redis. Returns how many rows were new. */
  const collect = async (): Promise<number> => {
    let fresh = 0;
    let start = 0;
    for (;;) {
      const page = (await queue.getJobs(['completed'], start, start + PAGE - 1, true)).filter(Boolean) as Job<QueueJobData, QueueJobResult>[];
      let others = 0;
      for (const job of page) {
        if (job.data?.searchId !== searchId) {
          others++;
          continue;
        }
        const result = job.returnvalue;
        const { searchId: _id, ...jobFields } = job.data;
        if (result?.row) {
          const outcome = { job: jobFields, row: result.row, weights: result.weights ? decodeWeights(result.weights) : undefined };
          if (recorder.record(outcome) === 'recorded') {
            fresh++;
            recorded++;
            options.onRecorded?.();
          }
          remaining.delete(`${jobFields.variant}/${jobFields.key}`);
          await job.remove().catch(() => {});
        } else {
          // Left in Redis for inspection (so the paging skips it); counted as failed so the search does not wait for it.
          others++;
          if (!malformed.has(String(job.id))) {
            malformed.add(String(job.id));
            const id = `${jobFields.variant}/${jobFields.key}`;
            if (remaining.delete(id)) failed.set(id, 'completed without a result row (remove the job and re-run)');
            log(`warning: job ${job.id} completed without a result row; remove it and re-run to train that model again`);
          }
        }
      }
      if (page.length < PAGE) break;
      start += others;
    }
    return fresh;
  };

  /** Jobs that used up their attempts: reported, not waited for (a re-run retries them). */
  const checkFailed = async (retry: boolean): Promise<void> => {
    let start = 0;
    for (;;) {
      const page = (await queue.getJobs(['failed'], start, start + PAGE - 1, true)).filter(Boolean) as Job<QueueJobData, QueueJobResult>[];
      let skipped = 0;
      for (const job of page) {
        const id = `${job.data?.variant}/${job.data?.key}`;
        if (job.data?.searchId !== searchId) {
          skipped++;
        } else if (recorder.has({ ...job.data })) {
          await job.remove().catch(() => {});
        } else if (retry) {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => {});
        } else {
          skipped++;
          if (!failed.has(id) && remaining.has(id)) {
            failed.set(id, job.failedReason ?? 'unknown');
            remaining.delete(id);
            log(`job ${job.id} failed after ${job.attemptsMade} attempts: ${job.failedReason}`);
          }
        }
      }
      if (page.length < PAGE) break;
      start += skipped;
    }
  };

  try {
    await connection.set(configKey(searchId), JSON.stringify(config));
    await publishRetention();
    await collect();
    await checkFailed(true);
    const toEnqueue = options.jobs.filter((j) => !recorder.has(j));
    for (let i = 0; i < toEnqueue.length; i += 1000) {
      await queue.addBulk(
        toEnqueue.slice(i, i + 1000).map((j) => ({
          name: 'train',
          data: { searchId, variant: j.variant, initSeed: j.initSeed, dataSeed: j.dataSeed, regime: j.regime, key: j.key },
          opts: {
            jobId: queueJobId(searchId, j.variant, j.key),
            attempts,
            backoff: { type: 'fixed', delay: 1000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
    }
    if (remaining.size) log(`queue ${redactUrl(url)}: ${remaining.size} jobs waiting for workers (start them with: complens worker --queue ${redactUrl(url)})`);
    let lastWaitingLog = Date.now();
    while (remaining.size > 0) {
      const fresh = await collect();
      if (fresh) await publishRetention();
      await checkFailed(false);
      if (remaining.size === 0) break;
      if (Date.now() - lastWaitingLog > 60_000) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        log(`queue: ${remaining.size} to go (waiting ${counts.waiting}, active ${counts.active}, delayed ${counts.delayed})`);
        lastWaitingLog = Date.now();
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  } finally {
    await queue.close().catch(() => {});
    connection.disconnect();
  }
  return { recorded, failed: [...failed].map(([key, reason]) => ({ key, reason })) };
}
