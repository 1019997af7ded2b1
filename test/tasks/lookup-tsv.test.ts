import { formatLookupLine, formatLookupTsv, parseLookupTsv, PUBLIC_TABLES } from '../../lib/tasks/lookup';
import { FileFormatError } from '../../lib/util/errors';

const publicLines = [
  '011 t1 .\t011 010\t0 1 2',
  '010 t1 t6 .\t010 101 000\t0 1 2 3',
  '010 t7 t3 .\t010 000 111\t0 1 2 3',
  '001 t1 t4 t4 .\t001 001 100 111\t0 1 2 3 4',
  '110 t8 t6 t6 .\t110 101 000 011\t0 1 2 3 4',
];

describe('formatLookupLine', () => {
  it('writes the example lines of the public data exactly', () => {
    const rows = [
      { input: 3, tables: [0] },
      { input: 2, tables: [0, 5] },
      { input: 2, tables: [6, 2] },
      { input: 1, tables: [0, 3, 3] },
      { input: 6, tables: [7, 5, 5] },
    ];
    expect(rows.map((r) => formatLookupLine(r, PUBLIC_TABLES, 3))).toEqual(publicLines);
    expect(formatLookupTsv(rows, PUBLIC_TABLES, 3)).toBe(publicLines.join('\n') + '\n');
    expect(formatLookupTsv([], PUBLIC_TABLES, 3)).toBe('');
  });
});

describe('parseLookupTsv', () => {
  it('reads rows, values and line numbers, inferring the bit length', () => {
    const parsed = parseLookupTsv(publicLines.join('\n') + '\n', 'x.tsv');
    expect(parsed.bits).toBe(3);
    expect(parsed.lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
    expect(parsed.lines[1].row).toEqual({ input: 2, tables: [0, 5] });
    expect(parsed.lines[1].values).toEqual([2, 5, 0]);
    expect(parsed.lines[3].row.tables).toEqual([0, 3, 3]);
  });

  it('accepts a missing final newline and empty text', () => {
    expect(parseLookupTsv(publicLines[0], 'x.tsv').lines).toHaveLength(1);
    expect(parseLookupTsv('', 'x.tsv')).toEqual({ bits: undefined, lines: [] });
  });

  const bad: [string, string, RegExp][] = [
    ['two columns', '010 t1 t6 .\t010 101 000', /x\.tsv:2: expected 3 tab-separated columns .* got 2/],
    ['four columns', '010 t1 t6 .\t010 101 000\t0 1 2 3\textra', /x\.tsv:2: expected 3 tab-separated columns .* got 4/],
    ['no end-of-prompt dot', '010 t1 t6\t010 101 000\t0 1 2 3', /x\.tsv:2: expected the input column .* ending with " \."/],
    ['no table', '010 .\t010\t0 1', /x\.tsv:2: expected the input column/],
    ['a 4-bit input', '0100 t1 t6 .\t0100 101 000\t0 1 2 3', /x\.tsv:2: expected a 3-bit input, got "0100"/],
    ['a non-bit input', '01x t1 t6 .\t01x 101 000\t0 1 2 3', /x\.tsv:2: expected a 3-bit input, got "01x"/],
    ['a malformed table', '010 x1 t6 .\t010 101 000\t0 1 2 3', /x\.tsv:2: unknown table "x1"/],
    ['table t0', '010 t0 t6 .\t010 101 000\t0 1 2 3', /x\.tsv:2: unknown table "t0"/],
    ['a short target', '010 t1 t6 .\t010 101\t0 1 2 3', /x\.tsv:2: expected 3 bit strings in the target/],
    ['a bad target value', '010 t1 t6 .\t010 1a1 000\t0 1 2 3', /x\.tsv:2: expected 3-bit values in the target, got "1a1"/],
    ['no input copy', '010 t1 t6 .\t011 101 000\t0 1 2 3', /x\.tsv:2: inconsistent target: .*copy of the input "010"/],
    ['bad attention', '010 t1 t6 .\t010 101 000\t0 1 2', /x\.tsv:2: expected attention indices "0 1 2 3", got "0 1 2"/],
    ['a CRLF line', '010 t1 t6 .\t010 101 000\t0 1 2 3\r', /x\.tsv:2: carriage return/],
    ['an empty line', '', /x\.tsv:2: empty line/],
  ];
  it.each(bad)('rejects %s, naming file:line and what was expected', (_, line, message) => {
    const text = `${publicLines[0]}\n${line}\n${publicLines[1]}\n`;
    expect(() => parseLookupTsv(text, 'x.tsv')).toThrow(FileFormatError);
    expect(() => parseLookupTsv(text, 'x.tsv')).toThrow(message);
  });

  it('checks targets and table names against known tables', () => {
    const opts = { tables: PUBLIC_TABLES };
    expect(parseLookupTsv(publicLines.join('\n'), 'x.tsv', opts).lines).toHaveLength(5);
    expect(() => parseLookupTsv('010 t1 t6 .\t010 101 001\t0 1 2 3', 'x.tsv', opts)).toThrow(
      /x\.tsv:1: inconsistent target: t6 maps 101 to 000, but the target says 001/,
    );
    expect(() => parseLookupTsv('010 t9 .\t010 101\t0 1 2', 'x.tsv', opts)).toThrow(/unknown table "t9": expected t1\.\.t8/);
  });

  it('holds later lines to the first line\'s bit length, or to options.bits', () => {
    expect(() => parseLookupTsv('01 t1 .\t01 10\t0 1 2\n010 t1 .\t010 101\t0 1 2', 'x.tsv')).toThrow(/x\.tsv:2: expected a 2-bit input/);
    expect(() => parseLookupTsv(publicLines[0], 'x.tsv', { bits: 4 })).toThrow(/x\.tsv:1: expected a 4-bit input/);
  });
});
