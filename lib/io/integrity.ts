/**
 * What a checkpoint's hashes cover and what loading may allocate. Since format 2, complens.json records a sha256 of
 * each part that determines the model's behaviour besides weights.bin: the manifest (names, order, shapes, dtypes)
 * and the `model` and `task` sections (canonical JSON, so key order does not matter). An edit to any of them is
 * refused unless the caller trusts edited checkpoints, in which case it loads with a one-line warning.
 * Memory limits are checked arithmetically, before any tensor or model exists.
 */
import * as crypto from 'crypto';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { canonicalJson } from '../util/validate';

export interface IntegrityHashes {
  manifest: string;
  model: string;
  task: string;
}

export function sha256(text: string | Uint8Array): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function integrityOf(manifest: ReadonlyArray<{ name: string; shape: readonly number[]; dtype: string }>, model: unknown, task: unknown): IntegrityHashes {
  return {
    manifest: sha256(canonicalJson(manifest.map((e) => ({ name: e.name, shape: e.shape, dtype: e.dtype })))),
    model: sha256(canonicalJson(model)),
    task: sha256(canonicalJson(task)),
  };
}

let trustEditedDefault = false;

/** Process-wide default for `trustEdited` (the CLI's global --trust-edited flag sets it). */
export function setTrustEdited(on: boolean): void {
  trustEditedDefault = on;
}

export function trustEdited(option: boolean | undefined): boolean {
  return option ?? trustEditedDefault;
}

export const defaultWarn = (message: string): void => {
  console.error(`warning: ${message}`);
};

/** The tfjs wasm heap cannot grow past 4 GiB (emscripten getHeapMax: 4294901760 bytes). */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;
/**
 * A checkpoint's tensors may use half of it: the model's variables, their loaded copies and the first forward pass
 * share the heap, and tfjs 4.22 was observed to fail with "memory access out of bounds" above ~2 GB.
 */
export const WASM_TENSOR_BUDGET_BYTES = 2 ** 31;

export interface MemoryEstimate {
  /** Bytes held in the JS process outside tfjs (file buffer, decoded copies, initial values). */
  hostBytes: number;
  /** Bytes the tfjs backend holds at the peak of loading. */
  backendBytes: number;
}

/**
 * Why loading would not fit, or undefined when it fits: the backend part is compared with the wasm heap budget
 * (on the wasm backend), the total with the memory the OS reports as free.
 */
export function memoryProblem(estimate: MemoryEstimate): string | undefined {
  const mb = (b: number) => `${Math.ceil(b / 2 ** 20).toLocaleString('en-US')} MB`;
  const total = estimate.hostBytes + estimate.backendBytes;
  if (tf.getBackend() === 'wasm' && estimate.backendBytes > WASM_TENSOR_BUDGET_BYTES) {
    return `loading needs about ${mb(estimate.backendBytes)} of tensors in the wasm heap, over its ${mb(WASM_TENSOR_BUDGET_BYTES)} budget (the heap stops at 4 GiB)`;
  }
  const free = availableMemory();
  if (total > free) return `loading needs about ${mb(total)}, but only ${mb(free)} of ${mb(os.totalmem())} is free`;
  return undefined;
}

/** What the OS reports available, or less inside a container whose cgroup limit is below it. */
export function availableMemory(): number {
  const free = os.freemem();
  // Node reports 0 or a huge number (2^64) when the process is not constrained.
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  if (limit > 0 && limit < os.totalmem()) return Math.max(0, Math.min(free, limit - process.memoryUsage.rss()));
  return free;
}
