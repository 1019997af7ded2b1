/**
 * Issue 14's lookup findings, one case each: inputs that used to load as valid are refused with one line naming the
 * file (or spec field) and what was expected; the public samples still load.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildLookupDataset, explicitSplitOf, lookupDataDir, lookupSpecFromSeed, parseLookupTsv, PUBLIC_SAMPLES, readLookupSample, validateLookupSpec,
} from '../../lib/tasks/lookup';
import { findSplitViolation } from '../../lib/tasks/lookup/invariants';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { createTask } from '../../lib/tasks/registry';
import { ComplensError } from '../../lib/util/errors';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-invariants-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function copySample(name = 'sample1'): string {
  const dir = path.join(tmp, name);
  fs.cpSync(path.join(lookupDataDir(), name), dir, { recursive: true });
  return dir;
}

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const append = (file: string, line: string) => fs.appendFileSync(file, line + '\n');

function errorOf(fn: () => unknown): ComplensError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ComplensError) return err;
    throw err;
  }
  throw new Error('expected a ComplensError, but it loaded');
}

test('the five public samples load (longer_compositions_seen and _incremental may share rows)', () => {
  for (const name of PUBLIC_SAMPLES) expect(readLookupSample(name).splits.train).toHaveLength(232);
});

test('a table index beyond 2^32 is refused, naming the file and line', () => {
  const err = errorOf(() => parseLookupTsv('000 t4294967296 .\t000 000\t0 1 2\n', 'x/train.tsv'));
  expect(err.message).toMatch(/^x\/train\.tsv:1: table "t4294967296" out of range: expected t1\.\.t256$/);
});

test('the same in a sample folder', () => {
  const dir = copySample();
  append(path.join(dir, 'validation.tsv'), '000 t4294967296 .\t000 000\t0 1 2');
  expect(errorOf(() => readLookupSample(dir)).message).toMatch(/validation\.tsv:17: table "t4294967296" out of range/);
});

test('an empty train file is refused', () => {
  const dir = copySample();
  fs.writeFileSync(path.join(dir, 'train.tsv'), '');
  expect(errorOf(() => readLookupSample(dir)).message).toBe(`${path.join(dir, 'train.tsv')}: expected at least one training row, got "none"`);
});

test('a duplicate row within a split is refused, naming both lines', () => {
  const dir = copySample();
  const file = path.join(dir, 'heldout_compositions.tsv');
  append(file, lines(file)[2]);
  expect(errorOf(() => readLookupSample(dir)).message).toMatch(/heldout_compositions\.tsv:65: expected each row once per split \(already at .*heldout_compositions\.tsv:3\)/);
});

test('a training row copied into heldout_compositions is refused', () => {
  const dir = copySample();
  append(path.join(dir, 'heldout_compositions.tsv'), lines(path.join(dir, 'train.tsv'))[200]);
  const message = errorOf(() => readLookupSample(dir)).message;
  expect(message).toMatch(/heldout_compositions\.tsv:65: expected a row in no other split \(splits are disjoint; also at .*train\.tsv:201\)/);
  expect(message).not.toContain('\n');
});

test('a row copied from heldout_inputs into validation is refused', () => {
  const dir = copySample();
  append(path.join(dir, 'validation.tsv'), lines(path.join(dir, 'heldout_inputs.tsv'))[0]);
  expect(errorOf(() => readLookupSample(dir)).message).toMatch(/heldout_inputs\.tsv:1: expected a row in no other split .*validation\.tsv:17/);
});

test('a held-out composition that is also trained (on another input) is refused', () => {
  const dir = copySample();
  const train = path.join(dir, 'train.tsv');
  const held = lines(path.join(dir, 'heldout_compositions.tsv'))[0];
  fs.writeFileSync(path.join(dir, 'heldout_compositions.tsv'), lines(path.join(dir, 'heldout_compositions.tsv')).slice(1).join('\n') + '\n');
  append(train, held);
  expect(errorOf(() => readLookupSample(dir)).message).toMatch(/heldout_compositions\.tsv:1: expected a composition never trained \(heldout_compositions is a zero-shot set; .*train\.tsv:233 trains it\)/);
});

describe('task specs (complens.json, createTask)', () => {
  const spec = () => {
    const d = readLookupSample('sample1');
    return { kind: 'lookup', bits: d.bits, tables: d.tables, split: explicitSplitOf(d) } as {
      kind: string; bits: number; tables: number[][]; split: { kind: 'explicit'; rows: Record<string, string[]> };
    };
  };

  test('a training row copied into heldout_compositions', () => {
    const s = spec();
    s.split.rows.heldout_compositions.push(s.split.rows.train[200]);
    expect(errorOf(() => createTask(s)).message).toMatch(/^task\.split\.rows\.heldout_compositions\[64\]: expected a row in no other split \(splits are disjoint; also at task\.split\.rows\.train\[200\]\), got "\d{3} t\d t\d"$/);
  });

  test('a duplicate training row', () => {
    const s = spec();
    s.split.rows.train.push(s.split.rows.train[0]);
    expect(errorOf(() => validateLookupSpec(s)).message).toMatch(/^task\.split\.rows\.train\[232\]: expected each row once per split \(already at task\.split\.rows\.train\[0\]\)/);
  });

  test('an empty training split', () => {
    const s = spec();
    s.split.rows.train = [];
    expect(errorOf(() => validateLookupSpec(s)).message).toMatch(/^task\.split\.rows\.train: expected a non-empty list of training rows/);
  });

  test('a table index out of range in a row key', () => {
    const s = spec();
    s.split.rows.validation.push('000 t4294967296');
    expect(errorOf(() => validateLookupSpec(s)).message).toMatch(/^task\.split\.rows\.validation\[16\]: expected table names t1\.\.t8/);
  });
});

test('generated splits keep the same promises (several shapes and seeds)', () => {
  const shapes = [{}, { numTables: 4, bits: 2, heldOutCompositions: 1, atomicOnlyTables: 1 }, { numTables: 6, bits: 2, compositionLength: 3 }];
  for (const shape of shapes) {
    for (const seed of [0, 1, 7]) {
      const spec = lookupSpecFromSeed({ seed, ...shape });
      const d = buildLookupDataset(spec.tables, spec.bits, spec.split);
      expect(findSplitViolation(d.splits, d.bits, (s, i) => `${s}[${i}]`)).toBeUndefined();
    }
  }
});

test('a checkpoint whose complens.json copies a training row into heldout_compositions is refused, naming the file', () => {
  const dir = path.join(tmp, 'ck');
  fs.cpSync(path.resolve(__dirname, '../../fixtures/lookup-gru-memorizing'), dir, { recursive: true });
  const file = path.join(dir, 'complens.json');
  const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
  meta.task.split.rows.heldout_compositions.push(meta.task.split.rows.train[200]);
  fs.writeFileSync(file, JSON.stringify(meta, null, 1));
  // Trusted, so that the integrity hash (which also catches the edit) does not answer first: the spec itself is wrong.
  const err = errorOf(() => loadModelCheckpoint(dir, { trustEdited: true, warn: () => undefined }));
  expect(err.message).toMatch(/complens\.json: task\.split\.rows\.heldout_compositions\[64\]: expected a row in no other split \(splits are disjoint; also at task\.split\.rows\.train\[200\]\)/);
});

test('two equal tables are refused, in a spec and in a sample folder', () => {
  const d = readLookupSample('sample1');
  const tables = d.tables.map((t) => t.slice());
  tables[2] = tables[0].slice();
  expect(errorOf(() => validateLookupSpec({ kind: 'lookup', bits: 3, tables, split: explicitSplitOf(d) })).message)
    .toMatch(/^task\.tables\[2\]: expected a table different from task\.tables\[0\] \(equal tables make compositions ambiguous\)/);
  const dir = path.join(tmp, 'twins');
  fs.mkdirSync(dir);
  const row = (input: string, t: string, out: string) => `${input} ${t} .\t${input} ${out}\t0 1 2`;
  fs.writeFileSync(path.join(dir, 'train.tsv'), ['0 t1 .\t0 1\t0 1 2', '1 t1 .\t1 0\t0 1 2', row('0', 't2', '1'), row('1', 't2', '0')].join('\n') + '\n');
  expect(errorOf(() => readLookupSample(dir, { requireAllSplits: false })).message).toMatch(/train\.tsv:3: t2 \(first named here\) equals t1: expected distinct tables/);
});
