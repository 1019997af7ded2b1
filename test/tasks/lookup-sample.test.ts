import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildLookupDataset,
  LOOKUP_SPLIT_NAMES,
  lookupDataDir,
  PUBLIC_SAMPLES,
  PUBLIC_TABLES,
  readLookupSample,
  resolveSampleDir,
  splitFromSample,
  writeLookupSample,
} from '../../lib/tasks/lookup';
import { FileFormatError } from '../../lib/util/errors';

const dataDir = lookupDataDir();
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-lookup-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of sample1 in a fresh folder, with `edit` applied to one file's text. */
function corruptedCopy(file: string, edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
  for (const name of LOOKUP_SPLIT_NAMES) fs.copyFileSync(path.join(dataDir, 'sample1', `${name}.tsv`), path.join(dir, `${name}.tsv`));
  const target = path.join(dir, file);
  fs.writeFileSync(target, edit(fs.readFileSync(target, 'utf8')));
  return dir;
}

function replaceLine(text: string, lineNo: number, replacement: (line: string) => string): string {
  const lines = text.split('\n');
  lines[lineNo - 1] = replacement(lines[lineNo - 1]);
  return lines.join('\n');
}

describe('the data folder', () => {
  it('ships inside the repository and holds the five samples', () => {
    for (const s of PUBLIC_SAMPLES) expect(fs.existsSync(path.join(dataDir, s, 'train.tsv'))).toBe(true);
  });

  it('follows COMPLENS_DATA_DIR (the shared data folder that contains lookup-tables/)', () => {
    expect(lookupDataDir({ COMPLENS_DATA_DIR: '/x/data' })).toBe(path.resolve('/x/data/lookup-tables'));
    expect(resolveSampleDir('sample2', { COMPLENS_DATA_DIR: '/x/data' })).toBe(path.resolve('/x/data/lookup-tables/sample2'));
    expect(resolveSampleDir('./sample2', { COMPLENS_DATA_DIR: '/x/data' })).toBe(path.resolve('sample2'));
  });

  it('resolves bare names through the environment when reading', () => {
    const root = path.join(tmp, 'data-root');
    writeLookupSample(path.join(root, 'lookup-tables', 'mine'), readLookupSample('sample3'));
    const saved = process.env.COMPLENS_DATA_DIR;
    process.env.COMPLENS_DATA_DIR = root;
    try {
      expect(readLookupSample('mine').splits.train).toEqual(readLookupSample(path.join(dataDir, 'sample3')).splits.train);
    } finally {
      if (saved === undefined) delete process.env.COMPLENS_DATA_DIR;
      else process.env.COMPLENS_DATA_DIR = saved;
    }
  });
});

describe('readLookupSample on the public samples', () => {
  it.each(PUBLIC_SAMPLES)('%s: infers the 8 public tables and reads every split with the right row count', (sample) => {
    const ds = readLookupSample(sample);
    expect(ds.bits).toBe(3);
    expect(ds.tables).toEqual(PUBLIC_TABLES.map((t) => [...t]));
    for (const name of LOOKUP_SPLIT_NAMES) {
      const lines = fs.readFileSync(path.join(dataDir, sample, `${name}.tsv`), 'utf8').split('\n').filter(Boolean);
      expect(ds.splits[name]).toHaveLength(lines.length);
      // Row i is line i: the input and table names read back from the raw text.
      const first = lines[0].split('\t')[0].split(' ');
      expect(ds.splits[name]![0].input).toBe(parseInt(first[0], 2));
      expect(ds.splits[name]![0].tables.map((t) => `t${t + 1}`)).toEqual(first.slice(1, -1));
    }
  });

  it.each(PUBLIC_SAMPLES)('%s: tables + explicit split regenerate all 9 files byte for byte', (sample) => {
    const ds = readLookupSample(sample);
    const split = splitFromSample(sample);
    expect(split.rows.train!.slice(0, 2)).toEqual(
      fs.readFileSync(path.join(dataDir, sample, 'train.tsv'), 'utf8').split('\n').slice(0, 2).map((l) => l.split(' .')[0]),
    );
    const out = path.join(tmp, `regen-${sample}`);
    writeLookupSample(out, buildLookupDataset(ds.tables, ds.bits, split));
    for (const name of LOOKUP_SPLIT_NAMES) {
      const original = fs.readFileSync(path.join(dataDir, sample, `${name}.tsv`));
      const regenerated = fs.readFileSync(path.join(out, `${name}.tsv`));
      expect({ name, equal: regenerated.equals(original) }).toEqual({ name, equal: true });
    }
    expect(fs.readdirSync(out).sort()).toEqual(LOOKUP_SPLIT_NAMES.map((n) => `${n}.tsv`).sort());
  });
});

