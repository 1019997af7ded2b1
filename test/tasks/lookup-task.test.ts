import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  createLookupTask,
  LookupTask,
  lookupSpecFromSeed,
  lookupTaskFromSample,
  PUBLIC_TABLES,
  readLookupSample,
  validateLookupSpec,
  writeLookupSample,
} from '../../lib/tasks/lookup';
import { SequenceTask } from '../../lib/tasks/types';
import { ConfigError } from '../../lib/util/errors';

const tables = PUBLIC_TABLES.map((t) => [...t]);
const base = () => ({
  kind: 'lookup',
  bits: 3,
  tables: tables.map((t) => t.slice()),
  split: { kind: 'explicit', rows: { train: ['011 t1', '100 t3 t1'], heldout_compositions: ['010 t1 t6'] } },
  encoding: 'final',
  regime: 'atomic+composed',
});

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  return undefined;
}

describe('validateLookupSpec', () => {
  const edits: [string, (s: any) => void, string][] = [
    ['wrong kind', (s) => (s.kind = 'arithmetic'), 'task.kind'],
    ['unknown field', (s) => (s.ecoding = 'final'), 'task.ecoding'],
    ['bits 0', (s) => (s.bits = 0), 'task.bits'],
    ['bits as a string', (s) => (s.bits = '3'), 'task.bits'],
    ['no tables', (s) => (s.tables = []), 'task.tables'],
    ['a short table', (s) => s.tables[1].pop(), 'task.tables[1]'],
    ['an out-of-range entry', (s) => (s.tables[0][2] = 8), 'task.tables[0][2]'],
    ['a fractional entry', (s) => (s.tables[4][0] = 0.5), 'task.tables[4][0]'],
    ['a non-bijective table', (s) => (s.tables[2][7] = s.tables[2][0]), 'task.tables[2][7]'],
    ['no split', (s) => delete s.split, 'task.split'],
    ['an unknown split kind', (s) => (s.split.kind = 'random'), 'task.split.kind'],
    ['an unknown split name', (s) => (s.split.rows.test = ['011 t1']), 'task.split.rows.test'],
    ['rows that are not an array', (s) => (s.split.rows.train = '011 t1'), 'task.split.rows.train'],
    ['a short input', (s) => (s.split.rows.train[1] = '01 t1'), 'task.split.rows.train[1]'],
    ['a table beyond the tables', (s) => (s.split.rows.heldout_compositions[0] = '010 t1 t9'), 'task.split.rows.heldout_compositions[0]'],
    ['a row without tables', (s) => (s.split.rows.train[0] = '011'), 'task.split.rows.train[0]'],
    ['no training rows', (s) => (s.split.rows.train = []), 'task.split.rows.train'],
    ['a bad generated option', (s) => (s.split = { kind: 'generated', seed: 1, atomicOnlyTables: -1 }), 'task.split.atomicOnlyTables'],
    ['a generated split without seed', (s) => (s.split = { kind: 'generated' }), 'task.split.seed'],
    ['an unknown encoding', (s) => (s.encoding = 'bits'), 'task.encoding'],
    ['an unknown regime', (s) => (s.regime = 'atomic-only'), 'task.regime'],
  ];
  it.each(edits)('%s: ConfigError on %s', (_, edit, field) => {
    const spec = base();
    edit(spec);
    expect(fieldOf(() => validateLookupSpec(spec))).toBe(field);
  });

  it('prefixes paths with the given field and states what was expected', () => {
    const spec: any = base();
    spec.tables[0][2] = 8;
    expect(fieldOf(() => validateLookupSpec(spec, 'config.task'))).toBe('config.task.tables[0][2]');
    expect(() => validateLookupSpec(spec)).toThrow('task.tables[0][2]: expected an integer in [0, 7], got 8');
    expect(fieldOf(() => validateLookupSpec(null))).toBe('task');
  });

  it('accepts a valid spec and fills encoding, regime and generated-split defaults', () => {
    const spec: any = base();
    delete spec.encoding;
    delete spec.regime;
    spec.split = { kind: 'generated', seed: 3 };
    const v = validateLookupSpec(spec);
    expect(v.encoding).toBe('final');
    expect(v.regime).toBe('atomic+composed');
    expect(v.split).toMatchObject({ kind: 'generated', seed: 3, compositionLength: 2, heldOutCompositions: 8 });
  });
});

