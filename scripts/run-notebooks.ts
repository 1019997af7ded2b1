/**
 * Executes the tslab notebooks headless and exports them to HTML.
 *
 *   tsx scripts/run-notebooks.ts [NOTEBOOK.ipynb …] [--timeout SEC] [--no-html] [--fail-fast]
 *                                [--executed-dir DIR] [--html-dir DIR]
 *
 * For every notebooks/*.ipynb (or the ones named), in order: runs it with nbclient (Debian's /usr/bin/python3) on
 * the project-local complens TypeScript kernel (installed by scripts/setup-notebooks.sh when missing), stops at the
 * first failing cell, writes the executed copy to notebooks/executed/<name>.ipynb (also on failure, to debug) and,
 * when it passed, the HTML export to docs/notebooks/<name>.html. A notebook fails when a cell's reply is an error
 * (tslab reports compile errors this way, without an error output), when any output is an error, when it exceeds
 * the timeout, or when a chart output (PNG or inline SVG) did not survive the HTML export. Exit status: 0 all
 * passed, 1 some notebook failed, 2 the toolchain is missing or the arguments are wrong.
 *
 * Environment: COMPLENS_PYTHON (default /usr/bin/python3), COMPLENS_JUPYTER_PREFIX (default <repo>/.jupyter);
 * COMPLENS_BACKEND and the rest pass through to the kernel.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs as nodeParseArgs } from 'node:util';
import { writeFileAtomic } from '../lib/util/atomic';

const ROOT = path.resolve(__dirname, '..');
const APT_PACKAGES = 'jupyter-nbconvert python3-nbclient python3-nbformat jupyter-client python3-ipykernel jupyter-core';

export interface RunOptions {
  notebooks: string[];
  /** Seconds per notebook (also the per-cell limit). */
  timeout: number;
  html: boolean;
  keepGoing: boolean;
  executedDir: string;
  htmlDir: string;
  python: string;
  jupyterPrefix: string;
}

export interface CellTiming {
  index: number;
  seconds: number;
  status: string;
}

export interface NotebookResult {
  notebook: string;
  status: 'ok' | 'error' | 'timeout' | 'crashed';
  seconds: number;
  kernelStartSeconds?: number;
  cells: CellTiming[];
  /** Human-readable reasons, empty when ok. */
  problems: string[];
  executed?: string;
  html?: string;
}

// ------------------------------------------------------------------------------------------------ notebook checks

interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
}
export interface Notebook {
  cells: NbCell[];
  metadata?: { kernelspec?: { name?: string } };
}

const joined = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : v ?? '');

/** Every error output of an executed notebook, as `cell N: Name: value`. */
export function errorOutputs(nb: Notebook): string[] {
  const found: string[] = [];
  nb.cells.forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') found.push(`cell ${i}: ${out.ename ?? 'Error'}: ${(out.evalue ?? '').slice(0, 500)}`);
    }
  });
  return found;
}

/** The text a cell printed (stream outputs), e.g. tslab's compile diagnostics. */
export function cellText(nb: Notebook, index: number): string {
  return (nb.cells[index]?.outputs ?? [])
    .filter((o) => o.output_type === 'stream' || o.output_type === 'error')
    .map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : joined(o.text)))
    .join('')
    .trim();
}

/**
 * Chart outputs of an executed notebook that are missing from its HTML export: every PNG output must appear as a
 * data URI, every HTML output holding an <svg> must appear with that SVG. Returns descriptions of the missing ones.
 */
export function chartsMissingFromHtml(nb: Notebook, html: string): string[] {
  const missing: string[] = [];
  const page = html.replace(/\s+/g, '');
  nb.cells.forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== 'display_data' && out.output_type !== 'execute_result') continue;
      const png = joined(out.data?.['image/png']).replace(/\s+/g, '');
      if (png && !page.includes(png.slice(0, 200))) missing.push(`cell ${i}: a PNG output is missing from the HTML export`);
      const h = joined(out.data?.['text/html']);
      const svgAt = h.indexOf('<svg');
      if (svgAt >= 0 && !page.includes(h.slice(svgAt, svgAt + 300).replace(/\s+/g, ''))) missing.push(`cell ${i}: an inline SVG chart is missing from the HTML export`);
      if (!png && !h && out.data && (out.data['image/svg+xml'] || Object.keys(out.data).some((k) => k.startsWith('application/vnd.vegalite')))) {
        missing.push(`cell ${i}: an SVG or vega-lite output, which the HTML export drops; use showChart() from lib/report/notebook`);
      }
    }
  });
  return missing;
}

