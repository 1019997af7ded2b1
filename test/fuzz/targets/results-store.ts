/**
 * Fuzz target: the search results store (lib/search/store.ts, `results.jsonl`) through readStoreFile, what search,
 * report and summaries read. The original is 24 rows written by ResultsStore.append (each with its checksum).
 *
 * What the store promises decides what may load: rows in any order and duplicate lines are the same store (readers
 * keep the first row of a key); a damaged last line is a torn write that readers skip, so a load that reports
 * tornTail may hold a prefix of the rows, as may a truncated or emptied file. Every other change must be refused as
 * a one-line ComplensError naming the file (with its line).
 */
import * as fs from 'fs';
import * as path from 'path';
import { readStoreFile, ResultsStore, StoreReadReport } from '../../../lib/search/store';
import { rowKey, SearchRow } from '../../../lib/search/types';
import { Rng } from '../../../lib/util/random';
import { bytes, deepJson, FuzzCase, FuzzTarget, pick } from '../harness';

let originalFile = '';

function row(i: number): SearchRow {
  const zeroShot = (i % 9) / 8;
  return {
    v: 1,
    key: rowKey(i, 1000 + i, i % 2 ? 'composed-only' : 'atomic+composed'),
    variant: 'haystack',
    initSeed: i,
    dataSeed: 1000 + i,
    regime: i % 2 ? 'composed-only' : 'atomic+composed',
    zeroShot,
    splits: { train: { em: 1, tok: 1, n: 232 }, heldout_compositions: { em: zeroShot, tok: 0.5 + i / 100, n: 64 } },
    train: { steps: 100 + i, stoppedBecause: 'accuracy', trainExactMatch: 1, wallSeconds: 1.25, evalSeconds: 0.1, curve: null },
    trainer: 'reference',
    worker: `host/${i}/0`,
    finishedAt: '2026-01-01T00:00:00.000Z',
    numTensors: 7,
  };
}

const linesOf = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (file: string, lines: string[]) => fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));

type Mutation = (rng: Rng, file: string) => string;

const mutations: Array<[number, Mutation]> = [
  [6, (rng, file) => {
    const m = pick(rng, [bytes.flip, bytes.flip, bytes.flip, bytes.truncate, bytes.insert, bytes.duplicate]);
    const { out, what } = m(fs.readFileSync(file), rng);
    fs.writeFileSync(file, out);
    return m === bytes.truncate ? `truncate: ${what}` : what;
  }],
  [2, (rng, file) => {
    const lines = linesOf(file);
    const how = pick(rng, ['duplicate line', 'swap lines', 'join lines', 'old-format row after new', 'edit a value']);
    const a = rng.int(lines.length);
    const b = rng.int(lines.length);
    if (how === 'duplicate line') lines.splice(b, 0, lines[a]);
    if (how === 'swap lines') [lines[a], lines[b]] = [lines[b], lines[a]];
    if (how === 'join lines' && a < lines.length - 1) lines.splice(a, 2, lines[a] + lines[a + 1]);
    if (how === 'old-format row after new') lines.splice(Math.max(1, a), 0, JSON.stringify(row(500 + a)));
    // A plausible hand edit: valid JSON, checksum left as it was.
    if (how === 'edit a value') lines[a] = lines[a].replace(/"zeroShot":[0-9.]+/, '"zeroShot":0.99');
    writeLines(file, lines);
    return `${how} (${a}, ${b})`;
  }],
  [1, (rng, file) => {
    const how = pick(rng, ['directory', 'empty', 'deep JSON line', 'huge line', 'binary']);
    if (how === 'directory') {
      fs.rmSync(file);
      fs.mkdirSync(file);
    }
    if (how === 'empty') fs.writeFileSync(file, '');
    if (how === 'deep JSON line') fs.writeFileSync(file, deepJson(100_000) + '\n' + fs.readFileSync(file, 'utf8'));
    if (how === 'huge line') fs.writeFileSync(file, '{"v":' + '1'.repeat(1 << 20) + '}\n' + fs.readFileSync(file, 'utf8'));
    if (how === 'binary') fs.writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, () => rng.int(256))));
    return how === 'empty' ? 'truncate: empty' : how;
  }],
];
const total = mutations.reduce((s, [w]) => s + w, 0);

const canonical = (rows: readonly SearchRow[]) => rows.map((r) => JSON.stringify(r));

export const resultsStoreTarget: FuzzTarget<StoreReadReport> = {
  name: 'results-store',
  timeMs: 2000,
  setup(dir) {
    fs.mkdirSync(dir, { recursive: true });
    originalFile = path.join(dir, 'results.jsonl');
    const store = ResultsStore.open(originalFile);
    for (let i = 0; i < 24; i++) store.append(row(i));
    store.close();
    return readStoreFile(originalFile);
  },
  mutate(rng, caseDir): FuzzCase {
    const file = path.join(caseDir, 'results.jsonl');
    fs.copyFileSync(originalFile, file);
    let r = rng.next() * total;
    const [, m] = mutations.find(([w]) => (r -= w) < 0) ?? mutations[0];
    return { target: file, mutation: m(rng, file) };
  },
  load: (c) => readStoreFile(c.target),
  same(original, loaded, c) {
    const before = canonical(original.rows);
    const after = canonical(loaded.rows);
    if ([...after].sort().join('\n') === [...before].sort().join('\n')) return true;
    const prefixOk = loaded.tornTail || c.mutation.startsWith('truncate:');
    return prefixOk && after.every((r, i) => r === before[i]);
  },
};

export const target = resultsStoreTarget;
export default resultsStoreTarget;
