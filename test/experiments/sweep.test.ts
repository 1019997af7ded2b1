import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_RESULTS } from '../../lib/experiments/run-dir';
import { runSweep, SweepOptions, SweepResults } from '../../lib/experiments/sweep';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-lib-sweep-'));
// The tiny hyperteacher of test/cli/sweep.test.ts: M=4, K=2, five steps per job.
const options = (out: string, grid: Partial<SweepOptions['grid']> = {}): SweepOptions => ({
  workload: 'hyperteacher',
  grid: { widths: [8], axes: { fracOod: [0.25], support: ['random'] }, seeds: [1], ...grid },
  depth: 2,
  base: { task: { modules: 4, maxActive: 2 }, model: {}, training: { maxSteps: 5, tasksPerStep: 4, evalTasks: 16 } },
  out,
  checkpoints: false,
  quiet: true,
});

test('a sweep called from the library resumes after a kill mid-append, keeping every finished row', async () => {
  const out = path.join(tmp(), 'sw');
  const first = await runSweep(options(out, { seeds: [1, 2] }));
  expect(first.rows.map((r) => r.key)).toEqual(['w8-f0.25-random-s1', 'w8-f0.25-random-s2']);
  // The kill: the second row's line is cut short.
  const store = path.join(out, RUN_RESULTS);
  const lines = fs.readFileSync(store, 'utf8').split('\n');
  fs.writeFileSync(store, `${lines[0]}\n${lines[1].slice(0, 40)}`);
  const resumed = await runSweep(options(out, { seeds: [1, 2] }));
  expect(resumed.rows[0]).toEqual(first.rows[0]);
  expect(resumed.rows.map((r) => r.key)).toEqual(first.rows.map((r) => r.key));
  // Retraining the lost job is deterministic: same metrics.
  expect(resumed.rows[1].metrics).toEqual(first.rows[1].metrics);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).rows).toEqual(resumed.rows);
});

test('a sweep folder from before run folders (results.json only) resumes from its rows', async () => {
  const out = path.join(tmp(), 'old');
  const fresh = await runSweep(options(path.join(tmp(), 'ref')));
  // An old folder: the marker and results.json, with a metric no training would produce (so a retrain would show).
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, '.complens-output.json'), '{"kind":"sweep"}\n');
  const old: SweepResults = { ...fresh, rows: [{ ...fresh.rows[0], metrics: { ...fresh.rows[0].metrics, idR2: 0.123 } }] };
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(old));
  const resumed = await runSweep(options(out, { seeds: [1, 2] }));
  expect(resumed.rows[0].metrics.idR2).toBe(0.123);
  expect(resumed.rows.map((r) => r.seed)).toEqual([1, 2]);
  // Different fixed settings than the old folder's are refused like a run folder's.
  const other = path.join(tmp(), 'old2');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'results.json'), JSON.stringify(old));
  await expect(runSweep({ ...options(other), depth: 3 })).rejects.toThrow(/results\.json: written by a sweep with different fixed settings \(settings\.model\.depth: 2 there, 3 now\)/);
});
