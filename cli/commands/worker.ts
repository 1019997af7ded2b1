/**
 * `complens worker --queue URL`: trains haystack-search jobs from a BullMQ queue, on any machine that can reach the
 * Redis server. See docs/search.md ("Distributed searches").
 */
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { jsonFlag } from '../flags';
import { initBackend, backendHeader } from '../../lib/backend';
import { UsageError } from '../../lib/util/errors';
import { defaultTrainerName, resolveWorkerCount, runQueueWorker, validateRedisUrl } from '../../lib/search';
import { redactUrl } from '../../lib/search/queue/connection';
import { runCommand } from '../run';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'train haystack-search jobs from a Redis queue (start any number, on any machine)',
  flags: [
    { name: 'queue', type: 'string', value: 'URL', help: 'the Redis the search enqueued on, e.g. redis://10.0.0.5:6379 (required)' },
    { name: 'workers', type: 'string', value: 'auto|N', default: '1', help: 'training threads in this process' },
    { name: 'lock-seconds', type: 'number', default: 30, help: 'job lock duration: a killed worker\'s job is handed to another worker after about this long' },
    { name: 'idle-exit', type: 'number', value: 'SECONDS', default: 0, help: 'exit after this many seconds without work once the queue has no waiting, delayed or active job (0 = run until stopped)' },
    jsonFlag('the counts of jobs done and failed', 'on stdout when the worker stops'),
  ],
  details: [
    'Each job is one model of a search (its settings are read from Redis). Ctrl-C (or SIGTERM) stops after the jobs',
    'in progress; a second Ctrl-C stops at once. A worker killed mid-job loses nothing: the job goes back to the',
    'queue once its lock expires, and its result is recorded exactly once.',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    if (typeof f.queue !== 'string') throw new UsageError('worker: --queue is required, e.g. --queue redis://127.0.0.1:6379');
    const url = validateRedisUrl(f.queue);
    const threads = resolveWorkerCount(f.workers as string);
    const lockSeconds = f['lock-seconds'] as number;
    if (!(lockSeconds >= 1 && lockSeconds <= 3600)) throw new UsageError(`worker: --lock-seconds expects a number from 1 to 3600, got ${lockSeconds}`);
    const idle = f['idle-exit'] as number;
    if (!(idle >= 0)) throw new UsageError(`worker: --idle-exit expects a number of seconds >= 0, got ${idle}`);
    const quiet = Boolean(f.quiet);
    const log = (line: string) => {
      if (!quiet) process.stderr.write(line + '\n');
    };
    await initBackend();
    log(`complens worker pid ${process.pid} · ${backendHeader()} · queue ${redactUrl(url)} · ${threads} thread(s) · default trainer ${defaultTrainerName()}`);
    let signals = 0;
    const stopSignal = new Promise<void>((resolve) => {
      const onSignal = (sig: NodeJS.Signals) => {
        signals++;
        if (signals > 1) process.exit(130);
        log(`${sig}: stopping after the jobs in progress (again to stop now; unfinished jobs are retried elsewhere)`);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    const result = await runQueueWorker({ url, threads, lockSeconds, idleExitSeconds: idle, log, stopSignal });
    log(`worker stopped: ${result.processed} jobs done, ${result.failed} failed`);
    if (f.json) console.log(JSON.stringify({ processed: result.processed, failed: result.failed }));
    return 0;
  },
};

if (require.main === module) {
  runCommand(workerCommand, process.argv.slice(2)).then((code) => process.exit(code));
}
