/** Issue 14: the results store refuses rows changed after they were written, and names the file for fs failures. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatStoreLine, readStoreFile, ResultsStore } from '../../lib/search/store';
import { rowKey, SearchRow } from '../../lib/search/types';

const row = (i: number): SearchRow => ({
  v: 1, key: rowKey(i, i, 'atomic+composed'), variant: 'haystack', initSeed: i, dataSeed: i, regime: 'atomic+composed', zeroShot: 0.25,
  splits: { train: { em: 1, tok: 1, n: 232 } },
  train: { steps: 10, stoppedBecause: 'accuracy', trainExactMatch: 1, wallSeconds: 1, evalSeconds: 0.1, curve: null },
  trainer: 'reference', worker: 'test', finishedAt: '2026-01-01T00:00:00.000Z', numTensors: 7,
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-store-integrity-'));
  file = path.join(dir, 'results.jsonl');
  const store = ResultsStore.open(file);
  for (let i = 0; i < 3; i++) store.append(row(i));
  store.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('rows are written with a checksum and read back unchanged (still one JSON object per line)', () => {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  expect(lines[0]).toBe(formatStoreLine(row(0)).trimEnd());
  expect(JSON.parse(lines[0])).toMatchObject({ crc: expect.stringMatching(/^[0-9a-f]{8}$/), key: row(0).key });
  expect(readStoreFile(file).rows).toEqual([row(0), row(1), row(2)]);
});

test('a value edited by hand (valid JSON) is refused with its line', () => {
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"zeroShot":0.25/, '"zeroShot":0.95'));
  expect(() => readStoreFile(file)).toThrow(new RegExp(`^${file}:1: row checksum mismatch \\(expected [0-9a-f]{8}\\): the row was changed after it was written$`));
});

test('an old-format row is read before checksummed rows but refused after them', () => {
  fs.writeFileSync(file, JSON.stringify(row(9)) + '\n' + fs.readFileSync(file, 'utf8'));
  expect(readStoreFile(file).rows.map((r) => r.initSeed)).toEqual([9, 0, 1, 2]);
  fs.appendFileSync(file, JSON.stringify(row(10)) + '\n' + formatStoreLine(row(11)));
  expect(() => readStoreFile(file)).toThrow(/results\.jsonl:5: a row without a checksum after checksummed rows/);
});

test('a damaged checksum field is not mistaken for an old-format row', () => {
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{"crc"', '{"crb"'));
  expect(() => readStoreFile(file)).toThrow(/results\.jsonl:1: not a results row \(expected \{"crc":…\}/);
});

test('a folder in place of the store is a named error, for readers and the writer', () => {
  fs.rmSync(file);
  fs.mkdirSync(file);
  expect(() => readStoreFile(file)).toThrow(`${file}: is a folder; expected the results store (a JSONL file)`);
  expect(() => ResultsStore.open(file)).toThrow(/results\.jsonl: is a folder/);
  fs.writeFileSync(path.join(dir, 'blocker'), '');
  expect(() => ResultsStore.open(path.join(dir, 'blocker', 'results.jsonl'))).toThrow(/blocker\/results\.jsonl: cannot open the results store for appending \((ENOTDIR|EEXIST)\)$/);
});
