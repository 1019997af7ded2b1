/**
 * The one place that chooses the tfjs backend. Order: `COMPLENS_BACKEND` if set; else @tensorflow/tfjs-node when
 * the user installed it (optional peer: it cannot install on machines without access to its binary host);
 * else @tensorflow/tfjs-backend-wasm (ships its .wasm inside the npm package); else the pure-JS `cpu` backend.
 * Every log header, checkpoint and report records `backendInfo()`.
 */
import * as tf from '@tensorflow/tfjs';
import { ComplensError } from '../util/errors';
import { installWasmPatches } from './wasm-patches';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  backend: BackendName;
  tfjsVersion: string;
  /** Versions of the packages whose numerics matter for reproducibility. */
  versions: Record<string, string>;
  /** Kernel replacements active on this backend (see wasm-patches.ts). */
  patches: string[];
  node: string;
}

let ready: Promise<BackendInfo> | undefined;
let info: BackendInfo | undefined;

const aliases: Record<string, BackendName> = { node: 'tensorflow', tensorflow: 'tensorflow', 'tfjs-node': 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/**
 * Picks and initialises the backend once per process; later calls return the same info.
 * `preferred` (or COMPLENS_BACKEND) forces one backend and fails clearly if it cannot start.
 */
export function initBackend(preferred?: string): Promise<BackendInfo> {
  if (!ready) ready = choose(preferred ?? process.env.COMPLENS_BACKEND).then((i) => (info = i));
  return ready;
}

/** The info of the initialised backend; throws if `initBackend` has not finished. */
export function backendInfo(): BackendInfo {
  if (!info) throw new ComplensError('the tfjs backend is not initialised: await initBackend() first');
  return info;
}

/** One line for log headers: `backend wasm (tfjs 4.22.0; patches: matmul-transpose)`. */
export function backendHeader(): string {
  const i = backendInfo();
  return `backend ${i.backend} (tfjs ${i.tfjsVersion}, node ${i.node}${i.patches.length ? `; patches: ${i.patches.join(', ')}` : ''})`;
}

async function choose(requested: string | undefined): Promise<BackendInfo> {
  const forced = requested ? aliases[requested.toLowerCase()] : undefined;
  if (requested && !forced) {
    throw new ComplensError(`COMPLENS_BACKEND: expected one of tensorflow, wasm, cpu; got ${JSON.stringify(requested)}`);
  }
  const order: BackendName[] = forced ? [forced] : ['tensorflow', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await start(name)) return describeBackend(name);
      failures.push(`${name}: not installed`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new ComplensError(`no tfjs backend could start (${failures.join('; ')})`);
}

async function start(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') {
    if (!optionalRequire('@tensorflow/tfjs-node')) return false;
  } else if (name === 'wasm') {
    if (!optionalRequire('@tensorflow/tfjs-backend-wasm')) return false;
  }
  const ok = await tf.setBackend(name);
  if (!ok) return false;
  await tf.ready();
  return true;
}

function optionalRequire(pkg: string): unknown {
  try {
    return require(pkg);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

function describeBackend(name: BackendName): BackendInfo {
  const patches = name === 'wasm' && process.env.COMPLENS_WASM_PATCHES !== '0' ? installWasmPatches() : [];
  const versions: Record<string, string> = { '@tensorflow/tfjs': tf.version.tfjs };
  for (const pkg of ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node']) {
    const v = packageVersion(pkg);
    if (v) versions[pkg] = v;
  }
  return { backend: name, tfjsVersion: tf.version.tfjs, versions, patches, node: process.version };
}

function packageVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}
