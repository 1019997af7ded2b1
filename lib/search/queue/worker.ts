/**
 * The worker side of distributed mode (`complens worker --queue URL`): consumes search jobs from any search on the
 * queue, trains them on a pool of worker threads (so this thread stays free to renew BullMQ job locks however long
 * training takes) and returns each row as the job's result. Jobs of one search, variant and regime that arrive
 * together are trained in one trainer call of up to `membersPerCall` members (the population trainer's batch).
 *
 * Killed mid-job (SIGKILL, power loss), a worker loses nothing: its job's lock expires after `lockSeconds`, any live
 * worker's stalled-job check puts it back in the queue, and the coordinator records its row once.
 */
import type { Job } from 'bullmq';
import { ComplensError } from '../../util/errors';
import { SearchConfig } from '../config';
import { defaultWorkerLabel } from '../member';
import { ThreadPool } from '../pool/pool';
import { mightKeep, RetentionSnapshot } from '../retention';
import { defaultTrainerName, searchTrainer } from '../trainer';
import { MemberOutcome, SearchJob } from '../types';
import {
  configKey, encodeWeights, ensureReachable, QUEUE_NAME, QueueJobData, QueueJobResult, redisConnection, retentionKey,
} from './connection';

export interface QueueWorkerOptions {
  url: string;
  /** Training threads (default 1). */
  threads?: number;
  /** BullMQ lock duration; a killed worker's job is retried after about this long (default 30). */
  lockSeconds?: number;
  /**
   * Exit after this many seconds without work while the queue holds no waiting, delayed or active job (default: run
   * until stopped). Active jobs count because a dead worker's active jobs come back once their lock expires: a worker
   * that left while they were still "active" would strand them.
   */
  idleExitSeconds?: number;
  log?: (line: string) => void;
  /** Resolves the worker's stop; the CLI wires SIGINT/SIGTERM to it. */
  stopSignal?: Promise<unknown>;
}

interface Waiting {
  job: SearchJob;
  resolve: (outcome: MemberOutcome) => void;
  reject: (err: unknown) => void;
}