/**
 * Removes `<script src="file://…">` elements from nbconvert's HTML: Debian's nbconvert points MathJax and
 * require.js at /usr/share/javascript, which exists on no other machine (the charts need neither).
 */
export function dropLocalScripts(html: string): string {
  return html.replace(/<script\b[^>]*\bsrc="file:\/\/[^"]*"[^>]*>\s*<\/script>/g, '');
}

export function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort()
    .map((f) => path.join(dir, f));
}

// ------------------------------------------------------------------------------------------------ execution

/** nbclient driver: runs one notebook, writes the executed copy (and HTML), reports per-cell replies as JSON. */
const DRIVER = String.raw`
import json, os, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

src, out_nb, out_html, timeout, kernel, result_file = sys.argv[1:7]
t0 = time.monotonic()
nb = nbformat.read(src, as_version=4)
cells, started, status, message, first = [], {}, 'ok', '', {}

def on_execute(cell, cell_index, **kw):
    first.setdefault('t', time.monotonic())
    started[cell_index] = time.monotonic()

def on_executed(cell, cell_index, execute_reply, **kw):
    cells.append({'index': cell_index, 'seconds': round(time.monotonic() - started.get(cell_index, time.monotonic()), 3),
                  'status': (execute_reply or {}).get('content', {}).get('status', 'unknown')})

client = NotebookClient(nb, timeout=int(timeout), kernel_name=kernel, allow_errors=False, record_timing=False,
                        on_cell_execute=on_execute, on_cell_executed=on_executed,
                        resources={'metadata': {'path': os.path.dirname(os.path.abspath(src))}})
try:
    client.execute()
except CellTimeoutError as e:
    status, message = 'timeout', str(e)[-2000:]
except CellExecutionError as e:
    status, message = 'error', str(e)[-2000:]
except DeadKernelError as e:
    status, message = 'crashed', 'the kernel died: ' + str(e)[-2000:]
except Exception as e:
    status, message = 'crashed', type(e).__name__ + ': ' + str(e)[-2000:]

nbformat.write(nb, out_nb)
if status == 'ok' and out_html != '-':
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter().from_notebook_node(nb)
    with open(out_html, 'w', encoding='utf-8') as f:
        f.write(body)
with open(result_file, 'w') as f:
    json.dump({'status': status, 'message': message, 'cells': cells,
               'kernelStartSeconds': round(first['t'] - t0, 3) if 't' in first else None}, f)
`;

interface DriverResult {
  status: NotebookResult['status'];
  message: string;
  cells: CellTiming[];
  kernelStartSeconds: number | null;
}

