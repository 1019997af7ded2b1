import { CommandSpec, flagLabel, formatHelp, parseArgs } from '../../cli/args';
import { UsageError } from '../../lib/util/errors';

const spec: CommandSpec = {
  name: 'demo-cmd',
  summary: 'a command to parse',
  flags: [
    { name: 'data', type: 'string', help: 'data sample', aliases: [{ name: 'sample', deprecated: true }, { name: 'split', deprecated: true }] },
    { name: 'width', type: 'int', default: 64, help: 'hidden size', aliases: [{ name: 'hidden', deprecated: true }] },
    { name: 'seeds', type: 'seeds', help: 'seeds' },
    { name: 'mask-seeds', type: 'seeds', default: '0..2', help: 'mask seeds' },
    { name: 'checkpoints', type: 'boolean', default: true, help: 'keep checkpoints' },
    { name: 'verbose', type: 'boolean', help: 'say more' },
    { name: 'formats', type: 'list', default: 'svg,png', help: 'formats' },
  ],
};

/** Parses with stderr captured: the flags and every warning line. */
function parse(argv: string[]) {
  const stderr: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  try {
    return { ...parseArgs(spec, argv), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('deprecated aliases', () => {
  test('the old spelling sets the new flag and warns once on stderr', () => {
    const r = parse(['--sample', 'sample2', '--hidden', '8']);
    expect(r.flags).toMatchObject({ data: 'sample2', width: 8 });
    expect(r.flags.sample).toBeUndefined();
    expect(r.stderr).toEqual(['warning: --sample is deprecated, use --data', 'warning: --hidden is deprecated, use --width']);
  });

  test('the new spelling is silent; the same alias twice warns once', () => {
    expect(parse(['--data', 'sample3', '--width=4']).stderr).toEqual([]);
    expect(parse(['--sample', 'a', '--sample', 'b']).stderr).toHaveLength(1);
  });

  test('two spellings with different values are one usage error naming both; equal values are fine', () => {
    expect(() => parse(['--sample', 'sample1', '--split', 'sample2'])).toThrow(UsageError);
    expect(() => parse(['--sample', 'sample1', '--data', 'sample2'])).toThrow(/--sample sample1 and --data sample2 name the same setting/);
    expect(parse(['--sample', 'sample3', '--data', 'sample3']).flags.data).toBe('sample3');
  });

  test('help lists the old spelling with its replacement', () => {
    const help = formatHelp(spec);
    expect(help).toMatch(/--width INT +hidden size \(default: 64\)\n/);
    expect(help).toMatch(/--hidden INT +hidden size \(default: 64\) \(deprecated, use --width\)/);
    expect(help).toMatch(/--no-checkpoints +keep checkpoints/);
  });
});

describe('--no-<flag>', () => {
  test('turns any boolean off, default-true ones included; the positive and =false forms still work', () => {
    expect(parse([]).flags.checkpoints).toBe(true);
    expect(parse(['--no-checkpoints']).flags.checkpoints).toBe(false);
    expect(parse(['--checkpoints=false']).flags.checkpoints).toBe(false);
    expect(parse(['--no-verbose']).flags.verbose).toBe(false);
    expect(parse(['--verbose']).flags.verbose).toBe(true);
  });

  test('--no-<flag> and --<flag> together contradict each other', () => {
    expect(() => parse(['--no-checkpoints', '--checkpoints'])).toThrow(/^demo-cmd: --no-checkpoints and --checkpoints name the same setting; give one$/);
  });

  test('is refused for non-boolean flags, with a value, and for unknown names', () => {
    expect(() => parse(['--no-width'])).toThrow(/unknown flag --no-width/);
    expect(() => parse(['--no-checkpoints=true'])).toThrow(/--no-checkpoints takes no value/);
    expect(() => parse(['--no-such'])).toThrow(/unknown flag --no-such/);
  });

  test('a flag literally named no-<x> keeps its meaning', () => {
    const literal: CommandSpec = { name: 'x', summary: '', flags: [{ name: 'no-search', type: 'boolean', help: '' }] };
    expect(parseArgs(literal, ['--no-search']).flags['no-search']).toBe(true);
  });
});

describe('seed lists', () => {
  test('ranges are inclusive; lists and mixes keep order', () => {
    expect(parse(['--seeds', '0..4']).flags.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(parse(['--seeds', '1,5,9']).flags.seeds).toEqual([1, 5, 9]);
    expect(parse(['--seeds', '0..2,20']).flags.seeds).toEqual([0, 1, 2, 20]);
    expect(parse(['--seeds=7']).flags.seeds).toEqual([7]);
  });

  test('string defaults of seed and list flags are parsed like given values', () => {
    expect(parse([]).flags['mask-seeds']).toEqual([0, 1, 2]);
    expect(parse([]).flags.formats).toEqual(['svg', 'png']);
  });

  test('a bad list is one usage error naming the flag', () => {
    expect(() => parse(['--seeds', '5..2'])).toThrow(/^--seeds: range 5\.\.2 is empty/);
    expect(() => parse(['--mask-seeds', 'a'])).toThrow(/^--mask-seeds: "a" is not a seed/);
    expect(() => parse(['--seeds', ''])).toThrow(UsageError);
  });
});

describe('what the user typed', () => {
  test('--quiet silences deprecation warnings', () => {
    expect(parse(['--sample', 'x', '--quiet']).stderr).toEqual([]);
  });

  test('errors and flagLabel name the spelling given', () => {
    expect(() => parse(['--hidden', 'wide'])).toThrow(/--hidden expects an integer/);
    const r = parse(['--sample', 'x', '--width', '3']);
    expect(flagLabel(r, 'data')).toBe('--sample');
    expect(flagLabel(r, 'width')).toBe('--width');
  });

  test('bad input gets only the error line, no warning before it', () => {
    expect(() => parse(['--sample', 'x', '--seeds', 'oops'])).toThrow(UsageError);
    const stderr: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
    try {
      expect(() => parseArgs(spec, ['--sample', 'x', '--seeds', 'oops'])).toThrow(/--seeds/);
    } finally {
      spy.mockRestore();
    }
    expect(stderr).toEqual([]);
  });
});
