import { parseArgs } from '../../cli/args';
import { jobFromArgs, trainCommand } from '../../cli/commands/train';
import { UsageError } from '../../lib/util/errors';

const job = (argv: string[]) => jobFromArgs(parseArgs(trainCommand, argv));

test('--split is accepted as the name search uses for --sample; conflicting values are a usage error', () => {
  expect(job(['--split', 'sample2']).task).toMatchObject({ sample: 'sample2' });
  expect(job(['--sample', 'sample3']).task).toMatchObject({ sample: 'sample3' });
  expect(job(['--sample', 'sample3', '--split', 'sample3']).task).toMatchObject({ sample: 'sample3' });
  expect(() => job(['--sample', 'sample1', '--split', 'sample2'])).toThrow(UsageError);
  expect(() => job(['--sample', 'sample1', '--split', 'sample2'])).toThrow(/--sample sample1 and --split sample2/);
});