function kernelEnv(o: RunOptions): NodeJS.ProcessEnv {
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-jupyter-'));
  return {
    ...process.env,
    JUPYTER_PATH: path.join(o.jupyterPrefix, 'share', 'jupyter'),
    JUPYTER_RUNTIME_DIR: runtime, // connection files: private and thrown away
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    PATH: [path.join(ROOT, 'node_modules', '.bin'), path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
  };
}

const tempName = (file: string) => `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Runs one notebook; never throws for notebook failures (they are in the result). */
export async function runNotebook(file: string, o: RunOptions): Promise<NotebookResult> {
  const name = path.basename(file, '.ipynb');
  const executed = path.join(o.executedDir, `${name}.ipynb`);
  const html = path.join(o.htmlDir, `${name}.html`);
  fs.mkdirSync(o.executedDir, { recursive: true });
  if (o.html) fs.mkdirSync(o.htmlDir, { recursive: true });
  const tmpNb = tempName(executed);
  const tmpHtml = o.html ? tempName(html) : '-';
  const resultFile = tempName(path.join(os.tmpdir(), `complens-nb-${name}.json`));
  const source = JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
  const kernel = source.metadata?.kernelspec?.name === 'jslab' ? 'jslab' : 'tslab';
  const env = kernelEnv(o);
  const t0 = Date.now();
  const result: NotebookResult = { notebook: file, status: 'ok', seconds: 0, cells: [], problems: [] };
  try {
    const { code, timedOut, stderr } = await spawnWithTimeout(
      o.python,
      ['-c', DRIVER, file, tmpNb, tmpHtml, String(o.timeout), kernel, resultFile],
      { cwd: ROOT, env },
      (o.timeout + 30) * 1000,
    );
    result.seconds = (Date.now() - t0) / 1000;
    const driver: DriverResult | undefined = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
    if (timedOut) {
      result.status = 'timeout';
      result.problems.push(`exceeded ${o.timeout} s; killed`);
    } else if (!driver) {
      result.status = 'crashed';
      result.problems.push(`the nbclient driver exited with status ${code}: ${stderr.trim().split('\n').slice(-8).join('\n')}`);
    } else {
      result.status = driver.status;
      result.cells = driver.cells;
      result.kernelStartSeconds = driver.kernelStartSeconds ?? undefined;
    }
    if (fs.existsSync(tmpNb)) {
      fs.renameSync(tmpNb, executed);
      result.executed = executed;
      const nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as Notebook;
      for (const c of result.cells.filter((c) => c.status !== 'ok')) {
        result.problems.push(`cell ${c.index} replied ${c.status}${cellText(nb, c.index) ? `:\n${indent(firstLines(cellText(nb, c.index), 12))}` : ''}`);
      }
      if (!result.cells.some((c) => c.status !== 'ok')) result.problems.push(...errorOutputs(nb));
      if (result.status === 'ok' && result.problems.length) result.status = 'error';
      if (result.status === 'ok' && o.html) {
        const page = dropLocalScripts(fs.readFileSync(tmpHtml, 'utf8'));
        const missing = chartsMissingFromHtml(nb, page);
        if (missing.length) {
          result.status = 'error';
          result.problems.push(...missing);
        } else {
          writeFileAtomic(html, page);
          result.html = html;
        }
      }
    }
    if (result.status !== 'ok' && result.problems.length === 0) {
      result.problems.push(driver?.message ? lastLines(driver.message, 12) : `failed (${result.status})`);
    }
  } finally {
    for (const f of [tmpNb, tmpHtml, resultFile]) if (f !== '-') fs.rmSync(f, { force: true });
    if (env.JUPYTER_RUNTIME_DIR) fs.rmSync(env.JUPYTER_RUNTIME_DIR, { recursive: true, force: true });
  }
  return result;
}

const indent = (s: string) => s.replace(/^/gm, '    ');
const firstLines = (s: string, n: number) => s.trim().split('\n').slice(0, n).join('\n').slice(0, 2000);
const lastLines = (s: string, n: number) => s.trim().split('\n').slice(-n).join('\n');

/**
 * Spawns a process in its own process group and kills the whole group (the kernel included) when it runs longer
 * than `ms`.
 */
function spawnWithTimeout(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  ms: number,
): Promise<{ code: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
    });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, ms);
    const onSignal = () => {
      killGroup();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    child.on('error', (err) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      killGroup(); // a kernel left behind by a crashed driver
      resolve({ code, timedOut, stderr });
    });
  });
}

// ------------------------------------------------------------------------------------------------ setup checks

/** Returns a message when the toolchain is missing, else undefined. Installs the kernel spec when only that is missing. */
export function checkToolchain(o: RunOptions): string | undefined {
  if (!fs.existsSync(o.python)) return `${o.python} not found; install Debian's python3 and: apt-get install ${APT_PACKAGES}`;
  const probe = spawnSync(o.python, ['-c', 'import nbclient, nbformat, nbconvert, jupyter_client, ipykernel'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${o.python} lacks Jupyter (${lastLines(probe.stderr ?? '', 1)}); install: apt-get install ${APT_PACKAGES}`;
  const setup = spawnSync('bash', [path.join(ROOT, 'scripts', 'setup-notebooks.sh')], {
    encoding: 'utf8',
    env: { ...process.env, COMPLENS_PYTHON: o.python, COMPLENS_JUPYTER_PREFIX: o.jupyterPrefix },
  });
  if (setup.status !== 0) return `scripts/setup-notebooks.sh failed: ${(setup.stderr || setup.stdout).trim()}`;
  return undefined;
}

export function parseArgs(argv: string[]): RunOptions {
  const o: RunOptions = {
    notebooks: [],
    timeout: 300,
    html: true,
    keepGoing: true,
    executedDir: path.join(ROOT, 'notebooks', 'executed'),
    htmlDir: path.join(ROOT, 'docs', 'notebooks'),
    python: process.env.COMPLENS_PYTHON ?? '/usr/bin/python3',
    jupyterPrefix: process.env.COMPLENS_JUPYTER_PREFIX ?? path.join(ROOT, '.jupyter'),
  };
  const { values, positionals } = parseFlags(argv);
  if (values.help) throw new HelpRequested();
  if (values.timeout !== undefined) {
    const v = Number(values.timeout);
    if (!(v > 0)) throw new Error(`--timeout: expected seconds > 0, got ${JSON.stringify(values.timeout)}`);
    o.timeout = Math.ceil(v);
  }
  if (values['executed-dir'] !== undefined) o.executedDir = path.resolve(values['executed-dir']);
  if (values['html-dir'] !== undefined) o.htmlDir = path.resolve(values['html-dir']);
  if (values['no-html']) o.html = false;
  if (values['fail-fast']) o.keepGoing = false;
  o.notebooks = positionals.map((nb) => path.resolve(nb));
  if (o.notebooks.length === 0) o.notebooks = listNotebooks(path.join(ROOT, 'notebooks'));
  for (const nb of o.notebooks) {
    if (!nb.endsWith('.ipynb') || !fs.existsSync(nb)) throw new Error(`${nb}: not an existing .ipynb file`);
  }
  return o;
}

class HelpRequested extends Error {}

/** node:util.parseArgs, with its errors said the way the usage line says them. */
function parseFlags(argv: string[]) {
  try {
    return nodeParseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        timeout: { type: 'string' },
        'executed-dir': { type: 'string' },
        'html-dir': { type: 'string' },
        'no-html': { type: 'boolean' },
        'fail-fast': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    const option = /'(-[^' ]+)/.exec(e.message)?.[1] ?? '';
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown flag ${option}`);
    if (option.endsWith('-dir')) throw new Error(`${option}: expected a directory`);
    throw new Error(e.message);
  }
}

