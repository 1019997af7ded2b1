/**
 * Adding a workload is one folder and one registry call: test/workloads/parity holds a task family, its defaults,
 * flags and verdict, and `registerWorkload(parityWorkload)` below is all it takes for the command line to train,
 * evaluate, analyze and report it like the built-in four.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeCommand } from '../../cli/commands/analyze';
import { evalCommand } from '../../cli/commands/eval';
import { infoCommand } from '../../cli/commands/info';
import { reportCommand } from '../../cli/commands/report';
import { trainCommand } from '../../cli/commands/train';
import { getWorkload, registerWorkload, workloadNames } from '../../lib/workloads';
import { runCli } from '../helpers/run-cli';
import { parityWorkload } from './parity';

registerWorkload(parityWorkload);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-fifth-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the registry lists it beside the built-in four', () => {
  expect(workloadNames()).toEqual(['lookup', 'arithmetic', 'hyperteacher', 'subroutines', 'parity']);
  expect(getWorkload('parity').modelKind).toBe('sequence');
  expect(trainCommand.flags.map((f) => f.name)).toContain('bits');
});

test('train → eval → info → analyze → report through the CLI', async () => {
  const ckpt = path.join(dir, 'parity');
  const train = await runCli(trainCommand, ['--task', 'parity', '--bits', '4', '--seed', '1', '--out', ckpt, '--json']);
  expect(train.stderr).toBe('');
  expect(train.code).toBe(0);
  const trained = JSON.parse(train.stdout);
  expect(trained.job).toMatchObject({ workload: 'parity', task: { kind: 'parity', bits: 4 }, model: { cell: 'gru', hiddenSize: 16 } });
  expect(trained.training.steps).toBeGreaterThan(0);
  expect(trained.evaluation.splits.map((s: { split: string }) => s.split)).toEqual(['train', 'heldout']);
  // 12 trained strings of 4 bits: the defaults fit them.
  expect(trained.metrics.train).toBe(1);
  // The same command again reuses the finished job, as for every workload.
  const again = JSON.parse((await runCli(trainCommand, ['--task', 'parity', '--bits', '4', '--seed', '1', '--out', ckpt, '--json'])).stdout);
  expect(again).toMatchObject({ reused: true, evaluation: trained.evaluation, training: { steps: trained.training.steps } });

  const evaluated = await runCli(evalCommand, [ckpt, '--json']);
  expect(evaluated.code).toBe(0);
  // The same numbers as saved at training: evaluation is the workload's, on the rebuilt task.
  expect(JSON.parse(evaluated.stdout).splits).toEqual(trained.evaluation.splits);

  const info = await runCli(infoCommand, [ckpt]);
  expect(info.code).toBe(0);
  expect(info.stdout).toMatch(/task\s+kind=parity/);
  expect(info.stdout).toMatch(/heldout/);

  const analyzed = await runCli(analyzeCommand, [ckpt, '--json']);
  expect(analyzed.code).toBe(0);
  const verdict = JSON.parse(analyzed.stdout);
  expect(verdict.workload).toBe('parity');
  expect(verdict.evidence.map((e: { id: string }) => e.id)).toEqual(['probe.parity', 'behaviour.heldout']);
  expect(['compositional', 'partially compositional', 'memorizing']).toContain(verdict.label);

  const html = path.join(dir, 'parity.html');
  const report = await runCli(reportCommand, [ckpt, '--html', html]);
  expect(report.code).toBe(0);
  const page = fs.readFileSync(html, 'utf8');
  expect(page).toContain('parity: verdict');
  expect(page).toContain('probe.parity');
}, 180_000);

test("its flags are refused for the other workloads, and the others' for it", async () => {
  const lookup = await runCli(trainCommand, ['--bits', '4', '--out', path.join(dir, 'x')]);
  expect(lookup.code).toBe(2);
  expect(lookup.stderr).toMatch(/--bits: applies to --task parity only/);
  const parity = await runCli(trainCommand, ['--task', 'parity', '--op', 'add', '--out', path.join(dir, 'y')]);
  expect(parity.stderr).toMatch(/--op: applies to --task arithmetic only/);
});
