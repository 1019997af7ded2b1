/**
 * The guided search end to end on a tiny config (hidden 8, 200 steps): lineage in the rows, every decision logged,
 * and resume after a kill (state of an earlier round, torn decision lines) replays to the same results.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSearchConfig } from '../../lib/search/config';
import { GUIDED_DEFAULTS, GuidedRow, GuidedSettings, runGuidedSearch } from '../../lib/search/guided';
import { readStoreFile } from '../../lib/search/store';

const config = buildSearchConfig({ split: 'sample1', trainer: 'population', hiddenSize: 8, embedSize: 4, training: { maxSteps: 200, evalEvery: 50 }, retention: { best: 2, worst: 1, random: 1 } });
const settings = (strategy: 'asha' | 'pbt'): GuidedSettings => ({
  ...GUIDED_DEFAULTS,
  population: 3,
  roundSteps: 50,
  selectOn: ['valCompTok', 'probeCV'],
  valCompositions: 4,
  policy: { ...GUIDED_DEFAULTS.policy, strategy, warmup: 50, interval: 50, eta: 2, quantile: 0.34 },
});
const seeds = [0, 1, 2, 3, 4, 5];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-guided-'));
const rows = (out: string) => readStoreFile(path.join(out, 'results.jsonl')).rows as GuidedRow[];
const decisions = (out: string) => fs.readFileSync(path.join(out, 'guided', 'decisions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const strip = (r: GuidedRow) => ({ key: r.key, zeroShot: r.zeroShot, splits: r.splits, steps: r.train.steps, guided: r.guided });
const run = (out: string, strategy: 'asha' | 'pbt', stopAfterRounds?: number) =>
  runGuidedSearch({ out, config, regime: 'atomic+composed', seeds, settings: settings(strategy), quiet: true, summary: false, stopAfterRounds });

test('pbt: copies carry lineage into the rows; every decision is logged with scores', async () => {
  const out = tmp();
  const result = await run(out, 'pbt');
  expect(result.done).toBe(true);
  const got = rows(out);
  expect(got.length).toBe(result.recorded);
  const log = decisions(out);
  const copies = log.filter((d) => d.action === 'copy');
  expect(copies.length).toBe(result.totals.copies);
  expect(copies.length).toBeGreaterThan(0);
  for (const c of copies) {
    expect(typeof c.score).toBe('number');
    expect(c.percentile).toBeLessThan(0.34);
    expect(c.parent).toMatch(/^m\d+$/);
    expect(c.replacementKey).toMatch(/\.s\d+d\d+-atomic\+composed$/);
  }
  // A copied model's row: its key and lineage name the branch point and the parent.
  const copied = got.filter((r) => r.guided.lineage.length > 1);
  for (const r of copied) {
    const branch = r.guided.lineage[1];
    expect(r.key).toContain(`.s${branch.fromStep}d${branch.dataSeed}`);
    expect(branch.copiedFrom).toMatch(/^m\d+$/);
  }
  // Every member's finish is logged with its zero-shot, and keys are unique.
  expect(log.filter((d) => d.action === 'finish').map((d) => d.key).sort()).toEqual(got.map((r) => r.key).sort());
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'guided', 'summary.json'), 'utf8'));
  expect(summary.models).toBe(got.length);
  expect(summary.validationCompositions).toHaveLength(4);
});

test('asha: killed after 2 rounds, state rolled back one round, torn log line: the resumed run equals an uninterrupted one', async () => {
  const whole = tmp();
  await run(whole, 'asha');
  const out = tmp();
  await run(out, 'asha', 2);
  const state = path.join(out, 'guided', 'state.bin');
  const saved = fs.readFileSync(state);
  await run(out, 'asha', 1);
  // As if killed after round 3 recorded its rows and logged its decisions but before its state was saved.
  fs.writeFileSync(state, saved);
  fs.appendFileSync(path.join(out, 'guided', 'decisions.jsonl'), '{"round":3,"member":"m9","act');
  const resumed = await run(out, 'asha');
  expect(resumed.done).toBe(true);
  expect(rows(out).map(strip)).toEqual(rows(whole).map(strip));
  expect(decisions(out)).toEqual(decisions(whole));
  expect(resumed.totals.modelSteps).toBe((await run(whole, 'asha')).totals.modelSteps);
  // Other settings in the same folder are refused.
  await expect(runGuidedSearch({ out, config, regime: 'atomic+composed', seeds, settings: { ...settings('asha'), population: 4 }, quiet: true })).rejects.toThrow(/other settings/);
});
