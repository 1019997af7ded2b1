import * as fs from 'fs';
import * as path from 'path';
import {
  chains,
  createLookupTask,
  generateSplitRows,
  isBijection,
  LOOKUP_SPLIT_NAMES,
  lookupDataDir,
  LookupRow,
  LookupSplitName,
  lookupSpecFromSeed,
  validateGeneratedSplit,
} from '../../lib/tasks/lookup';
import { ConfigError } from '../../lib/util/errors';

type Splits = Record<LookupSplitName, LookupRow[]>;
const key = (r: LookupRow) => `${r.input}:${r.tables.join(',')}`;
const comp = (r: LookupRow) => r.tables.join(',');
const compositionsOf = (rows: LookupRow[]) => new Set(rows.map(comp));

/** Invariants every generated split must satisfy, whatever the options. */
function checkInvariants(s: Splits, numTables: number, bits: number, k: number, atomicOnly: number, heldInputs: number) {
  const size = 2 ** bits;
  const regular = numTables - atomicOnly;
  const isRegular = (t: number) => t < regular;

  // Splits are pairwise disjoint.
  const owner = new Map<string, string>();
  for (const name of LOOKUP_SPLIT_NAMES) {
    for (const r of s[name]) {
      expect(owner.get(key(r)) ?? name).toBe(name);
      owner.set(key(r), name);
    }
  }
  const trainComposed = s.train.filter((r) => r.tables.length > 1);
  // Every table atomically on every input.
  expect(s.train.filter((r) => r.tables.length === 1)).toHaveLength(numTables * size);
  // Atomic-only tables never appear in a training composition; training compositions have length k.
  for (const r of trainComposed) {
    expect(r.tables).toHaveLength(k);
    expect(r.tables.every(isRegular)).toBe(true);
  }
  // Held-out compositions: regular k-chains never trained, all inputs, each of their tables trained in a composition.
  const trained = compositionsOf(trainComposed);
  const trainedTables = new Set(trainComposed.flatMap((r) => r.tables));
  for (const c of compositionsOf(s.heldout_compositions)) {
    expect(trained.has(c)).toBe(false);
    const tables = c.split(',').map(Number);
    expect(tables.every(isRegular)).toBe(true);
    for (const t of tables) expect(trainedTables.has(t)).toBe(true);
    expect(s.heldout_compositions.filter((r) => comp(r) === c)).toHaveLength(size);
  }
  // Trained chains + held-out compositions = all regular k-chains.
  expect(trained.size + compositionsOf(s.heldout_compositions).size).toBe(regular ** k);
  // Each trained chain: exactly heldInputs of its inputs in validation ∪ heldout_inputs, the others in train.
  const heldRows = [...s.validation, ...s.heldout_inputs];
  for (const c of trained) {
    expect(heldRows.filter((r) => comp(r) === c)).toHaveLength(heldInputs);
    expect(trainComposed.filter((r) => comp(r) === c)).toHaveLength(size - heldInputs);
  }
  expect(compositionsOf(heldRows).size).toBeLessThanOrEqual(trained.size);
  for (const r of heldRows) expect(trained.has(comp(r))).toBe(true);
  // heldout_tables: every mixed k-chain on all inputs; new_compositions: every atomic-only k-chain.
  const mixed = (ts: number[]) => ts.some(isRegular) && ts.some((t) => !isRegular(t));
  expect(s.heldout_tables).toHaveLength(chains(k, [...Array(numTables).keys()]).filter(mixed).length * size);
  for (const r of s.heldout_tables) expect(mixed(r.tables)).toBe(true);
  expect(s.new_compositions).toHaveLength(atomicOnly ** k * size);
  for (const r of s.new_compositions) expect(r.tables.some(isRegular)).toBe(false);
  // Longer sets: (k+1)-chains of the right kind.
  for (const r of s.longer_compositions_seen) expect(r.tables.length === k + 1 && r.tables.every(isRegular)).toBe(true);
  for (const r of s.longer_compositions_incremental) expect(r.tables.length === k + 1 && mixed(r.tables)).toBe(true);
  for (const r of s.longer_compositions_new) expect(r.tables.length === k + 1 && !r.tables.some(isRegular)).toBe(true);
}