describe('readLookupSample errors', () => {
  it('names a missing folder and a missing file', () => {
    expect(() => readLookupSample('no-such-sample')).toThrow(/no-such-sample: no such sample folder/);
    const dir = corruptedCopy('train.tsv', (t) => t);
    fs.rmSync(path.join(dir, 'validation.tsv'));
    expect(() => readLookupSample(dir)).toThrow(/validation\.tsv: missing/);
    expect(readLookupSample(dir, { requireAllSplits: false }).splits.validation).toBeUndefined();
    fs.rmSync(path.join(dir, 'train.tsv'));
    expect(() => readLookupSample(dir, { requireAllSplits: false })).toThrow(/train\.tsv: missing/);
  });

  const cases: [string, string, number, (line: string) => string, RegExp][] = [
    ['wrong column count', 'heldout_compositions.tsv', 5, (l) => l.split('\t').slice(0, 2).join('\t'), /expected 3 tab-separated columns/],
    ['bad bits', 'validation.tsv', 3, (l) => '1' + l, /expected a 3-bit input/],
    ['unknown table', 'heldout_tables.tsv', 7, (l) => l.replace(/ t(\d) /, ' table$1 '), /unknown table "table\d"/],
    ['bad attention indices', 'longer_compositions_new.tsv', 2, (l) => l.replace(/\t0 1 2 3 4$/, '\t0 1 2 3'), /expected attention indices/],
  ];
  it.each(cases)('%s: FileFormatError naming file:line', (_, file, line, edit, message) => {
    const dir = corruptedCopy(file, (t) => replaceLine(t, line, edit));
    let err: unknown;
    try {
      readLookupSample(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toContain(`${path.join(dir, file)}:${line}:`);
    expect((err as Error).message).toMatch(message);
  });

  it('reports a table that maps one input to two outputs, with both places', () => {
    // Flip the final value of the first heldout_compositions line: its last table now disagrees with train.
    const dir = corruptedCopy('heldout_compositions.tsv', (t) =>
      replaceLine(t, 1, (l) => {
        const [p, target, a] = l.split('\t');
        const vals = target.split(' ');
        vals[2] = vals[2] === '000' ? '001' : '000';
        return [p, vals.join(' '), a].join('\t');
      }),
    );
    expect(() => readLookupSample(dir)).toThrow(FileFormatError);
    expect(() => readLookupSample(dir)).toThrow(/heldout_compositions\.tsv:1: inconsistent target: t6 maps 101 to 00[01] here but to 000 at .*train\.tsv:\d+/);
  });

  it('reports tables the rows do not determine, gaps in the numbering, and non-bijections', () => {
    const only = (lines: string[]) => {
      const dir = fs.mkdtempSync(path.join(tmp, 'tiny-'));
      fs.writeFileSync(path.join(dir, 'train.tsv'), lines.map((l) => l + '\n').join(''));
      return dir;
    };
    const row = (input: string, t: string, out: string) => `${input} ${t} .\t${input} ${out}\t0 1 2`;
    const identity = (t: string, skip = -1) =>
      ['00', '01', '10', '11'].filter((_, i) => i !== skip).map((b) => row(b, t, b));
    expect(readLookupSample(only(identity('t1')), { requireAllSplits: false }).tables).toEqual([[0, 1, 2, 3]]);
    expect(() => readLookupSample(only(identity('t1', 2)), { requireAllSplits: false })).toThrow(/cannot infer t1: no row applies it to 10/);
    expect(() => readLookupSample(only([...identity('t1'), ...identity('t3')]), { requireAllSplits: false })).toThrow(
      /t2 never occurs although t3 does/,
    );
    const constant = ['00', '01', '10', '11'].map((b) => row(b, 't1', '00'));
    expect(() => readLookupSample(only(constant), { requireAllSplits: false })).toThrow(/t1 as the rows define it is not a bijection/);
  });
});

describe('writeLookupSample', () => {
  it('writes empty files for splits a dataset lacks, so the folder reads back', () => {
    const ds = { bits: 2, tables: [[1, 0, 3, 2], [0, 1, 2, 3]], splits: { train: [{ input: 2, tables: [0] }, { input: 1, tables: [0, 1] }] } };
    const dir = path.join(tmp, 'partial');
    writeLookupSample(dir, ds);
    expect(fs.readFileSync(path.join(dir, 'train.tsv'), 'utf8')).toBe('10 t1 .\t10 11\t0 1 2\n01 t1 t2 .\t01 00 00\t0 1 2 3\n');
    expect(fs.readFileSync(path.join(dir, 'validation.tsv'), 'utf8')).toBe('');
    // Only the rows' entries are witnessed, so reading back needs full tables: check the parse, not inference.
    expect(() => readLookupSample(dir)).toThrow(/cannot infer t1/);
  });

  it('rejects rows that refer to tables or inputs the dataset does not have', () => {
    const ds = { bits: 2, tables: [[1, 0, 3, 2]], splits: { train: [{ input: 0, tables: [1] }] } };
    expect(() => writeLookupSample(path.join(tmp, 'never'), ds)).toThrow(/dataset\.splits\.train\[0\]/);
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
  });
});
