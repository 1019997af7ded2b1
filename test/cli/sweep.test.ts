import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compile } from 'vega-lite';
import { parseArgs } from '../../cli/args';
import { sweepCommand } from '../../cli/commands/sweep';
import { chartSpec, SweepResults, toCsv } from '../../lib/experiments/sweep';
import { initBackend } from '../../lib/backend';
import { readCheckpointMeta } from '../../lib/io/checkpoint';
import { ComplensError, UsageError } from '../../lib/util/errors';

beforeAll(() => initBackend());
let logs: string[];
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...a) => void logs.push(a.join(' ')));
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-sweep-'));
const run = (argv: string[]) => sweepCommand.run(parseArgs(sweepCommand, argv));
// A tiny hyperteacher (M=4, K=2: 10 supports) and a few steps per job, so a grid point takes a fraction of a second.
const tiny = (out: string, extra: string[] = []) => [
  '--task', 'hyperteacher', '--modules', '4', '--max-active', '2', '--steps', '5', '--batch', '4', '--eval-tasks', '16', '--out', out, '--quiet', ...extra,
];
const readResults = (out: string): SweepResults => JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));

test('a width × frac-ood × seed grid writes results.json, CSV, a vega-lite spec and an SVG; a re-run skips finished rows', async () => {
  const out = path.join(tmp(), 'sw');
  expect(await run(tiny(out, ['--widths', '8,16', '--frac-ood', '0.2,0.5', '--seeds', '1']))).toBe(0);
  const first = readResults(out);
  expect(first.rows.map((r) => r.key)).toEqual(['w8-f0.2-random-s1', 'w16-f0.2-random-s1', 'w8-f0.5-random-s1', 'w16-f0.5-random-s1']);
  for (const r of first.rows) {
    expect(Number.isFinite(r.metrics.idR2) && Number.isFinite(r.metrics.oodR2)).toBe(true);
    expect(readCheckpointMeta(path.join(out, r.checkpoint!)).training.metrics).toBeDefined();
  }
  const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  expect(csv).toHaveLength(5);
  expect(csv[0]).toMatch(/^key,width,depth,fracOod,support,seed,steps,seconds,msPerStep,idR2,oodR2,gap/);
  const spec = JSON.parse(fs.readFileSync(path.join(out, 'chart.vl.json'), 'utf8'));
  expect(() => compile(spec)).not.toThrow();
  expect(spec.data.values).toHaveLength(8); // 4 rows × (ID, OOD)
  expect(fs.readFileSync(path.join(out, 'chart.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*OOD R²[\s\S]*<\/svg>$/);
  expect(logs.join('\n')).toMatch(/w16-f0\.5-random-s1/);

  // Resume: one more width and seed; the four finished rows are kept as they were (not retrained).
  expect(await run(tiny(out, ['--widths', '8,16', '--frac-ood', '0.2', '--seeds', '1,2']))).toBe(0);
  const second = readResults(out);
  expect(second.rows).toHaveLength(6);
  expect(second.rows.slice(0, 4)).toEqual(first.rows);
  expect(second.rows.slice(4).map((r) => r.key)).toEqual(['w8-f0.2-random-s2', 'w16-f0.2-random-s2']);
  // Two seeds per point now: the faceted chart gains a standard-error bar layer.
  expect(JSON.stringify(JSON.parse(fs.readFileSync(path.join(out, 'chart.vl.json'), 'utf8')).spec.layer)).toContain('errorbar');

  // Different fixed settings (steps) are refused, naming the field; --fresh starts over.
  await expect(run(tiny(out, ['--widths', '8', '--steps', '6']))).rejects.toThrow(/settings\.training\.maxSteps: 5 there, 6 now/);
  await expect(run(tiny(out, ['--widths', '8', '--steps', '6', '--fresh', '--checkpoints=false']))).resolves.toBe(0);
  expect(readResults(out).rows.map((r) => [r.key, r.checkpoint])).toEqual([['w8-f0.25-random-s1', null]]);
});

test('coverage controls as an axis, and a subroutines sweep reports the partitions', async () => {
  const out = path.join(tmp(), 'sw');
  expect(await run(tiny(out, ['--widths', '8', '--supports', 'random,non_compositional', '--checkpoints=false']))).toBe(0);
  const rows = readResults(out).rows;
  expect(rows.map((r) => r.support)).toEqual(['random', 'non_compositional']);
  expect(chartSpec(readResults(out))).toMatchObject({ facet: { row: { field: 'support' } } });

  const config = path.join(tmp(), 'base.json');
  fs.writeFileSync(config, JSON.stringify({ task: { sizes: { train: 64, val: 8, test: 16, partition: 16 } }, model: { outputSize: 8 } }));
  const srOut = path.join(tmp(), 'sr');
  expect(await run(['--task', 'subroutines', '--config', config, '--widths', '8,16', '--steps', '5', '--out', srOut, '--quiet', '--checkpoints=false'])).toBe(0);
  const sr = readResults(srOut);
  expect(sr.rows.map((r) => r.key)).toEqual(['w8-s1', 'w16-s1']);
  for (const r of sr.rows) for (const k of ['base_test', 'only_A', 'only_B', 'both']) expect(r.metrics[k]).toBeGreaterThanOrEqual(0);
  const spec = chartSpec(sr);
  expect((spec as { data: { values: unknown[] } }).data.values).toHaveLength(8);
  expect(toCsv(sr).split('\n')[0]).toContain('only_A');
  expect(fs.readFileSync(path.join(srOut, 'chart.svg'), 'utf8')).toContain('only_B');
});

test('bad flags are one-line usage errors', async () => {
  const out = path.join(tmp(), 'bad');
  await expect(run(tiny(out, ['--widths', '8,x']))).rejects.toThrow(/--widths expects a comma-separated list of integers, got "x"/);
  await expect(run(tiny(out, ['--widths', '8,8']))).rejects.toThrow(UsageError);
  await expect(run(tiny(out, ['--supports', 'nope']))).rejects.toThrow(/--supports: unknown support "nope"/);
  await expect(run(['--task', 'subroutines', '--frac-ood', '0.5', '--out', out])).rejects.toThrow(/--frac-ood applies to --task hyperteacher only/);
  // A bad value anywhere in the grid fails before any job trains.
  await expect(run(tiny(out, ['--frac-ood', '0.5,1.5']))).rejects.toThrow(/^task\.fracOod: /);
  expect(fs.existsSync(path.join(out, 'results.json'))).toBe(false);
  await expect(run(tiny(out, ['--frac-ood', '0.5,1.5']))).rejects.toBeInstanceOf(ComplensError);
});
