/**
 * The fuzzed checkpoint mutations through the real command line: `complens info` and `complens eval` must answer each
 * with exit code 2 and one `error:` line naming the damaged file (never `internal error`, never a stack trace).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../../lib/backend';
import { saveTinyGruCheckpoint } from '../helpers/tiny-checkpoint';

const BIN = path.join(__dirname, '../../bin/complens');
let root: string;
let original: string;

beforeAll(async () => {
  await initBackend();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-ckpt-cli-'));
  original = path.join(root, 'original');
  saveTinyGruCheckpoint(original);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, COMPLENS_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const json = (file: string, edit: (o: any) => void) => {
  const o = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(o);
  fs.writeFileSync(file, JSON.stringify(o));
};

/** [name, file the error must name, mutation, extra flags]. */
const MUTATIONS: Array<[string, string, (dir: string) => void, string[]?]> = [
  ['weights.bin bit flip', 'weights.bin', (d) => {
    const b = fs.readFileSync(path.join(d, 'weights.bin'));
    b[17] ^= 4;
    fs.writeFileSync(path.join(d, 'weights.bin'), b);
  }],
  ['weights.bin truncated', 'weights.bin', (d) => fs.truncateSync(path.join(d, 'weights.bin'), 40)],
  ['manifest entries swapped', 'model.json', (d) => json(path.join(d, 'model.json'), (m) => {
    const w = m.weightsManifest[0].weights;
    [w[0], w[1]] = [w[1], w[0]];
  })],
  ['train row copied into heldout_compositions', 'complens.json', (d) => json(path.join(d, 'complens.json'), (m) => m.task.split.rows.heldout_compositions.push(m.task.split.rows.train[0]))],
  ['complens.json nested 100,000 deep', 'complens.json', (d) => fs.writeFileSync(path.join(d, 'complens.json'), '['.repeat(100_000) + ']'.repeat(100_000))],
  ['a directory in place of weights.bin', 'weights.bin', (d) => {
    fs.rmSync(path.join(d, 'weights.bin'));
    fs.mkdirSync(path.join(d, 'weights.bin'));
  }],
  ['weights.file ".."', 'complens.json', (d) => json(path.join(d, 'complens.json'), (m) => (m.weights.file = '..'))],
  ['weights.bin a sparse 3 GB file', 'weights.bin', (d) => fs.truncateSync(path.join(d, 'weights.bin'), 3 * 2 ** 30)],
  ['model.json missing', 'model.json', (d) => fs.rmSync(path.join(d, 'model.json'))],
];

/** With --trust-edited the integrity check only warns; what follows must still refuse (eval builds the model). */
const TRUSTED: Array<[string, string, (dir: string) => void]> = [
  ['GRU hiddenSize 4096 × 16 layers', 'complens.json', (d) => json(path.join(d, 'complens.json'), (m) => Object.assign(m.model, { hiddenSize: 4096, numLayers: 16 }))],
  ['hiddenSize 7 (shapes no longer match)', 'model.json', (d) => json(path.join(d, 'complens.json'), (m) => (m.model.hiddenSize = 7))],
];

function prepare(name: string, mutate: (dir: string) => void): string {
  const dir = path.join(root, name.replace(/[^a-z0-9]+/gi, '-'));
  fs.cpSync(original, dir, { recursive: true });
  mutate(dir);
  return dir;
}

function expectRefusal(r: { code: number | null; stderr: string }, file: string): void {
  const lines = r.stderr.trim().split('\n');
  const errors = lines.filter((l) => !l.startsWith('warning: '));
  expect({ code: r.code, errors: errors.length }).toEqual({ code: 2, errors: 1 });
  expect(errors[0]).toMatch(/^error: /);
  expect(errors[0]).toContain(file);
}

test('the unmodified checkpoint works through info and eval (so the refusals below are the mutations)', async () => {
  const [info, evaluated] = await Promise.all([run(['info', original]), run(['eval', original, '--split', 'train', '--quiet'])]);
  expect(info.code).toBe(0);
  expect(evaluated.code).toBe(0);
  expect(evaluated.stdout).toContain('train');
}, 120_000);

test('each mutation: info and eval exit 2 with one line naming the file', async () => {
  const jobs: Array<() => Promise<void>> = [];
  for (const [name, file, mutate] of MUTATIONS) {
    const dir = prepare(name, mutate);
    for (const cmd of ['info', 'eval']) {
      jobs.push(async () => {
        const r = await run([cmd, dir, '--quiet']);
        try {
          expectRefusal(r, path.join(dir, file));
        } catch (err) {
          throw new Error(`${cmd} after "${name}": exit ${r.code}, stderr ${JSON.stringify(r.stderr)}\n${(err as Error).message}`);
        }
      });
    }
  }
  for (const [name, file, mutate] of TRUSTED) {
    const dir = prepare(`trusted ${name}`, mutate);
    jobs.push(async () => {
      const r = await run(['eval', dir, '--trust-edited', '--quiet']);
      expect(r.stderr).toMatch(/^warning: .*--trust-edited/m);
      expectRefusal(r, path.join(dir, file));
    });
  }
  // Three CLI processes at a time: each spends most of its ~2 s starting node, tsx and tfjs.
  const queue = [...jobs];
  await Promise.all([0, 1, 2].map(async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}, 300_000);
