/**
 * The run folder: the one resumable on-disk shape of every experiment that records one row per unit of work
 * (sweep, verdict validation; the haystack search keeps its manifest under its historical name, search.json).
 *
 *   DIR/run.json        {format, kind, settings, created}: what is fixed across the run, written atomically once
 *   DIR/results.jsonl   the append-only checksummed rows (./store.ts), one per finished unit of work
 *   DIR/.search.lock    one writing process at a time (./lock.ts)
 *   DIR/…               attachments: checkpoints, derived tables and charts (rewritten from the rows), state files
 *
 * Resuming: re-opening with the same kind and settings keeps every row, so a killed run re-does only its unfinished
 * unit; different settings are refused naming the first field that differs (or `fresh` starts over). A torn last
 * row (a kill mid-append) is dropped and redone; any other damaged or edited row is refused with its line number.
 * Folders written before this format (no run.json) are handed to the kind's `legacy` reader, whose rows are copied
 * into the store: an old folder resumes, or its reader refuses it in one line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError, FileFormatError } from '../util/errors';
import { claimOutputDir, OutputKind } from '../util/output';
import { acquireOutLock } from './lock';
import { RowSchema, RowStore } from './store';

export const RUN_FORMAT = 'complens-run-1';
export const RUN_MANIFEST = 'run.json';
export const RUN_RESULTS = 'results.jsonl';

export interface RunManifest {
  format: string;
  kind: OutputKind;
  settings: unknown;
  created: string;
}

/** What a legacy reader found in a folder written before the run format. */
export interface LegacyRun<R> {
  /** The file it read (named in errors). */
  file: string;
  /** The old folder's fixed settings, compared like a manifest's; undefined when the old format kept none. */
  settings?: unknown;
  rows: R[];
}

export interface OpenRunOptions<R> {
  dir: string;
  kind: OutputKind;
  /** Everything fixed across the run; a resumed run must present the same. */
  settings: unknown;
  schema: RowSchema<R>;
  /** Start over: forget the rows (attachments are the kind's to replace). */
  fresh?: boolean;
  /** Reads a folder of the kind written before run.json existed; undefined when there is nothing to read. */
  legacy?: (dir: string) => LegacyRun<R> | undefined;
}

/** The first path where two JSON values differ, described, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : `${at}: ${JSON.stringify(a) ?? 'unset'} there, ${JSON.stringify(b) ?? 'unset'} now`;
}

/** A JSON file's value; invalid JSON is a FileFormatError naming the file, with `hint` (what to do) appended. */
export function readJsonFile<T>(file: string, hint = ''): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message})${hint}`);
  }
}

export function readRunManifest(dir: string): RunManifest | undefined {
  const file = path.join(dir, RUN_MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  const json = readJsonFile<RunManifest>(file);
  if (json?.format !== RUN_FORMAT || typeof json.kind !== 'string') throw new FileFormatError(file, `not a complens run manifest (format ${RUN_FORMAT})`);
  return json;
}

/** An open run folder: its manifest and its store. `close` releases the lock. */
export class RunFolder<R> {
  private constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
    /** The rows: `has`, `get`, `rows()`, and `append` for each finished unit (fsynced before it returns). */
    readonly store: RowStore<R>,
    private readonly release: () => void,
    /** Rows copied from a legacy folder by this open. */
    readonly imported: number,
  ) {}

  static open<R>(o: OpenRunOptions<R>): RunFolder<R> {
    const manifestFile = path.join(o.dir, RUN_MANIFEST);
    const resultsFile = path.join(o.dir, RUN_RESULTS);
    // Everything that can refuse the folder is checked before anything in it changes (the lock file included).
    const existing = o.fresh ? undefined : readRunManifest(o.dir);
    if (existing) checkSame(manifestFile, existing.kind, o.kind, existing.settings, o.settings);
    const legacy = existing || o.fresh ? undefined : o.legacy?.(o.dir);
    if (legacy?.settings !== undefined) checkSame(legacy.file, o.kind, o.kind, legacy.settings, o.settings);
    claimOutputDir(o.dir, o.kind);
    const release = acquireOutLock(o.dir, o.kind);
    try {
      if (o.fresh) for (const f of [manifestFile, resultsFile]) fs.rmSync(f, { force: true });
      const manifest: RunManifest = existing ?? { format: RUN_FORMAT, kind: o.kind, settings: o.settings, created: new Date().toISOString() };
      const store = RowStore.openStore(resultsFile, o.schema);
      // A store without a manifest can only be a copy of legacy rows cut short by a kill (rows are copied first,
      // then the manifest is written): carry on copying. Anything else there is not ours to extend.
      if (!existing && store.size > 0 && !legacy) {
        store.close();
        throw new ComplensError(`${resultsFile}: rows without ${RUN_MANIFEST}; use another --out or pass --fresh`);
      }
      let imported = 0;
      for (const row of legacy?.rows ?? []) if (store.append(row)) imported++;
      if (!existing) writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
      return new RunFolder(o.dir, manifest, store, release, imported);
    } catch (err) {
      release();
      throw err;
    }
  }

  close(): void {
    this.store.close();
    this.release();
  }
}

function checkSame(file: string, kindThere: string, kind: string, there: unknown, now: unknown): void {
  if (kindThere !== kind) throw new ComplensError(`${file}: holds a ${kindThere} run, not a ${kind} run; use another --out`);
  const diff = firstDifference(there, now, 'settings');
  if (diff) throw new ComplensError(`${file}: written by a ${kind} with different fixed settings (${diff}); use another --out or pass --fresh`);
}
