/**
 * The fuzz harness every loader's fuzz target plugs into. A target knows how to write a valid original into a
 * folder, how to mutate it (seeded: case i of seed s is always the same mutation), how to load it, and how to tell a
 * load identical to the original's. Each case must end in one of two outcomes — a load equal to the original, or a
 * ComplensError whose message names the file it blames — within a time bound. Anything else (another exception, a
 * wrong load, a hang) is a finding, reported with the case number so it replays exactly.
 *
 * `test/fuzz/fuzz.test.ts` runs every target with a small case count inside `npm test`; `npm run fuzz -- --cases N`
 * (test/fuzz/run.ts) runs the same targets longer for release checks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComplensError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/random';

export interface FuzzCase {
  /** The path the mutated input lives at; the error must name it (or a file inside it). */
  target: string;
  /** A short description of the mutation, for replaying a finding. */
  mutation: string;
}

export interface FuzzTarget<T = unknown> {
  name: string;
  /** Writes a valid original under `dir` once per run and returns what loading it gives. */
  setup(dir: string): Promise<T> | T;
  /** Writes case `i`'s mutated input under `caseDir` (a fresh folder), drawing only from `rng`. */
  mutate(rng: Rng, caseDir: string, i: number): FuzzCase;
  /** Loads the mutated input; may throw. */
  load(c: FuzzCase): Promise<T> | T;
  /**
   * Whether a successful load is identical to the original's (a mutation that changes nothing may load). `c` is the
   * case, for targets whose format cannot detect every change (no checksum) and so accept a well-formed load of some
   * mutations.
   */
  same(original: T, loaded: T, c: FuzzCase): boolean;
  /** Milliseconds one case may take (default 5,000). */
  timeMs?: number;
  /** Releases what a load returned (tensors, models). */
  dispose?(loaded: T): void;
  /** A count of live resources (e.g. tf.memory().numTensors): a case that ends with more than it started with leaks. */
  resources?(): number;
}

export interface FuzzFinding {
  target: string;
  case: number;
  mutation: string;
  problem: string;
}

export interface FuzzSummary {
  target: string;
  cases: number;
  loadedSame: number;
  refused: number;
  findings: FuzzFinding[];
}

/** Runs `cases` cases of one target with `seed`; never throws for a bad case, only reports it. */
export async function runFuzz<T>(target: FuzzTarget<T>, cases: number, seed = 1): Promise<FuzzSummary> {
  const root = fs.mkdtempSync(path.join(scratchDir(), `complens-fuzz-${target.name}-`));
  const summary: FuzzSummary = { target: target.name, cases, loadedSame: 0, refused: 0, findings: [] };
  try {
    const original = await target.setup(path.join(root, 'original'));
    for (let i = 0; i < cases; i++) {
      const caseDir = path.join(root, `case-${i}`);
      fs.mkdirSync(caseDir, { recursive: true });
      let c: FuzzCase;
      try {
        c = target.mutate(new Rng(seed * 1_000_003 + i), caseDir, i);
      } catch (err) {
        summary.findings.push({ target: target.name, case: i, mutation: '(mutate threw)', problem: String((err as Error)?.stack ?? err).slice(0, 300) });
        fs.rmSync(caseDir, { recursive: true, force: true });
        continue;
      }
      const finding = (problem: string) => summary.findings.push({ target: target.name, case: i, mutation: c.mutation, problem });
      const resourcesBefore = target.resources?.();
      const started = Date.now();
      try {
        const loaded = await target.load(c);
        try {
          if (target.same(original, loaded, c)) summary.loadedSame++;
          else finding('loaded without error but differs from the original');
        } finally {
          target.dispose?.(loaded);
        }
      } catch (err) {
        if (!(err instanceof ComplensError)) finding(`threw ${(err as Error)?.name ?? typeof err}: ${String((err as Error)?.message ?? err).slice(0, 200)}`);
        else if (!namesFile(err.message, c.target)) finding(`error does not name ${c.target}: ${err.message.slice(0, 200)}`);
        else if (err.message.length > 1000 || err.message.includes('\n')) finding(`error is not one short line (${err.message.length} chars)`);
        else summary.refused++;
      }
      const ms = Date.now() - started;
      if (ms > (target.timeMs ?? 5000)) finding(`took ${ms} ms`);
      const resourcesAfter = target.resources?.();
      if (resourcesBefore !== undefined && resourcesAfter !== undefined && resourcesAfter > resourcesBefore) {
        finding(`leaked ${resourcesAfter - resourcesBefore} resources (e.g. tensors)`);
      }
      // A mutation may have made something unreadable or unwritable; restore access so the folder can be removed.
      restoreAccess(caseDir);
      fs.rmSync(caseDir, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return summary;
}

/**
 * Where cases are written: COMPLENS_FUZZ_TMP, else /dev/shm when writable (tmpfs: creating and removing thousands of
 * small case folders is ~10× faster than on a journaling disk), else the OS temp folder.
 */
function scratchDir(): string {
  if (process.env.COMPLENS_FUZZ_TMP) return process.env.COMPLENS_FUZZ_TMP;
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

function restoreAccess(dir: string): void {
  try {
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) restoreAccess(p);
      else if (!e.isSymbolicLink()) fs.chmodSync(p, 0o644);
    }
  } catch {
    // Best effort: rmSync with force reports nothing either.
  }
}

/** The error names the target itself or something inside it (a checkpoint folder's weights.bin names the folder's file). */
function namesFile(message: string, target: string): boolean {
  return message.includes(target) || message.includes(path.basename(target));
}

/** Common byte-level mutations, each drawing only from `rng`. */
export const bytes = {
  flip(buf: Buffer, rng: Rng): { out: Buffer; what: string } {
    const out = Buffer.from(buf);
    const at = rng.int(Math.max(1, out.length));
    if (out.length) out[at] ^= 1 << rng.int(8);
    return { out, what: `flip bit at ${at}` };
  },
  truncate(buf: Buffer, rng: Rng): { out: Buffer; what: string } {
    const at = rng.int(Math.max(1, buf.length));
    return { out: buf.subarray(0, at), what: `truncate to ${at}` };
  },
  insert(buf: Buffer, rng: Rng): { out: Buffer; what: string } {
    const at = rng.int(buf.length + 1);
    const extra = Buffer.from(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)));
    return { out: Buffer.concat([buf.subarray(0, at), extra, buf.subarray(at)]), what: `insert ${extra.length} bytes at ${at}` };
  },
  duplicate(buf: Buffer, rng: Rng): { out: Buffer; what: string } {
    const a = rng.int(Math.max(1, buf.length));
    const b = Math.min(buf.length, a + 1 + rng.int(64));
    return { out: Buffer.concat([buf.subarray(0, b), buf.subarray(a, b), buf.subarray(b)]), what: `duplicate ${a}..${b}` };
  },
};

/** JSON text nested `depth` levels deep (arrays), the shape that overflowed recursive validators. */
export function deepJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A random element of `items`. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}
