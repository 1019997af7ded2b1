/** `complens equiv` on a small untrained checkpoint written to a temp folder (the command is called directly). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../../cli/args';
import { equivCommand } from '../../../cli/commands/equiv';
import { initBackend } from '../../../lib/backend';
import { saveModelCheckpoint } from '../../../lib/io/model-checkpoint';
import { RnnModel } from '../../../lib/models/rnn';
import { createArithmeticTask } from '../../../lib/tasks/arithmetic';
import { UsageError } from '../../../lib/util/errors';

beforeAll(() => initBackend());

let tmp: string;
let ckpt: string;
let logs: string[];
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-equiv-'));
  const task = createArithmeticTask({ op: 'add', padWidth: 4, sizes: { train: 60, test: 10, ood_4digit: 40, ood_5digit: 0, ood_mixed: 0, ood_length: 0 } });
  const model = new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: 10, embedSize: 4, hiddenSize: 8, numLayers: 1 }, 0);
  ckpt = path.join(tmp, 'adder');
  saveModelCheckpoint(ckpt, model, task);
  model.dispose();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...a) => void logs.push(a.join(' ')));
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const run = (argv: string[]) => equivCommand.run(parseArgs(equivCommand, argv));

test('prints the ranked table, the representation check and the search; writes an SVG chart', async () => {
  const svg = path.join(tmp, 'equiv.svg');
  expect(await run([ckpt, '--split', 'ood_4digit', '--chart', svg, '--quiet'])).toBe(0);
  const text = logs.join('\n');
  expect(text).toMatch(/split ood_4digit \(40 examples\) · ID split train/);
  expect(text).toMatch(/rank\s+relation\s+family\s+explained\s+fraction\s+predicted\s+chance/);
  expect(text).toMatch(/operands mod 10\^3/);
  expect(text).toMatch(/representation \(cells\.0\.hook_h at the last prompt position/);
  expect(fs.readFileSync(svg, 'utf8')).toMatch(/^<svg/);
});

test('--json prints the typed result; --relations restricts the candidates; --chart .json writes the spec', async () => {
  const spec = path.join(tmp, 'equiv.vl.json');
  expect(await run([ckpt, '--split', 'ood_4digit', '--json', '--relations', 'true answer,answer mod 10^3', '--no-search', '--chart', spec, '--quiet'])).toBe(0);
  const result = JSON.parse(logs.join('\n'));
  expect(result.kind).toBe('equivalence');
  expect(result.count).toBe(40);
  expect(result.relations.map((r: { name: string }) => r.name).sort()).toEqual(['answer mod 10^3', 'true answer']);
  expect(result.search).toBeUndefined();
  expect(result.representation).toBeUndefined(); // neither relation has representatives
  expect(JSON.parse(fs.readFileSync(spec, 'utf8')).layer).toHaveLength(2);
});

test('usage errors: missing --split, unknown split, unknown relation, bad chart name', async () => {
  await expect(run([ckpt, '--quiet'])).rejects.toThrow(/--split is required/);
  await expect(run([ckpt, '--split', 'nope', '--quiet'])).rejects.toThrow(/no split "nope"/);
  await expect(run([ckpt, '--split', 'ood_4digit', '--relations', 'magic', '--quiet'])).rejects.toThrow(UsageError);
  await expect(run([ckpt, '--split', 'ood_4digit', '--chart', 'x.png', '--quiet'])).rejects.toThrow(/\.svg or \.json/);
  await expect(run([path.join(tmp, 'missing'), '--split', 'ood_4digit', '--quiet'])).rejects.toThrow(/missing/);
});
