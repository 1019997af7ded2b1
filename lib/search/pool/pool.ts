/**
 * A pool of worker threads (piscina) that train and evaluate search jobs. Each thread initialises its own tfjs
 * backend. From the compiled package (dist/, plain node) the thread is `thread.js` and needs no loader. From the
 * TypeScript sources it is `thread.ts`, run through tsx: under the CLI (tsx) threads inherit its loader from
 * process.execArgv; anywhere else (jest) the pool adds `--import tsx` itself.
 */
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { MessageChannel } from 'worker_threads';
import { Piscina } from 'piscina';
import { UsageError } from '../../util/errors';
import { SearchConfig } from '../config';
import { MemberOutcome, SearchJob } from '../types';
import type { ThreadMessage } from './thread';

/** `auto` → one thread per available core; otherwise a positive integer. */
export function resolveWorkerCount(value: string | number | undefined, flag = '--workers'): number {
  if (value === undefined || value === '') return 1;
  if (value === 'auto') return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`${flag} expects auto or an integer from 1 to 256, got ${JSON.stringify(value)}`);
  return n;
}

/** This module's own extension: `.ts` when running from the sources, `.js` from dist/. */
const OWN_EXT = path.extname(__filename);

/** execArgv for a worker thread running this package from its TypeScript sources (tsx) or from dist/. */
export function threadExecArgv(): string[] {
  const argv = process.execArgv;
  if (OWN_EXT !== '.ts' || argv.some((a) => a.includes('tsx'))) return argv;
  return [...argv, '--import', pathToFileURL(require.resolve('tsx')).href];
}

export class ThreadPool {
  private readonly pool: Piscina;

  constructor(readonly threads: number) {
    this.pool = new Piscina({
      filename: path.join(__dirname, `thread${OWN_EXT}`),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      execArgv: threadExecArgv(),
    });
  }

  /** Trains one batch on some thread; `onOutcome` runs here, in the calling thread, once per job as it finishes. */
  run(config: SearchConfig, jobs: SearchJob[], onOutcome: (outcome: MemberOutcome) => void | Promise<void>): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    return new Promise<void>((resolve, reject) => {
      let ended = false;
      let returned = false;
      let failed = false;
      const pending: Promise<void>[] = [];
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        port1.close();
        reject(err);
      };
      const maybeDone = () => {
        if (ended && returned && !failed) {
          port1.close();
          Promise.all(pending).then(() => resolve(), fail);
        }
      };
      port1.on('message', (message: ThreadMessage) => {
        if (failed) return;
        if (message.type === 'end') {
          ended = true;
          maybeDone();
          return;
        }
        try {
          const p = onOutcome(message.outcome);
          if (p) pending.push(p.catch((err) => fail(err)));
        } catch (err) {
          fail(err);
        }
      });
      this.pool.run({ config, jobs, port: port2 }, { transferList: [port2] as never }).then(() => {
        returned = true;
        maybeDone();
      }, fail);
    });
  }

  /**
   * Runs batches with at most `inFlight` submitted at a time (default two per thread, so a thread never waits for
   * its next batch). Stops submitting after the first error and rejects with it.
   */
  async runAll(
    config: SearchConfig,
    batches: SearchJob[][],
    onOutcome: (outcome: MemberOutcome) => void | Promise<void>,
    inFlight = this.threads * 2,
  ): Promise<void> {
    let next = 0;
    let error: unknown;
    const lane = async () => {
      while (error === undefined && next < batches.length) {
        const batch = batches[next++];
        try {
          await this.run(config, batch, onOutcome);
        } catch (err) {
          if (error === undefined) error = err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
    if (error !== undefined) throw error;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
