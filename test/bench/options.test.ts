import { benchArgs, flag, option } from '../../bench/options';

test('bench options: values, booleans, positionals and fallbacks', () => {
  const argv = ['analyze', 'runs/x', '--steps', '12', '--quick', '--workload=hyperteacher'];
  expect(benchArgs(argv).positionals).toEqual(['analyze', 'runs/x']);
  expect(option('steps', undefined, argv)).toBe('12');
  expect(option('workload', undefined, argv)).toBe('hyperteacher');
  expect(option('models', '32', argv)).toBe('32');
  expect(flag('quick', argv)).toBe(true);
  expect(flag('no-torch', argv)).toBe(false);
});

test('a misspelled or valueless option is an error, not silently ignored', () => {
  expect(() => benchArgs(['--model', '4'])).toThrow(/Unknown option '--model'/);
  expect(() => benchArgs(['--steps'])).toThrow(/argument missing/);
});