const USAGE = `usage: tsx scripts/run-notebooks.ts [NOTEBOOK.ipynb ...] [--timeout SEC] [--no-html] [--fail-fast] [--executed-dir DIR] [--html-dir DIR]
  Executes notebooks/*.ipynb (or the named ones) headless on the complens TypeScript kernel; writes
  notebooks/executed/<name>.ipynb and docs/notebooks/<name>.html. Exit 1 if any notebook fails.
  --timeout SEC   limit per notebook and per cell (default 300)
  --no-html       skip the HTML export
  --executed-dir DIR, --html-dir DIR
                  write the executed copies / HTML exports there instead (e.g. for notebooks outside notebooks/)
  --fail-fast     stop after the first failing notebook (default: run all, then report)`;

async function main(): Promise<number> {
  let o: RunOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    console.error(`run-notebooks: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const problem = checkToolchain(o);
  if (problem) {
    console.error(`run-notebooks: ${problem}`);
    return 2;
  }
  if (o.notebooks.length === 0) {
    console.error('run-notebooks: no notebooks/*.ipynb found');
    return 2;
  }
  const results: NotebookResult[] = [];
  for (const nb of o.notebooks) {
    const rel = path.relative(ROOT, nb);
    process.stderr.write(`run-notebooks: ${rel} ...\n`);
    const r = await runNotebook(nb, o);
    results.push(r);
    const cellTimes = r.cells.map((c) => c.seconds.toFixed(1)).join(' ');
    console.log(
      `${r.status === 'ok' ? 'ok  ' : 'FAIL'} ${rel}  ${r.seconds.toFixed(1)} s (kernel start ${r.kernelStartSeconds?.toFixed(1) ?? '?'} s; cells ${cellTimes || '-'})` +
        (r.html ? `  → ${path.relative(ROOT, r.html)}` : ''),
    );
    for (const p of r.problems) console.log(indent(p));
    if (r.status !== 'ok' && !o.keepGoing) break;
  }
  const failed = results.filter((r) => r.status !== 'ok');
  console.log(`${results.length - failed.length} of ${o.notebooks.length} notebooks passed${failed.length ? `; failed: ${failed.map((r) => path.basename(r.notebook)).join(', ')}` : ''}`);
  return failed.length || results.length < o.notebooks.length ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`run-notebooks: ${(err as Error).stack ?? err}`);
      process.exit(2);
    },
  );
}
