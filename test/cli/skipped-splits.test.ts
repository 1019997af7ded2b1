/**
 * A split the model cannot read (longer than its block size, tokens outside its vocabulary) is reported as skipped
 * with the reason by eval, analyze, equiv and report; the other splits are still evaluated.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeCommand } from '../../cli/commands/analyze';
import { equivCommand } from '../../cli/commands/equiv';
import { evalCommand } from '../../cli/commands/eval';
import { reportCommand } from '../../cli/commands/report';
import { initBackend } from '../../lib/backend';
import { saveModelCheckpoint } from '../../lib/io/model-checkpoint';
import { createModel } from '../../lib/models/registry';
import { SequenceModel } from '../../lib/models/types';
import { createArithmeticTask } from '../../lib/tasks/arithmetic';
import { partitionSplits, unfitReason } from '../../lib/train/evaluate';
import { runCli } from '../helpers/run-cli';

const SIZES = { train: 120, test: 40, ood_4digit: 40, ood_5digit: 10, ood_mixed: 10, ood_length: 10 };
const task = createArithmeticTask({ op: 'add', sizes: SIZES });
const LONG = "inputs of 18 positions exceed the model's block size 15";
let root: string;
let adder: string;

function transformer(maxLength: number, vocabSize = 10): SequenceModel {
  return createModel({ arch: 'transformer', vocabSize, nLayers: 1, nHeads: 2, dModel: 8, maxLength }, 1) as SequenceModel;
}

function checkpoint(name: string, model: SequenceModel): string {
  const dir = path.join(root, name);
  saveModelCheckpoint(dir, model, task);
  model.dispose();
  return dir;
}

beforeAll(async () => {
  await initBackend();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-skip-'));
  adder = checkpoint('block15', transformer(15)); // the ExploreGPT block size: ood_length needs 18
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('the library says which splits a model can read, and why not', () => {
  const model = transformer(15);
  const small = transformer(18, 5);
  try {
    expect(partitionSplits(model, task)).toEqual({ usable: ['train', 'test', 'ood_4digit', 'ood_5digit', 'ood_mixed'], skipped: [{ split: 'ood_length', reason: LONG }] });
    expect(unfitReason(small, task.split('test').examples)).toMatch(/^token \d is outside the model's vocabulary of 5$/);
    expect(unfitReason(transformer(18), task.split('ood_length').examples)).toBeUndefined();
  } finally {
    model.dispose();
    small.dispose();
  }
});

test('eval evaluates every split it can and names the one it skips', async () => {
  const json = await runCli(evalCommand, [adder, '--json']);
  expect(json.code).toBe(0);
  const out = JSON.parse(json.stdout);
  expect(out.splits.map((s: { split: string }) => s.split)).toEqual(['train', 'test', 'ood_4digit', 'ood_5digit', 'ood_mixed']);
  expect(out.splits[0].count).toBe(120);
  expect(out.skipped).toEqual([{ split: 'ood_length', reason: LONG }]);
  const text = await runCli(evalCommand, [adder, '--split', 'test,ood_length']);
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/\ntest +40 /);
  expect(text.stdout).toContain(`skipped ood_length: ${LONG}`);
});

test('equiv reports a split it cannot read as skipped and analyses one it can', async () => {
  const skipped = await runCli(equivCommand, [adder, '--split', 'ood_length', '--json']);
  expect(skipped.code).toBe(0);
  expect(JSON.parse(skipped.stdout).skipped).toEqual([{ split: 'ood_length', reason: LONG }]);
  const text = await runCli(equivCommand, [adder, '--split', 'ood_length']);
  expect(text.stdout).toBe(`${adder}: skipped ood_length: ${LONG}`);
  const ok = await runCli(equivCommand, [adder, '--split', 'ood_4digit', '--json', '--no-search']);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout)).toMatchObject({ split: 'ood_4digit', count: 40 });
});

test('analyze gives the verdict and lists the skipped split; a split the verdict needs is one clear error', async () => {
  const r = await runCli(analyzeCommand, [adder, '--json']);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.workload).toBe('arithmetic');
  expect(out.skipped).toEqual([{ split: 'ood_length', reason: LONG }]);
  const short = checkpoint('block14', transformer(14));
  const bad = await runCli(analyzeCommand, [short]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe("error: the addition verdict needs split ood_4digit, which this model cannot read: inputs of 15 positions exceed the model's block size 14");
});

test('report writes the page with the skipped split named in it and on stdout', async () => {
  const out = path.join(root, 'report.html');
  const r = await runCli(reportCommand, [adder, '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`skipped ood_length: ${LONG}`);
  const html = fs.readFileSync(out, 'utf8');
  expect(html).toContain('splits skipped');
  expect(html).toContain('ood_length');
  expect(html).toContain('exceed the model&#39;s block size 15');
});
