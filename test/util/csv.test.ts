import * as aq from 'arquero';
import { csvField, csvLine, csvText } from '../../lib/util/csv';

const awkward = ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'carriage\rreturn', 'crlf\r\n', ''];

test('cells with commas, quotes, \\r and \\n are quoted, inner quotes doubled; null and undefined are empty', () => {
  expect(awkward.map(csvField)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"line\nbreak"', '"carriage\rreturn"', '"crlf\r\n"', '']);
  expect(csvLine([1, null, undefined, 0.5, 'x,y'])).toBe('1,,,0.5,"x,y"');
  expect(csvText(['k', 'v'], [['a', 1], ['b\r', 2]])).toBe('k,v\na,1\n"b\r",2\n');
});

test('the row writer and arquero (the table writer) quote the same way', () => {
  const table = aq.table({ name: awkward, n: awkward.map((_, i) => i) });
  expect(table.toCSV() + '\n').toBe(csvText(['name', 'n'], awkward.map((s, i) => [s, i])));
});
