/**
 * Output paths (`--out`, `--charts`, `--heatmap`, `--chart`), checked before a command writes anything: a command may create a new path,
 * fill an empty folder, or resume/replace an output of its own kind, and nothing else. `train --out package.json`
 * once replaced package.json with a checkpoint folder; now it is refused in one line and nothing changes.
 *
 * A folder is recognised as an output of a kind by the marker file `claimOutputDir` writes into it, or, for folders
 * made before the marker existed (and for checkpoints, which are swapped in whole), by the files that kind writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic';
import { UsageError } from './errors';

export const OUTPUT_KINDS = [
  'checkpoint', 'search', 'sweep', 'verdict-validation', 'ablate', 'extract-fsa', 'demo', 'charts', 'import',
] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export const OUTPUT_MARKER = '.complens-output.json';

/** Files by which a folder of each kind is known without the marker. All listed files must be present. */
const SIGNATURES: Record<OutputKind, string[][]> = {
  checkpoint: [['complens.json', 'model.json']],
  search: [['search.json'], ['results.jsonl'], ['guided.json'], ['.search.lock']],
  sweep: [['results.json']],
  'verdict-validation': [['rows.jsonl']],
  ablate: [['result.json']],
  'extract-fsa': [['automaton.dot', 'result.json']],
  demo: [['search']],
  charts: [],
  import: [['complens.json', 'model.json']],
};

export type OutputFileKind = 'report' | 'verdict' | 'chart';

/** What an existing file must contain to be a previous output of that kind (and so be replaced). */
const FILE_SIGNATURES: Record<OutputFileKind, { ext: string[]; looksLike: (head: string) => boolean }> = {
  report: { ext: ['.html'], looksLike: (head) => head.includes('<meta name="generator" content="complens') },
  // `analyze --out`: the verdict JSON, which starts with the checkpoint it judged (package.json does not).
  verdict: { ext: ['.json'], looksLike: (head) => /^\s*\{\s*"checkpoint":/.test(head) },
  // `probe --heatmap`: an SVG, or the vega-lite spec as JSON.
  chart: { ext: ['.svg', '.json'], looksLike: (head) => head.includes('<svg') || head.includes('vega.github.io/schema/vega-lite') },
};

/** The kind recorded in a folder's marker, if any (an unreadable marker counts as none). */
export function outputKindOf(dir: string): OutputKind | undefined {
  try {
    const kind = JSON.parse(fs.readFileSync(path.join(dir, OUTPUT_MARKER), 'utf8')).kind;
    return (OUTPUT_KINDS as readonly string[]).includes(kind) ? kind : undefined;
  } catch {
    return undefined;
  }
}

function isKind(dir: string, kind: OutputKind): boolean {
  const marked = outputKindOf(dir);
  if (marked !== undefined) return marked === kind;
  return SIGNATURES[kind].some((files) => files.every((f) => fs.existsSync(path.join(dir, f))));
}

/**
 * Throws a UsageError (naming `flag` and the path) unless `dir` may be written as an output folder of `kind`:
 * it does not exist (and its parent is a folder or can be made one), is empty, or already is a `kind` output.
 */
export function checkOutputDir(dir: string, kind: OutputKind, flag = '--out'): void {
  requirePath(dir, flag);
  const bad = (why: string) => new UsageError(`${flag} ${dir}: ${why}`);
  const stat = statOrUndefined(dir);
  if (!stat) {
    checkCreatable(dir, flag);
    return;
  }
  if (!stat.isDirectory()) throw bad(`an existing file; expected a new or empty folder${resumable(kind)}`);
  const entries = fsStep(dir, 'list', () => fs.readdirSync(dir));
  if (entries.length === 0 || isKind(dir, kind)) return;
  const other = outputKindOf(dir);
  if (other) throw bad(`holds a complens ${other} output, not a ${kind} output`);
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  throw bad(`a non-empty folder that is not a complens ${kind} output (holds ${shown}); expected a new or empty folder${resumable(kind)}`);
}

/** Checks `dir`, creates it and marks it as a `kind` output, so that a later run recognises (and resumes) it. */
export function claimOutputDir(dir: string, kind: OutputKind, flag = '--out'): void {
  checkOutputDir(dir, kind, flag);
  fsStep(dir, 'create', () => fs.mkdirSync(dir, { recursive: true }));
  if (outputKindOf(dir) !== kind) writeFileAtomic(path.join(dir, OUTPUT_MARKER), JSON.stringify({ kind }) + '\n');
}

/**
 * Throws a UsageError unless `file` may be written as a `kind` output: a new path with the kind's extension, or an
 * existing file that a previous run of the same kind wrote (it is then replaced atomically).
 */
export function checkOutputFile(file: string, kind: OutputFileKind, flag = '--out'): void {
  requirePath(file, flag);
  const { ext, looksLike } = FILE_SIGNATURES[kind];
  if (!ext.includes(path.extname(file).toLowerCase())) throw new UsageError(`${flag} ${file}: expected a file name ending in ${ext.join(' or ')}`);
  const stat = statOrUndefined(file);
  if (!stat) {
    checkCreatable(file, flag);
    return;
  }
  if (!stat.isFile()) throw new UsageError(`${flag} ${file}: a folder or special file; expected a new ${ext.join(' or ')} file or a previous ${kind} output`);
  if (!looksLike(fsStep(file, 'read', () => readHead(file)))) throw new UsageError(`${flag} ${file}: an existing file that is not a complens ${kind}; expected a new file or a previous ${kind} output`);
}

/** An empty path resolves to the current folder, which a checkpoint swap would then replace whole. */
function requirePath(p: string, flag: string): void {
  if (typeof p !== 'string' || p.trim() === '') throw new UsageError(`${flag}: expected a path, got ${JSON.stringify(p)}`);
}

function resumable(kind: OutputKind): string {
  return kind === 'checkpoint' ? ', or a checkpoint to replace' : `, or a ${kind} folder to resume`;
}

/** The nearest existing ancestor must be a folder we can write into; a file on the way is refused by name. */
function checkCreatable(target: string, flag: string): void {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    const stat = statOrUndefined(dir);
    if (stat) {
      if (!stat.isDirectory()) throw new UsageError(`${flag} ${target}: ${dir} is a file, not a folder`);
      try {
        fs.accessSync(dir, fs.constants.W_OK);
      } catch {
        throw new UsageError(`${flag} ${target}: cannot write into ${dir} (permission denied)`);
      }
      return;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** A file-system step whose Node error becomes a UsageError naming the path. */
function fsStep<T>(p: string, what: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw new UsageError(`${p}: cannot ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new UsageError(`${p}: a parent of this path is a file, not a folder`);
    throw new UsageError(`${p}: cannot inspect (${code ?? (err as Error).message})`);
  }
}

function readHead(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}
