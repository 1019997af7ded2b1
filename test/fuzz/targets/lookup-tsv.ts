/**
 * Fuzz target: lookup sample folders through readLookupSample (what `--sample DIR` and lookupTaskFromSample read).
 * The original is a small generated domain (4 tables of 2 bits, all nine split files, ~180 rows) so that a case
 * takes milliseconds. Each case copies it and applies one mutation to one split file.
 *
 * TSV rows carry no checksum, so a mutation can turn a line into another valid line (a bit flip turning "t1" into
 * "t3" where both tables agree on that input). Such a load is accepted only if it is well-formed and small: the same
 * tables, every other split unchanged, and at most two rows of the mutated split different (or, for a truncation,
 * a prefix of it; for an emptied file other than train, no rows). Everything else must be a one-line ComplensError
 * naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  buildLookupDataset, formatRowKey, LOOKUP_SPLIT_NAMES, LookupDataset, lookupSpecFromSeed, LookupSplitName, readLookupSample, writeLookupSample,
} from '../../../lib/tasks/lookup';
import { Rng } from '../../../lib/util/random';
import { bytes, FuzzCase, FuzzTarget, pick } from '../harness';

interface Loaded {
  tables: string;
  rows: Record<string, string[]>;
}

let originalDir = '';

function summarize(d: LookupDataset): Loaded {
  const rows: Record<string, string[]> = {};
  for (const name of LOOKUP_SPLIT_NAMES) rows[name] = (d.splits[name] ?? []).map((r) => formatRowKey(r, d.bits));
  return { tables: JSON.stringify(d.tables), rows };
}

const fileOf = (dir: string, split: LookupSplitName) => path.join(dir, `${split}.tsv`);
const linesOf = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (file: string, lines: string[]) => fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));

type Mutation = (rng: Rng, dir: string, split: LookupSplitName) => string;

const mutations: Array<[number, Mutation]> = [
  [6, (rng, dir, split) => {
    const m = pick(rng, [bytes.flip, bytes.flip, bytes.truncate, bytes.insert, bytes.duplicate]);
    const { out, what } = m(fs.readFileSync(fileOf(dir, split)), rng);
    fs.writeFileSync(fileOf(dir, split), out);
    return m === bytes.truncate ? `truncate: ${what}` : what;
  }],
  [1, (rng, dir, split) => {
    const lines = linesOf(fileOf(dir, split));
    const at = rng.int(lines.length);
    lines.splice(rng.int(lines.length + 1), 0, lines[at]);
    writeLines(fileOf(dir, split), lines);
    return `duplicate line ${at + 1}`;
  }],
  [1, (rng, dir, split) => {
    const from = pick(rng, LOOKUP_SPLIT_NAMES);
    const source = linesOf(fileOf(dir, from));
    const line = source[rng.int(source.length)];
    fs.appendFileSync(fileOf(dir, split), line + '\n');
    return `copy a line of ${from}`;
  }],
  [1, (rng, dir, split) => {
    const lines = linesOf(fileOf(dir, split));
    const at = rng.int(lines.length);
    const name = pick(rng, ['t4294967296', 't4294967297', 't0', 't5', 't256', 't257', 't99999999999999999999', 't1e3']);
    lines[at] = lines[at].replace(/t\d+/, name);
    writeLines(fileOf(dir, split), lines);
    return `table name ${name} on line ${at + 1}`;
  }],
  [1, (rng, dir, split) => {
    const lines = linesOf(fileOf(dir, split));
    const at = rng.int(lines.length);
    lines.splice(at, 1);
    writeLines(fileOf(dir, split), lines);
    return `delete line ${at + 1}`;
  }],
  [1, (rng, dir, split) => {
    const how = pick(rng, ['empty', 'directory', 'missing', 'crlf', 'huge line']);
    const file = fileOf(dir, split);
    if (how === 'empty') fs.writeFileSync(file, '');
    if (how === 'directory') {
      fs.rmSync(file);
      fs.mkdirSync(file);
    }
    if (how === 'missing') fs.rmSync(file);
    if (how === 'crlf') fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    if (how === 'huge line') fs.appendFileSync(file, '0'.repeat(1 << 20) + ' t1 .\t00 00\t0 1 2\n');
    return how === 'empty' ? 'emptied' : how;
  }],
];
const total = mutations.reduce((s, [w]) => s + w, 0);

export const lookupTsvTarget: FuzzTarget<Loaded> = {
  name: 'lookup-tsv',
  timeMs: 2000,
  setup(dir) {
    const spec = lookupSpecFromSeed({ seed: 1, numTables: 4, bits: 2, heldOutCompositions: 1, atomicOnlyTables: 1 });
    writeLookupSample(dir, buildLookupDataset(spec.tables, spec.bits, spec.split));
    originalDir = dir;
    return summarize(readLookupSample(dir));
  },
  mutate(rng, caseDir): FuzzCase {
    const dir = path.join(caseDir, 'sample');
    fs.mkdirSync(dir);
    for (const name of LOOKUP_SPLIT_NAMES) fs.copyFileSync(fileOf(originalDir, name), fileOf(dir, name));
    const split = pick(rng, LOOKUP_SPLIT_NAMES);
    let r = rng.next() * total;
    const [, m] = mutations.find(([w]) => (r -= w) < 0) ?? mutations[0];
    return { target: fileOf(dir, split), mutation: `${split}: ${m(rng, dir, split)}` };
  },
  load: (c) => summarize(readLookupSample(path.dirname(c.target))),
  same(original, loaded, c) {
    if (loaded.tables !== original.tables) return false;
    const split = path.basename(c.target, '.tsv');
    for (const name of LOOKUP_SPLIT_NAMES) {
      if (name !== split && loaded.rows[name].join('\n') !== original.rows[name].join('\n')) return false;
    }
    const before = original.rows[split];
    const after = loaded.rows[split];
    if (after.join('\n') === before.join('\n')) return true;
    if (c.mutation.includes('truncate:') && before.slice(0, after.length).join('\n') === after.join('\n')) return true;
    if (c.mutation.endsWith('emptied') && split !== 'train' && after.length === 0) return true;
    const missing = before.filter((k) => !after.includes(k)).length;
    const added = after.filter((k) => !before.includes(k)).length;
    return missing <= 2 && added <= 2;
  },
};

export const target = lookupTsvTarget;
export default lookupTsvTarget;