const countLines = (sample: string, name: string) =>
  fs.readFileSync(path.join(lookupDataDir(), sample, `${name}.tsv`), 'utf8').split('\n').filter(Boolean).length;

describe('generated splits with the defaults', () => {
  const seeds = [0, 1, 2, 17, 12345];

  it.each(seeds)('seed %i: the sizes of the public files', (seed) => {
    const s = generateSplitRows({ kind: 'generated', seed }, 8, 3);
    const same: LookupSplitName[] = [
      'train', 'validation', 'heldout_inputs', 'heldout_compositions', 'heldout_tables', 'new_compositions',
      'longer_compositions_seen', 'longer_compositions_new',
    ];
    for (const name of same) expect({ name, rows: s[name].length }).toEqual({ name, rows: countLines('sample1', name) });
    // The incremental set's composition differs from the public one (see docs), but its chain count is matched too.
    expect(s.longer_compositions_incremental.length).toBe(countLines('sample1', 'longer_compositions_incremental'));
  });

  it.each(seeds)('seed %i: invariants', (seed) => {
    checkInvariants(generateSplitRows({ kind: 'generated', seed }, 8, 3), 8, 3, 2, 2, 2);
  });

  it('puts 4 distinct inputs on each longer chain', () => {
    const s = generateSplitRows({ kind: 'generated', seed: 5 }, 8, 3);
    for (const name of ['longer_compositions_seen', 'longer_compositions_incremental', 'longer_compositions_new'] as const) {
      const byChain = new Map<string, number[]>();
      for (const r of s[name]) byChain.set(comp(r), [...(byChain.get(comp(r)) ?? []), r.input]);
      for (const inputs of byChain.values()) expect(new Set(inputs).size).toBe(4);
    }
  });

  it('is deterministic in the seed', () => {
    expect(generateSplitRows({ kind: 'generated', seed: 9 }, 8, 3)).toEqual(generateSplitRows({ kind: 'generated', seed: 9 }, 8, 3));
  });

  it('differs across seeds in every randomised part', () => {
    const a = generateSplitRows({ kind: 'generated', seed: 1 }, 8, 3);
    const b = generateSplitRows({ kind: 'generated', seed: 2 }, 8, 3);
    for (const name of ['train', 'validation', 'heldout_compositions', 'longer_compositions_seen', 'longer_compositions_incremental'] as const) {
      expect({ name, same: JSON.stringify(a[name]) === JSON.stringify(b[name]) }).toEqual({ name, same: false });
    }
    // Not randomised: all mixed / all atomic-only pairs.
    expect(a.heldout_tables).toEqual(b.heldout_tables);
    expect(a.new_compositions).toEqual(b.new_compositions);
  });

  it('draws held-out compositions that vary over seeds (not a fixed subset)', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      for (const c of compositionsOf(generateSplitRows({ kind: 'generated', seed }, 8, 3).heldout_compositions)) seen.add(c);
    }
    expect(seen.size).toBeGreaterThan(30);
  });

  it('sends validationFraction of the held-out inputs to validation', () => {
    const s = generateSplitRows({ kind: 'generated', seed: 3, validationFraction: 0.5 }, 8, 3);
    expect(s.validation).toHaveLength(28);
    expect(s.heldout_inputs).toHaveLength(28);
    const none = generateSplitRows({ kind: 'generated', seed: 3, validationFraction: 0 }, 8, 3);
    expect(none.validation).toHaveLength(0);
    expect(none.heldout_inputs).toHaveLength(56);
  });

  it('changing one option leaves the independent draws alone', () => {
    const a = generateSplitRows({ kind: 'generated', seed: 4 }, 8, 3);
    const b = generateSplitRows({ kind: 'generated', seed: 4, longerFractions: { seen: 0.5 } }, 8, 3);
    expect(b.heldout_compositions).toEqual(a.heldout_compositions);
    expect(b.train).toEqual(a.train);
    expect(b.longer_compositions_seen).toHaveLength(108 * 4);
  });
});

