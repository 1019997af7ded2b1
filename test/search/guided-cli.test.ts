/**
 * `complens search --strategy guided` as a user runs it: a child process SIGKILLed mid-run, then the same command
 * again, must end with exactly the models of an uninterrupted run (tiny config: hidden 8, 300 steps).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

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

const rows = (out: string) => (fs.existsSync(path.join(out, 'results.jsonl')) ? fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l)) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('guided flags are validated; guided and brute-force folders are not mixed', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-guided-cli-'));
  const [badSignal, badRegime, budgetBrute, help] = await Promise.all([
    start(['--strategy', 'guided', '--seeds', '0..3', '--select-on', 'valCompEM+zeroShot', '--out', out]).done,
    start(['--strategy', 'guided', '--seeds', '0..3', '--regime', 'both', '--out', out]).done,
    start(['--seeds', '0..3', '--budget-steps', '1000', '--out', out]).done,
    start(['--help']).done,
  ]);
  for (const r of [badSignal, badRegime, budgetBrute]) {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }
  expect(badSignal.stderr).toMatch(/unknown signal "zeroShot"/);
  expect(badRegime.stderr).toMatch(/one regime/);
  expect(budgetBrute.stderr).toMatch(/--budget-steps applies to --strategy guided only/);
  for (const flag of ['--strategy', '--guided-strategy', '--population', '--round-steps', '--select-on', '--val-compositions', '--warmup', '--eta', '--pbt-interval', '--pbt-quantile', '--budget-steps', '--budget-cpu-seconds']) {
    expect(help.stdout).toContain(flag);
  }
});

test('SIGKILL mid-run, then the same command: the same models as an uninterrupted run, each once', async () => {
  const tiny = ['--seeds', '0..9', '--hidden', '8', '--embed', '4', '--max-steps', '300', '--eval-every', '50', '--keep-best', '2', '--keep-worst', '1', '--keep-random', '1',
    '--strategy', 'guided', '--guided-strategy', 'pbt', '--round-steps', '50', '--warmup', '50', '--pbt-interval', '50', '--population', '4', '--pbt-quantile', '0.25', '--quiet'];
  const whole = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-guided-cli-'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-guided-cli-'));
  const reference = start([...tiny, '--out', whole]);
  const first = start([...tiny, '--out', out]);
  const decisions = path.join(out, 'guided', 'decisions.jsonl');
  const deadline = Date.now() + 90_000;
  while (rows(out).length < 2 && Date.now() < deadline) await sleep(20);
  first.child.kill('SIGKILL');
  expect((await first.done).signal).toBe('SIGKILL');
  expect(fs.existsSync(decisions)).toBe(true);
  const again = await start([...tiny, '--out', out]).done;
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/guided: \d+ rounds, \d+ models/);
  expect((await reference.done).code).toBe(0);
  const strip = (r: { key: string; zeroShot: number; train: { steps: number }; guided: unknown }) => ({ key: r.key, zeroShot: r.zeroShot, steps: r.train.steps, guided: r.guided });
  const got = rows(out).map(strip);
  expect(new Set(got.map((r) => r.key)).size).toBe(got.length);
  expect(got).toEqual(rows(whole).map(strip));
  expect(fs.existsSync(path.join(out, '.search.lock'))).toBe(false);
}, 180_000);