export async function runQueueWorker(options: QueueWorkerOptions): Promise<{ processed: number; failed: number }> {
  const log = options.log ?? (() => {});
  const threads = options.threads ?? 1;
  const lockMs = Math.round((options.lockSeconds ?? 30) * 1000);
  const connection = redisConnection(options.url);
  await ensureReachable(connection, options.url);
  const pool = new ThreadPool(threads);
  const configs = new Map<string, Promise<SearchConfig>>();
  const groups = new Map<string, { config: SearchConfig; items: Waiting[]; timer?: NodeJS.Timeout }>();
  const label = defaultWorkerLabel();
  let processed = 0;
  let failedCount = 0;
  let busy = 0;
  let lastActivity = Date.now();

  const loadConfig = (searchId: string): Promise<SearchConfig> => {
    let p = configs.get(searchId);
    if (!p) {
      p = connection.get(configKey(searchId)).then((text) => {
        if (!text) throw new ComplensError(`search ${searchId}: no config in Redis (was the coordinator's queue flushed?)`);
        return JSON.parse(text) as SearchConfig;
      });
      p.catch(() => configs.delete(searchId));
      configs.set(searchId, p);
    }
    return p;
  };

  const flush = (groupKey: string) => {
    const group = groups.get(groupKey);
    if (!group || group.items.length === 0) return;
    groups.delete(groupKey);
    if (group.timer) clearTimeout(group.timer);
    const items = group.items;
    const byKey = new Map(items.map((w) => [w.job.key, w]));
    const settled = new Set<string>();
    pool
      .run(group.config, items.map((w) => w.job), (outcome) => {
        const w = byKey.get(outcome.job.key);
        if (w && !settled.has(outcome.job.key)) {
          settled.add(outcome.job.key);
          w.resolve(outcome);
        }
      })
      .then(
        () => items.filter((w) => !settled.has(w.job.key)).forEach((w) => w.reject(new ComplensError(`the trainer produced no result for ${w.job.key}`))),
        (err) => items.filter((w) => !settled.has(w.job.key)).forEach((w) => w.reject(err)),
      );
  };

  const train = (searchId: string, config: SearchConfig, job: SearchJob): Promise<MemberOutcome> =>
    new Promise((resolve, reject) => {
      const groupKey = `${searchId}/${job.variant}/${job.regime}`;
      let group = groups.get(groupKey);
      if (!group) groups.set(groupKey, (group = { config, items: [] }));
      group.items.push({ job, resolve, reject });
      const per = searchTrainer(config.trainer).membersPerCall;
      if (group.items.length >= per) flush(groupKey);
      else if (!group.timer) group.timer = setTimeout(() => flush(groupKey), 200);
    });

  const processor = async (job: Job<QueueJobData, QueueJobResult>): Promise<QueueJobResult> => {
    busy++;
    try {
      const { searchId, ...fields } = job.data;
      const config = await loadConfig(searchId);
      log(`${label}: training ${fields.variant} ${fields.key} (search ${searchId}, attempt ${job.attemptsMade + 1})`);
      const outcome = await train(searchId, config, fields);
      let weights: QueueJobResult['weights'];
      if (fields.variant === 'haystack' && outcome.weights) {
        const text = await connection.get(retentionKey(searchId));
        const snapshot: RetentionSnapshot | undefined = text ? JSON.parse(text) : undefined;
        if (mightKeep(outcome.row, snapshot, config.retention)) weights = encodeWeights(outcome.weights);
      }
      return { row: outcome.row, weights };
    } finally {
      busy--;
      lastActivity = Date.now();
    }
  };

  const membersPerCall = searchTrainer(defaultTrainerName()).membersPerCall;
  const { Queue, Worker } = require('bullmq') as typeof import('bullmq'); // loaded on first use
  const observer = new Queue(QUEUE_NAME, { connection });
  const worker = new Worker<QueueJobData, QueueJobResult>(QUEUE_NAME, processor, {
    connection,
    concurrency: threads * membersPerCall,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 10,
  });
  worker.on('completed', (job) => {
    processed++;
    log(`${label}: done ${job.data.key} (zero-shot ${((job.returnvalue?.row.zeroShot ?? NaN) * 100).toFixed(1)}%)`);
  });
  worker.on('failed', (job, err) => {
    failedCount++;
    log(`${label}: job ${job?.id ?? '?'} failed: ${err.message}`);
  });
  worker.on('error', (err) => log(`${label}: queue error: ${err.message}`));

  await new Promise<void>((resolve) => {
    let idleTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (idleTimer) clearInterval(idleTimer);
      resolve();
    };
    if (options.idleExitSeconds && options.idleExitSeconds > 0) {
      const limit = options.idleExitSeconds * 1000;
      let checking = false;
      idleTimer = setInterval(() => {
        if (checking || busy > 0 || Date.now() - lastActivity <= limit) return;
        checking = true;
        queueIsEmpty(observer)
          .then((empty) => {
            if (!empty) return;
            log(`${label}: idle for ${options.idleExitSeconds}s and the queue is empty, stopping`);
            stop();
          })
          .catch(() => {})
          .finally(() => (checking = false));
      }, 250);
    }
    options.stopSignal?.then(stop);
  });
  await worker.close();
  await observer.close();
  await pool.close();
  connection.disconnect();
  return { processed, failed: failedCount };
}

/** No job left that this or another worker could still take (stalled active jobs return to waiting). */
async function queueIsEmpty(queue: import('bullmq').Queue): Promise<boolean> {
  const counts = await queue.getJobCounts('waiting', 'paused', 'prioritized', 'delayed', 'active');
  return Object.values(counts).every((n) => n === 0);
}
