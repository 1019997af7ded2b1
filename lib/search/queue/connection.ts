/**
 * Redis connections and key names shared by the queue coordinator and workers.
 *
 * One BullMQ queue, `complens-search`, carries the jobs of every search; a job's data names its search id, and the
 * search's config lives once in Redis under `complens:search:<id>:config` (jobs stay small: a few numbers each).
 */
import type IORedis from 'ioredis';
import { ComplensError, UsageError } from '../../util/errors';

export const QUEUE_NAME = 'complens-search';

export const configKey = (searchId: string) => `complens:search:${searchId}:config`;
/** The coordinator's current retention thresholds (JSON RetentionSnapshot), read by workers to skip sending weights. */
export const retentionKey = (searchId: string) => `complens:search:${searchId}:retention`;

/** BullMQ job id: derived from the row key, so enqueueing the same model twice is a no-op. */
export function queueJobId(searchId: string, variant: string, key: string): string {
  return `${searchId}_${variant}_${key}`;
}

/** What a queue job carries. */
export interface QueueJobData {
  searchId: string;
  variant: 'haystack' | 'random-task-codes';
  initSeed: number;
  dataSeed: number;
  regime: 'atomic+composed' | 'composed-only';
  key: string;
}

/** What a worker returns: the row, and the weights (base64 float32 per parameter) only when they may be kept. */
export interface QueueJobResult {
  row: import('../types').SearchRow;
  weights?: Record<string, string>;
}

export function validateRedisUrl(url: unknown, flag = '--queue'): string {
  if (typeof url !== 'string' || url === '') throw new UsageError(`${flag} expects a Redis URL such as redis://127.0.0.1:6379`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${flag} expects a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`${flag} expects a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  }
  return url;
}

/** A connection as BullMQ needs it (no per-request retry limit). */
export function redisConnection(url: string): IORedis {
  // Loaded on first use: the CLI imports this module for every command.
  const Redis = (require('ioredis') as typeof import('ioredis')).default;
  const client = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
  // Connection errors surface through `ensureReachable` and failed commands; without a listener ioredis would log them.
  client.on('error', () => {});
  return client;
}

/** Fails with one clear line when Redis cannot be reached within `timeoutMs`. */
export async function ensureReachable(client: IORedis, url: string, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
  } catch (err) {
    client.disconnect();
    throw new ComplensError(`cannot reach Redis at ${redactUrl(url)} (${(err as Error).message}); is redis-server running?`);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The URL with any password replaced by ***, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export function encodeWeights(weights: Record<string, Float32Array>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, w] of Object.entries(weights)) out[name] = Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64');
  return out;
}

export function decodeWeights(encoded: Record<string, string>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, text] of Object.entries(encoded)) {
    const bytes = Buffer.from(text, 'base64');
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    out[name] = new Float32Array(copy.buffer);
  }
  return out;
}