describe('generated splits with other shapes', () => {
  const shapes = [
    { numTables: 6, bits: 2, k: 3, atomicOnly: 2, held: 8, heldInputs: 2 },
    { numTables: 5, bits: 4, k: 2, atomicOnly: 1, held: 3, heldInputs: 5 },
    { numTables: 4, bits: 1, k: 2, atomicOnly: 0, held: 2, heldInputs: 1 },
    { numTables: 3, bits: 3, k: 4, atomicOnly: 1, held: 4, heldInputs: 0 },
  ];
  it.each(shapes)('%o: invariants and sizes that scale with the shape', ({ numTables, bits, k, atomicOnly, held, heldInputs }) => {
    const s = generateSplitRows(
      { kind: 'generated', seed: 11, compositionLength: k, atomicOnlyTables: atomicOnly, heldOutCompositions: held, heldOutInputsPerPair: heldInputs },
      numTables,
      bits,
    );
    checkInvariants(s, numTables, bits, k, atomicOnly, heldInputs);
    const size = 2 ** bits;
    const regular = numTables - atomicOnly;
    expect(s.train).toHaveLength(numTables * size + (regular ** k - held) * (size - heldInputs));
    expect(s.heldout_compositions).toHaveLength(held * size);
    expect(s.validation.length + s.heldout_inputs.length).toBe((regular ** k - held) * heldInputs);
    expect(s.longer_compositions_seen).toHaveLength(Math.round((regular ** (k + 1) * 136) / 216) * Math.max(1, size / 2));
  });

  it('works end to end through the task for 6 tables of 2 bits, k = 3', () => {
    const task = createLookupTask(lookupSpecFromSeed({ seed: 2, numTables: 6, bits: 2, compositionLength: 3, encoding: 'intermediates' }));
    for (const t of task.spec.tables) expect(isBijection(t, 4)).toBe(true);
    expect(task.stateCount).toBe(4);
    const ex = task.split('heldout_compositions').examples[0];
    expect(ex.prompt).toHaveLength(2 + 3 + 1);
    expect(ex.target).toHaveLength(2 * 4 + 1);
    expect(ex.exampleLabels.length).toBe(3);
  });
});

describe('generated split options', () => {
  const bad: [object, string][] = [
    [{ seed: 1.5 }, 'split.seed'],
    [{ compositionLength: 1 }, 'split.compositionLength'],
    [{ compositionLength: 7 }, 'split.compositionLength'],
    [{ atomicOnlyTables: 8 }, 'split.atomicOnlyTables'],
    [{ heldOutCompositions: 36 }, 'split.heldOutCompositions'],
    [{ heldOutInputsPerPair: 8 }, 'split.heldOutInputsPerPair'],
    [{ validationFraction: 1.2 }, 'split.validationFraction'],
    [{ longerInputsPerChain: 0 }, 'split.longerInputsPerChain'],
    [{ longerFractions: { seen: -0.1 } }, 'split.longerFractions.seen'],
    [{ longerFractions: { old: 1 } }, 'split.longerFractions.old'],
    [{ heldoutCompositions: 3 }, 'split.heldoutCompositions'],
  ];
  it.each(bad)('%o is a ConfigError on %s', (options, field) => {
    let err: unknown;
    try {
      validateGeneratedSplit({ kind: 'generated', seed: 1, ...options }, 'split', 8, 3);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
  });

  it('refuses held-out sets that would leave a held-out table untrained in compositions', () => {
    // 3 regular tables, 9 pairs; holding out 8 leaves one trained pair, which cannot cover all three tables.
    expect(() => generateSplitRows({ kind: 'generated', seed: 1, atomicOnlyTables: 2, heldOutCompositions: 8 }, 5, 3)).toThrow(
      /split\.heldOutCompositions/,
    );
  });

  it('fills in the defaults', () => {
    expect(validateGeneratedSplit({ kind: 'generated', seed: 1 }, 'split', 8, 3)).toEqual({
      kind: 'generated',
      seed: 1,
      compositionLength: 2,
      atomicOnlyTables: 2,
      heldOutCompositions: 8,
      heldOutInputsPerPair: 2,
      validationFraction: 2 / 7,
      longerInputsPerChain: 4,
      longerFractions: { seen: 136 / 216, incremental: 271 / 288, new: 1 },
    });
  });
});

describe('chains', () => {
  it('enumerates all sequences in lexicographic order', () => {
    expect(chains(2, [0, 1])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(chains(3, [4, 5, 6])).toHaveLength(27);
    expect(chains(2, [])).toEqual([]);
  });
});
