/**
 * runSearch: the haystack search end to end. Plans the jobs, skips those already in the stores (resume), trains the
 * rest inline, on a worker-thread pool, or through a BullMQ queue, records each result as it arrives, and writes the
 * summary at the end.
 *
 *   const config = buildSearchConfig({ split: 'sample1', trainer: 'reference', hiddenSize: 64 });
 *   await runSearch({ out: 'runs/s1', config, plan: { seeds: parseSeedList('0..99'), regimes: ['atomic+composed'] } });
 */
import * as path from 'path';
import { backendHeader, initBackend } from '../backend';
import { writeFileAtomic } from '../util/atomic';
import { Progress } from '../util/progress';
import { SearchConfig, saveOrCheckSearchConfig } from './config';
import { acquireOutLock } from '../experiments/lock';
import { disposeEvalModels, trainAndEvaluate } from './member';
import { ThreadPool } from './pool/pool';
import { runQueueCoordinator } from './queue/coordinator';
import { redactUrl } from './queue/connection';
import { SearchRecorder } from './recorder';
import { JobPlan, planJobs } from './seeds';
import { PLAN_FILE, SearchSummary, writeSearchSummary } from './summary';
import { searchTrainer } from './trainer';
import { SearchJob, SearchTrainer } from './types';

export interface SearchPlan extends JobPlan {
  /** Models of the random-task-codes control per regime (init seeds 0..n-1, data-order seed = init seed). */
  baselineSeeds?: number;
}

export interface RunSearchOptions {
  out: string;
  config: SearchConfig;
  plan: SearchPlan;
  /** 1 (default): train in this thread. N > 1: a pool of N worker threads. Ignored with `queue`. */
  workers?: number;
  /** A Redis URL: enqueue the jobs there and collect results from `complens worker` processes. */
  queue?: string;
  /** Members per trainer call (default: the trainer's own preference). */
  membersPerCall?: number;
  quiet?: boolean;
  /** Header and notes (default: stderr unless quiet). */
  log?: (line: string) => void;
  /** Write summary files at the end (default true). */
  summary?: boolean;
  /** Inline mode only: use this trainer function instead of the named one (tests). */
  trainer?: SearchTrainer;
  /** Passed to the queue coordinator. */
  queueAttempts?: number;
  queuePollMs?: number;
  /** Seconds between progress lines when stderr is not a terminal (default 10). */
  progressSeconds?: number;
}

export interface RunSearchResult {
  searchId: string;
  planned: number;
  alreadyDone: number;
  recorded: number;
  failed: { key: string; reason: string }[];
  summary?: SearchSummary;
}

/** Splits jobs into trainer calls: consecutive jobs of one variant and regime, at most `size` each. */
export function batchJobs(jobs: readonly SearchJob[], size: number): SearchJob[][] {
  const out: SearchJob[][] = [];
  let current: SearchJob[] = [];
  for (const job of jobs) {
    const last = current[current.length - 1];
    if (current.length >= size || (last && (last.variant !== job.variant || last.regime !== job.regime))) {
      out.push(current);
      current = [];
    }
    current.push(job);
  }
  if (current.length) out.push(current);
  return out;
}

export function allJobs(plan: SearchPlan): SearchJob[] {
  const controls = plan.baselineSeeds
    ? planJobs({ seeds: Array.from({ length: plan.baselineSeeds }, (_, i) => i), regimes: plan.regimes }, 'random-task-codes')
    : [];
  // The control first: it is small, and every summary should have it.
  return [...controls, ...planJobs(plan, 'haystack')];
}

export async function runSearch(options: RunSearchOptions): Promise<RunSearchResult> {
  const out = path.resolve(options.out);
  const log = options.log ?? ((line: string) => (options.quiet ? undefined : process.stderr.write(line + '\n')));
  const { config } = options;
  const release = acquireOutLock(out);
  let recorder: SearchRecorder | undefined;
  try {
    await initBackend();
    const { id } = saveOrCheckSearchConfig(out, config);
    recorder = new SearchRecorder(out, config, id, log);
    const jobs = allJobs(options.plan);
    const pending = jobs.filter((j) => !recorder!.has(j));
    const plan = {
      models: jobs.filter((j) => j.variant === 'haystack').length,
      controls: jobs.filter((j) => j.variant !== 'haystack').length,
      regimes: options.plan.regimes,
      seeds: options.plan.seeds.length,
      dataSeeds: options.plan.dataSeeds?.length ?? 'paired',
      baselineSeeds: options.plan.baselineSeeds ?? 0,
      written: new Date().toISOString(),
    };
    writeFileAtomic(path.join(out, PLAN_FILE), JSON.stringify(plan, null, 1) + '\n');
    const entry = searchTrainer(config.trainer);
    const perCall = options.membersPerCall ?? entry.membersPerCall;
    const workers = options.workers ?? 1;
    const mode = options.queue ? `queue ${redactUrl(options.queue)}` : workers > 1 ? `${workers} worker threads` : 'inline';
    log(`complens search ${id} · ${backendHeader()} · trainer ${config.trainer} (${perCall}/call) · ${mode}`);
    log(`  ${jobs.length} models planned, ${jobs.length - pending.length} already recorded, ${pending.length} to train · out ${out}`);

    const progress = new Progress({ total: pending.length, label: 'search', quiet: options.quiet, intervalSeconds: options.progressSeconds });
    let recorded = 0;
    let sumZeroShot = 0;
    let above80 = 0;
    let haystackRecorded = 0;
    recorder.onRecorded(({ row }) => {
      recorded++;
      if (row.variant === 'haystack') {
        haystackRecorded++;
        sumZeroShot += row.zeroShot;
        if (row.zeroShot > 0.8) above80++;
      }
      const mean = haystackRecorded ? `mean zero-shot ${((sumZeroShot / haystackRecorded) * 100).toFixed(1)}% · >80%: ${above80}` : 'control models';
      progress.update(recorded, `${mean} · last ${row.variant === 'haystack' ? '' : 'control '}${row.key} ${(row.zeroShot * 100).toFixed(1)}% (${row.train.steps} steps)`);
    });
    const record = (o: Parameters<SearchRecorder['record']>[0]) => {
      recorder!.record(o);
    };

    let failed: RunSearchResult['failed'] = [];
    if (options.queue) {
      const result = await runQueueCoordinator({
        url: options.queue,
        config,
        searchId: id,
        jobs: pending,
        recorder,
        log,
        attempts: options.queueAttempts,
        pollMs: options.queuePollMs,
      });
      failed = result.failed;
    } else if (workers > 1) {
      const pool = new ThreadPool(workers);
      try {
        await pool.runAll(config, batchJobs(pending, perCall), record);
      } finally {
        await pool.close();
      }
    } else {
      for (const batch of batchJobs(pending, perCall)) await trainAndEvaluate(config, batch, record, { trainer: options.trainer });
      disposeEvalModels();
    }
    progress.finish(`${recorded} models recorded${failed.length ? `, ${failed.length} failed` : ''}`);

    let summary: SearchSummary | undefined;
    if (options.summary !== false) summary = await writeSearchSummary(out);
    return { searchId: id, planned: jobs.length, alreadyDone: jobs.length - pending.length, recorded, failed, summary };
  } finally {
    recorder?.close();
    release();
  }
}
