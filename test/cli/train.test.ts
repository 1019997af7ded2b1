import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../cli/args';
import { jobFromArgs, trainCommand } from '../../cli/commands/train';
import { vectorJobFromArgs } from '../../cli/commands/train-vector';
import { UsageError } from '../../lib/util/errors';

const job = (argv: string[]) => jobFromArgs(parseArgs(trainCommand, argv));

test('--split is accepted as the name search uses for --sample; conflicting values are a usage error', () => {
  expect(job(['--split', 'sample2']).task).toMatchObject({ sample: 'sample2' });
  expect(job(['--sample', 'sample3']).task).toMatchObject({ sample: 'sample3' });
  expect(job(['--sample', 'sample3', '--split', 'sample3']).task).toMatchObject({ sample: 'sample3' });
  expect(() => job(['--sample', 'sample1', '--split', 'sample2'])).toThrow(UsageError);
  expect(() => job(['--sample', 'sample1', '--split', 'sample2'])).toThrow(/--sample sample1 and --split sample2/);
});

test('--data and --width are the names; --sample, --split and --hidden still work with one deprecation line each', () => {
  expect(job(['--data', 'sample4', '--width', '12', '--quiet'])).toMatchObject({ task: { sample: 'sample4' }, model: { hiddenSize: 12 } });
  const warnings: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void warnings.push(a.join(' ')));
  try {
    expect(job(['--sample', 'sample2', '--hidden', '8'])).toMatchObject({ task: { sample: 'sample2' }, model: { hiddenSize: 8 } });
  } finally {
    spy.mockRestore();
  }
  expect(warnings).toEqual(['warning: --sample is deprecated, use --data', 'warning: --hidden is deprecated, use --width']);
  expect(() => vectorJobFromArgs(parseArgs(trainCommand, ['--task', 'hyperteacher', '--data', 'sample1', '--quiet']))).toThrow(/--data: lookup tasks only/);
  expect(vectorJobFromArgs(parseArgs(trainCommand, ['--task', 'hyperteacher', '--width', '16', '--quiet'])).model).toMatchObject({ hiddenSizes: [16, 16] });
});

test('--config: the file seed is used, and a flag overrides it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-train-cfg-'));
  const file = path.join(dir, 'job.json');
  fs.writeFileSync(file, JSON.stringify({ task: { kind: 'arithmetic' }, seed: 5 }));
  expect(job(['--config', file, '--out', `${dir}/run`])).toMatchObject({ seed: 5, task: { kind: 'arithmetic' }, model: { arch: 'transformer', preset: 'gpt-nano' } });
  expect(job(['--config', file, '--seed', '2', '--out', `${dir}/run`]).seed).toBe(2);
  fs.rmSync(dir, { recursive: true, force: true });
});
