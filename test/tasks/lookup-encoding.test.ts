import * as fs from 'fs';
import * as path from 'path';
import {
  createLookupTask,
  encodeLookupRow,
  lookupDataDir,
  lookupTargetLength,
  lookupTaskFromSample,
  lookupTokenIds,
  lookupVocab,
  PUBLIC_TABLES,
} from '../../lib/tasks/lookup';

describe('vocabulary', () => {
  it('is bits, one token per table, the end-of-prompt dot and <eos>', () => {
    expect(lookupVocab(3)).toEqual(['0', '1', 't1', 't2', 't3', '.', '<eos>']);
    const vocab = lookupVocab(8);
    const ids = lookupTokenIds(8);
    expect(vocab[ids.table(0)]).toBe('t1');
    expect(vocab[ids.table(7)]).toBe('t8');
    expect(vocab[ids.dot]).toBe('.');
    expect(vocab[ids.eos]).toBe('<eos>');
  });
});

describe('encodeLookupRow on "010 t1 t6" (t6(t1(010)) = t6(101) = 000)', () => {
  const row = { input: 2, tables: [0, 5] };
  // Hand-worked: "0"=0, "1"=1, t1=2, t6=7, "."=10, "<eos>"=11.
  it('final encoding', () => {
    const ex = encodeLookupRow(row, PUBLIC_TABLES, 3, 'final', 42);
    expect(ex.prompt).toEqual([0, 1, 0, 2, 7, 10]);
    expect(ex.target).toEqual([0, 0, 0, 11]);
    // input positions: 0 1 0 t1 t6 . | 0 0 0   (the last target token is never an input)
    expect(ex.positionLabels.state).toEqual([-1, -1, 2, 5, 0, 0, -1, -1, -1]);
    expect(ex.positionLabels.table).toEqual([-1, -1, -1, 0, 5, -1, -1, -1, -1]);
    expect(ex.positionLabels.step).toEqual([-1, -1, 0, 1, 2, -1, -1, -1, -1]);
    expect(ex.exampleLabels).toEqual({ input: 2, final: 0, composition: 42, length: 2, firstTable: 0, lastTable: 5 });
    expect(ex.group).toBe('t1 t6');
  });

  it('intermediates encoding (the public target column, bit by bit)', () => {
    const ex = encodeLookupRow(row, PUBLIC_TABLES, 3, 'intermediates', 0);
    expect(ex.prompt).toEqual([0, 1, 0, 2, 7, 10]);
    expect(ex.target).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 0, 11]);
    const n = ex.prompt.length + ex.target.length - 1;
    for (const labels of Object.values(ex.positionLabels)) expect(labels).toHaveLength(n);
    expect(ex.positionLabels.state.slice(0, 6)).toEqual([-1, -1, 2, 5, 0, 0]);
    expect(ex.positionLabels.state.slice(6).every((v) => v === -1)).toBe(true);
  });

  it('atomic rows have one table step', () => {
    const ex = encodeLookupRow({ input: 3, tables: [0] }, PUBLIC_TABLES, 3, 'final', 0);
    // input positions: 0 1 1 t1 . | 0 1 0   (011 t1 -> 010)
    expect(ex.positionLabels.state).toEqual([-1, -1, 3, 2, 2, -1, -1, -1]);
    expect(ex.positionLabels.step).toEqual([-1, -1, 0, 1, -1, -1, -1, -1]);
    expect(ex.exampleLabels.firstTable).toBe(ex.exampleLabels.lastTable);
  });
});

describe('encoded public samples agree with the files', () => {
  const lines = (name: string) =>
    fs.readFileSync(path.join(lookupDataDir(), 'sample2', `${name}.tsv`), 'utf8').split('\n').filter(Boolean);
  const spaced = (column: string) => column.split(' ').flatMap((tok) => (/^[01]+$/.test(tok) ? tok.split('') : [tok])).join(' ');

  it.each(['intermediates', 'final'] as const)('%s: decoded prompts and targets match every line', (encoding) => {
    const task = lookupTaskFromSample('sample2', { encoding });
    for (const name of task.splitNames()) {
      const file = lines(name);
      const examples = task.split(name).examples;
      expect(examples).toHaveLength(file.length);
      examples.forEach((ex, i) => {
        const [prompt, target] = file[i].split('\t');
        expect(task.decode(ex.prompt)).toBe(spaced(prompt));
        const values = target.split(' ');
        const expected = encoding === 'intermediates' ? spaced(target) : spaced(values[values.length - 1]);
        expect(task.decode(ex.target)).toBe(`${expected} <eos>`);
        expect(ex.target).toHaveLength(lookupTargetLength(3, values.length - 1, encoding));
        // The state at each table token is the file's intermediate after that table.
        const k = values.length - 1;
        for (let s = 0; s <= k; s++) expect(ex.positionLabels.state[2 + s]).toBe(parseInt(values[s], 2));
        expect(ex.positionLabels.state[3 + k]).toBe(parseInt(values[k], 2));
      });
    }
  });
});

describe('labels across a task', () => {
  const task = createLookupTask({
    kind: 'lookup',
    bits: 2,
    tables: [[1, 2, 3, 0], [3, 2, 1, 0], [0, 1, 3, 2]],
    split: { kind: 'generated', seed: 4, atomicOnlyTables: 1, heldOutCompositions: 1, heldOutInputsPerPair: 1 },
    encoding: 'final',
    regime: 'atomic+composed',
  });
  const names = task.labelNames();

  it('composition ids point at the composition string, which is the group', () => {
    for (const split of task.splitNames()) {
      for (const ex of task.split(split).examples) {
        expect(names.composition[ex.exampleLabels.composition]).toBe(ex.group);
        expect(names.firstTable[ex.exampleLabels.firstTable]).toBe(ex.group.split(' ')[0]);
        expect(names.lastTable[ex.exampleLabels.lastTable]).toBe(ex.group.split(' ').pop());
        expect(ex.group.split(' ')).toHaveLength(ex.exampleLabels.length);
        const n = ex.prompt.length + ex.target.length - 1;
        expect(ex.positionLabels.state).toHaveLength(n);
        expect(ex.positionLabels.table).toHaveLength(n);
        expect(ex.positionLabels.step).toHaveLength(n);
        // The label at the last table token is the final value; tables at table tokens match the prompt.
        const k = ex.exampleLabels.length;
        expect(ex.positionLabels.state[1 + k]).toBe(ex.exampleLabels.final);
        for (let i = 1; i <= k; i++) expect(task.vocab[ex.prompt[1 + i]]).toBe(names.table[ex.positionLabels.table[1 + i]]);
      }
    }
  });

  it('lists every composition once, atomic ones first', () => {
    expect(new Set(names.composition).size).toBe(names.composition.length);
    expect(names.composition.slice(0, 3)).toEqual(['t1', 't2', 't3']);
    expect(names.state).toEqual(['00', '01', '10', '11']);
    expect(names.table).toEqual(['t1', 't2', 't3']);
  });
});
