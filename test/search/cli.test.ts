/**
 * The search CLI as a user runs it: a child process (node --import tsx, exactly what bin/complens does minus the
 * tsx wrapper process, so that SIGKILL reaches the process that writes). Tiny configs: hidden 8, 50 steps.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CheckpointIndex } from '../../lib/search/recorder';

const REPO = path.resolve(__dirname, '../..');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const SEARCH = path.join(REPO, 'cli/commands/search.ts');

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', TSX, SEARCH, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}')) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('bad flags fail with one clear line and exit code 2; --help documents every flag', async () => {
  const runs = await Promise.all([
    start(['--seeds', '5..2']).done,
    start(['--seeds', '0..3', '--workers', '0']).done,
    start(['--width', '8']).done,
    start(['--seeds', '1', '--queue', 'http://x']).done,
    start(['--help']).done,
  ]);
  const [badRange, badWorkers, noSeeds, badQueue, help] = runs;
  for (const r of [badRange, badWorkers, noSeeds, badQueue]) {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
  }
  expect(badRange.stderr).toMatch(/--seeds: range 5\.\.2 is empty/);
  expect(badWorkers.stderr).toMatch(/--workers expects auto or an integer/);
  expect(noSeeds.stderr).toMatch(/--seeds is required/);
  expect(badQueue.stderr).toMatch(/redis:\/\//);
  expect(help.code).toBe(0);
  for (const flag of ['--task', '--split', '--model', '--seeds', '--data-order-seeds', '--regime', '--hidden', '--embed', '--lr', '--batch', '--max-steps', '--workers', '--queue', '--out', '--summary', '--keep-best', '--baseline-seeds', '--quiet']) {
    expect(help.stdout).toContain(flag);
  }
  expect(help.stdout).toMatch(/--hidden INT +hidden size \(default: 64\)/);
  expect(help.stdout).toMatch(/--max-steps INT .*\(default: 6000\)/);
});

test('SIGKILL mid-search, then the same command again: every model exactly once, checkpoints consistent', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-cli-'));
  const seeds = 10;
  const common = ['--task', 'lookup', '--data', 'sample1', '--model', 'gru', '--seeds', `0..${seeds - 1}`, '--width', '8', '--embed', '4',
    '--max-steps', '50', '--eval-every', '25', '--stop-at', '0', '--baseline-seeds', '1', '--keep-best', '2', '--keep-worst', '2', '--keep-random', '2',
    '--out', out];
  const results = path.join(out, 'results.jsonl');

  // First run on a pool of 2 worker threads; killed once a few rows are in.
  const first = start([...common, '--workers', '2', '--quiet']);
  const deadline = Date.now() + 90_000;
  while (lines(results).length < 3 && Date.now() < deadline) await sleep(30);
  first.child.kill('SIGKILL');
  const killed = await first.done;
  expect(killed.signal).toBe('SIGKILL');
  const atKill = lines(results).length;
  // The control model trains on the other worker thread, so it may or may not be in at the kill.
  const controlsAtKill = lines(path.join(out, 'baselines', 'random-task-codes.jsonl')).length;
  expect(atKill).toBeGreaterThanOrEqual(3);
  expect(atKill).toBeLessThan(seeds);
  // As if the kill had cut a row in half.
  fs.appendFileSync(results, '{"v":1,"key":"i9-d9-atomic+composed","variant":"hays');

  // Same command (inline this time: the worker count is not part of the search's identity).
  const second = await start([...common, '--workers', '1']).done;
  expect(second.code).toBe(0);
  // Log header with the backend, the torn row noticed, progress lines with an ETA, no errors.
  expect(second.stderr).toMatch(/^complens search [0-9a-f]{12} · backend \w+ \(tfjs/m);
  expect(second.stderr).toMatch(new RegExp(`${seeds + 1} models planned, ${atKill + controlsAtKill} already recorded`));
  expect(second.stderr).toMatch(/torn row/);
  expect(second.stderr).toMatch(/search: .*ETA/);
  expect(second.stderr).not.toMatch(/error|warning/i);
  expect(second.stdout).toMatch(/# Haystack search/);

  const keys = lines(results).map((l) => JSON.parse(l).key as string);
  expect(keys).toHaveLength(seeds);
  expect(new Set(keys)).toEqual(new Set(Array.from({ length: seeds }, (_, i) => `i${i}-d${i}-atomic+composed`)));
  expect(fs.readFileSync(results, 'utf8').endsWith('\n')).toBe(true);
  expect(lines(path.join(out, 'baselines', 'random-task-codes.jsonl'))).toHaveLength(1);

  const index = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'index.json'), 'utf8')) as CheckpointIndex;
  const g = index.regimes['atomic+composed'];
  const kept = new Set([...g.best, ...g.worst, ...g.random].map((e) => e.key));
  expect(g.best).toHaveLength(2);
  expect(fs.readdirSync(path.join(out, 'checkpoints')).filter((n) => n !== 'index.json').sort()).toEqual([...kept].sort());
  for (const key of kept) expect(fs.existsSync(path.join(out, 'checkpoints', key, 'weights.bin'))).toBe(true);
  expect(fs.existsSync(path.join(out, '.search.lock'))).toBe(false);

  // --summary rewrites the summary from the folder alone.
  fs.rmSync(path.join(out, 'summary.json'));
  const summary = await start(['--summary', out, '--quiet']).done;
  expect(summary.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).regimes[0].models).toBe(seeds);
}, 180_000);
