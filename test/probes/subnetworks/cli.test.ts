/** `complens ablate` on small checkpoints written to a temp folder (the command is called directly, not via main). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../../cli/args';
import { ablateCommand, tablesFromTarget } from '../../../cli/commands/ablate';
import { initBackend } from '../../../lib/backend';
import { saveModelCheckpoint } from '../../../lib/io/model-checkpoint';
import { MlpModel } from '../../../lib/models/mlp';
import { RnnModel } from '../../../lib/models/rnn';
import { createLookupTask } from '../../../lib/tasks/lookup';
import { createSubroutineTask } from '../../../lib/tasks/subroutines';
import { UsageError } from '../../../lib/util/errors';
import { BinaryMask } from '../../../probes/subnetworks';

beforeAll(() => initBackend());

let tmp: string;
let logs: string[];
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-ablate-'));
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...a) => void logs.push(a.join(' ')));
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const run = (argv: string[]) => ablateCommand.run(parseArgs(ablateCommand, argv));

test('subroutine checkpoint: prints the summary and writes tables, masks and charts', async () => {
  const task = createSubroutineTask({ variant: 'language', seed: 2, sizes: { train: 100, val: 20, test: 40, partition: 40 } });
  const model = new MlpModel({ arch: 'mlp', inputSize: task.inputSize, hiddenSizes: [8], outputSize: 8, activation: 'relu', head: 'odd-one-out', items: 4 }, 3);
  const ckpt = path.join(tmp, 'ckpt');
  saveModelCheckpoint(ckpt, model, task);
  model.dispose();
  const out = path.join(tmp, 'out');
  expect(await run([ckpt, '--subroutine', 'A', '--seeds', '0,1', '--epochs', '1', '--no-random-init', '--out', out, '--quiet'])).toBe(0);
  expect(logs.join('\n')).toMatch(/SubDiff/);
  for (const f of ['runs.csv', 'accuracy.csv', 'summary.csv', 'sparsity.csv', 'result.json', 'accuracy-by-mode.svg', 'accuracy-by-mode.vl.json', 'sparsity-by-layer.svg']) {
    expect(fs.existsSync(path.join(out, f))).toBe(true);
  }
  const mask = BinaryMask.fromJSON(JSON.parse(fs.readFileSync(path.join(out, 'masks', 'trained-A-s1.json'), 'utf8')));
  expect(mask.names).toEqual(['layers.0.W', 'unembed.W_U']);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')).summary).toHaveLength(1);
  await expect(run([ckpt, '--subroutine', 'table:t1', '--quiet'])).rejects.toThrow(UsageError);
  await expect(run([ckpt, '--lr', '100', '--quiet'])).rejects.toThrow(/--lr/);
});

test('lookup checkpoint: one table, IoU printed, charts written', async () => {
  const atomic = ['00', '01', '10', '11'].flatMap((x) => [`${x} t1`, `${x} t2`]);
  const task = createLookupTask({ kind: 'lookup', bits: 2, tables: [[1, 2, 3, 0], [3, 2, 1, 0]], split: { kind: 'explicit', rows: { train: [...atomic, '00 t1 t2', '01 t2 t1'] } } });
  const model = new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: task.vocab.length, embedSize: 4, hiddenSize: 8, numLayers: 1 }, 0);
  const ckpt = path.join(tmp, 'rnn');
  saveModelCheckpoint(ckpt, model, task);
  model.dispose();
  const out = path.join(tmp, 'out');
  expect(await run([ckpt, '--subroutine', 'all', '--epochs', '1', '--include', 'cells.*.W_hh', '--out', out, '--quiet'])).toBe(0);
  expect(logs.join('\n')).toMatch(/IoU between table masks/);
  for (const f of ['tables.csv', 'iou.csv', 'table-drop.svg', 'table-iou.svg', 'masks/t1.json', 'masks/t2.json']) expect(fs.existsSync(path.join(out, f))).toBe(true);
  expect(tablesFromTarget('table:t2', 2)).toEqual([1]);
  expect(tablesFromTarget('t1,t2', 2)).toEqual([0, 1]);
  expect(() => tablesFromTarget('table:t3', 2)).toThrow(/t1\.\.t2/);
});