describe('LookupTask from sample1', () => {
  const task = lookupTaskFromSample('sample1', { encoding: 'intermediates' });

  it('implements SequenceTask', () => {
    const t: SequenceTask = task;
    expect(t.kind).toBe('lookup');
    expect(t.stateCount).toBe(8);
    expect(t.vocab).toEqual(['0', '1', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', '.', '<eos>']);
    expect(task.spec.tables).toEqual(tables);
  });

  it('lists the splits train first, in the public order', () => {
    expect(task.splitNames()).toEqual([
      'train', 'validation', 'heldout_inputs', 'heldout_compositions', 'heldout_tables', 'new_compositions',
      'longer_compositions_seen', 'longer_compositions_incremental', 'longer_compositions_new',
    ]);
    expect(() => task.split('test')).toThrow(ConfigError);
  });

  it('has the zero-shot compositions of seeds-A §A.8.1 as labels of the held-out set', () => {
    const groups = new Set(task.split('heldout_compositions').examples.map((e) => e.group));
    expect([...groups].sort()).toEqual(['t1 t6', 't3 t3', 't3 t5', 't5 t3', 't5 t6', 't6 t2', 't6 t3', 't6 t4']);
  });

  it('decodes with spaces and marks unknown ids', () => {
    expect(task.decode([0, 1, 1, 2, 7, 10])).toBe('0 1 1 t1 t6 .');
    expect(task.decode([11, 99])).toBe('<eos> <unk:99>');
  });

  it('rebuilds identically from its JSON spec', () => {
    const again = createLookupTask(JSON.parse(JSON.stringify(task.spec)));
    for (const name of task.splitNames()) expect(again.split(name)).toEqual(task.split(name));
    expect(again.labelNames()).toEqual(task.labelNames());
  });

  it('returns the same split object on repeated calls', () => {
    expect(task.split('train')).toBe(task.split('train'));
  });
});

describe('regimes', () => {
  it('composed-only drops exactly the atomic training rows', () => {
    const full = lookupTaskFromSample('sample4');
    const composed = lookupTaskFromSample('sample4', { regime: 'composed-only' });
    const atomic = full.rows('train').filter((r) => r.tables.length === 1);
    expect(atomic).toHaveLength(64);
    expect(composed.rows('train')).toEqual(full.rows('train').filter((r) => r.tables.length > 1));
    for (const name of full.splitNames().slice(1)) expect(composed.rows(name)).toEqual(full.rows(name));
    // Label ids do not depend on the regime.
    expect(composed.labelNames()).toEqual(full.labelNames());
  });

  it('composed-only on a split without composed training rows is a ConfigError on task.regime', () => {
    const spec = { ...base(), regime: 'composed-only', split: { kind: 'explicit', rows: { train: ['011 t1'] } } };
    expect(fieldOf(() => createLookupTask(spec))).toBe('task.regime');
  });
});

describe('lookupSpecFromSeed', () => {
  it('is deterministic and gives different tables and splits for different seeds', () => {
    const a = lookupSpecFromSeed({ seed: 10 });
    expect(lookupSpecFromSeed({ seed: 10 })).toEqual(a);
    const b = lookupSpecFromSeed({ seed: 11 });
    expect(b.tables).not.toEqual(a.tables);
    expect(new LookupTask(b).rows('heldout_compositions')).not.toEqual(new LookupTask(a).rows('heldout_compositions'));
  });

  it('produces a dataset that survives a write/read round trip of the public format', () => {
    const task = createLookupTask(lookupSpecFromSeed({ seed: 3 }));
    const ds = task.dataset();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-lookup-rt-'));
    try {
      writeLookupSample(dir, ds);
      const back = readLookupSample(dir);
      expect(back.tables).toEqual(ds.tables);
      expect(back.splits).toEqual(ds.splits);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
