import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveWorkerCount } from '../../lib/search/pool/pool';
import { parseSeedList, planJobs } from '../../lib/search/seeds';
import { ResultsStore, readStoreFile } from '../../lib/search/store';
import { rowsTable, searchTable } from '../../lib/search/table';
import { SearchRow, rowKey } from '../../lib/search/types';
import { UsageError } from '../../lib/util/errors';

function row(initSeed: number, zeroShot = 0.125, extra: Partial<SearchRow> = {}): SearchRow {
  return {
    v: 1,
    key: rowKey(initSeed, initSeed, 'atomic+composed'),
    variant: 'haystack',
    initSeed,
    dataSeed: initSeed,
    regime: 'atomic+composed',
    zeroShot,
    splits: { train: { em: 1, tok: 1, n: 232 }, heldout_compositions: { em: zeroShot, tok: 0.5, n: 64 } },
    train: { steps: 100, stoppedBecause: 'accuracy', trainExactMatch: 1, wallSeconds: 1, evalSeconds: 0.1, curve: null },
    trainer: 'reference',
    worker: 'test',
    finishedAt: '2026-01-01T00:00:00.000Z',
    numTensors: 7,
    ...extra,
  };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-store-'));

describe('seed lists', () => {
  test('ranges, lists, duplicates', () => {
    expect(parseSeedList('0..4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseSeedList('7')).toEqual([7]);
    expect(parseSeedList('3,1..2, 3, 10..11')).toEqual([3, 1, 2, 10, 11]);
    expect(parseSeedList('0..9999')).toHaveLength(10000);
  });

  test('bad lists are one-line usage errors naming the flag', () => {
    for (const bad of ['', 'a', '5..2', '1..', '-3', '1.5', '0..99999999999']) {
      expect(() => parseSeedList(bad, '--seeds')).toThrow(UsageError);
      expect(() => parseSeedList(bad, '--seeds')).toThrow(/^--seeds: /);
    }
  });

  test('--workers: auto is the core count, N a positive integer', () => {
    expect(resolveWorkerCount('auto')).toBe(os.availableParallelism());
    expect(resolveWorkerCount('3')).toBe(3);
    expect(resolveWorkerCount(undefined)).toBe(1);
    for (const bad of ['0', '-1', 'x', '1.5', '1000']) expect(() => resolveWorkerCount(bad)).toThrow(/^--workers expects auto or an integer/);
  });

  test('plans: paired by default, a grid with data-order seeds, one block per regime', () => {
    expect(planJobs({ seeds: [1, 2], regimes: ['atomic+composed'] }).map((j) => j.key)).toEqual(['i1-d1-atomic+composed', 'i2-d2-atomic+composed']);
    const grid = planJobs({ seeds: [1, 2], dataSeeds: [5, 6], regimes: ['atomic+composed', 'composed-only'] });
    expect(grid).toHaveLength(8);
    expect(grid[0]).toEqual({ variant: 'haystack', initSeed: 1, dataSeed: 5, regime: 'atomic+composed', key: 'i1-d5-atomic+composed' });
    expect(grid[7].key).toBe('i2-d6-composed-only');
    expect(new Set(grid.map((j) => j.key)).size).toBe(8);
  });
});

describe('results store (append-only JSONL)', () => {
  test('appends, refuses duplicate keys, reads back in order', () => {
    const file = path.join(tmp(), 'results.jsonl');
    const store = ResultsStore.open(file);
    expect(store.append(row(1))).toBe(true);
    expect(store.append(row(2))).toBe(true);
    expect(store.append(row(1, 0.9))).toBe(false);
    store.close();
    const read = readStoreFile(file);
    expect(read.rows.map((r) => r.key)).toEqual([row(1).key, row(2).key]);
    expect(read.rows[0].zeroShot).toBe(0.125);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('a torn last line is ignored by readers and truncated by the writer; the next row lands on its own line', () => {
    const file = path.join(tmp(), 'results.jsonl');
    const store = ResultsStore.open(file);
    store.append(row(1));
    store.close();
    const good = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, JSON.stringify(row(2)).slice(0, 37));
    expect(readStoreFile(file)).toMatchObject({ tornTail: true, validBytes: Buffer.byteLength(good) });
    expect(readStoreFile(file).rows).toHaveLength(1);
    const again = ResultsStore.open(file);
    expect(again.opened.tornTail).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
    again.append(row(2));
    again.close();
    expect(readStoreFile(file)).toMatchObject({ tornTail: false, duplicates: 0 });
    expect(readStoreFile(file).rows.map((r) => r.initSeed)).toEqual([1, 2]);
  });

  test('duplicates on disk: the first row of a key wins; garbage in the middle is a file error with its line', () => {
    const dir = tmp();
    const file = path.join(dir, 'results.jsonl');
    fs.writeFileSync(file, [row(1), row(2), row(1, 0.5)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const read = readStoreFile(file);
    expect(read.duplicates).toBe(1);
    expect(read.rows.find((r) => r.initSeed === 1)!.zeroShot).toBe(0.125);
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, JSON.stringify(row(1)) + '\nnot json\n' + JSON.stringify(row(2)) + '\n');
    expect(() => readStoreFile(bad)).toThrow(/bad\.jsonl:2: not a results row/);
  });

  test('loads as an arquero table with one column per split metric', () => {
    const dir = tmp();
    const store = ResultsStore.open(path.join(dir, 'results.jsonl'));
    for (let s = 0; s < 5; s++) store.append(row(s, s / 8));
    store.close();
    const t = searchTable(dir);
    expect(t.numRows()).toBe(5);
    expect(t.columnNames()).toEqual(expect.arrayContaining(['key', 'zeroShot', 'em_heldout_compositions', 'tok_train', 'steps', 'stoppedBecause']));
    expect(t.filter((d: { zeroShot: number }) => d.zeroShot > 0.3).numRows()).toBe(2);
    expect(rowsTable([]).numRows()).toBe(0);
  });
});
