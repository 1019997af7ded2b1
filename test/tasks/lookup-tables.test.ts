import {
  fromBits,
  generateTables,
  isBijection,
  PUBLIC_TABLES,
  readLookupSample,
  tableIndex,
  tableName,
  toBits,
  trajectory,
} from '../../lib/tasks/lookup';
import { ConfigError } from '../../lib/util/errors';

describe('bit strings', () => {
  it('are fixed width, most significant bit first', () => {
    expect(toBits(3, 3)).toBe('011');
    expect(toBits(4, 3)).toBe('100');
    expect(toBits(1, 4)).toBe('0001');
    expect(fromBits('011')).toBe(3);
    expect(fromBits('100')).toBe(4);
    expect(fromBits('0001')).toBe(1);
  });

  it('round-trip every value for several widths', () => {
    for (const bits of [1, 2, 3, 5]) {
      for (let v = 0; v < 2 ** bits; v++) {
        const s = toBits(v, bits);
        expect(s).toHaveLength(bits);
        expect(fromBits(s)).toBe(v);
      }
    }
  });

  it('reject values that do not fit and malformed strings', () => {
    expect(() => toBits(8, 3)).toThrow(ConfigError);
    expect(() => toBits(-1, 3)).toThrow(ConfigError);
    expect(() => toBits(1.5, 3)).toThrow(ConfigError);
    expect(() => fromBits('012')).toThrow(ConfigError);
    expect(() => fromBits('')).toThrow(ConfigError);
  });
});

describe('table names', () => {
  it('are 1-based names for 0-based indices', () => {
    expect(tableName(0)).toBe('t1');
    expect(tableIndex('t1')).toBe(0);
    expect(tableIndex('t12')).toBe(11);
    for (const bad of ['t0', 't01', 'x1', 't', 'T1', 't1 ']) expect(tableIndex(bad)).toBe(-1);
  });
});

describe('generateTables', () => {
  it('gives the requested number of distinct bijections', () => {
    const tables = generateTables({ seed: 7 });
    expect(tables).toHaveLength(8);
    for (const t of tables) expect(isBijection(t, 8)).toBe(true);
    expect(new Set(tables.map((t) => t.join(','))).size).toBe(8);
    const small = generateTables({ count: 6, bits: 2, seed: 7 });
    expect(small).toHaveLength(6);
    for (const t of small) expect(isBijection(t, 4)).toBe(true);
    expect(new Set(small.map((t) => t.join(','))).size).toBe(6);
  });

  it('can use every permutation when asked for all of them, and refuses more', () => {
    expect(new Set(generateTables({ count: 24, bits: 2, seed: 1 }).map((t) => t.join(','))).size).toBe(24);
    expect(() => generateTables({ count: 25, bits: 2, seed: 1 })).toThrow(ConfigError);
  });

  it('is deterministic in the seed and differs across seeds', () => {
    expect(generateTables({ seed: 3 })).toEqual(generateTables({ seed: 3 }));
    expect(generateTables({ seed: 3 })).not.toEqual(generateTables({ seed: 4 }));
  });

  it('does not always produce the same table at a position (the draws are actually random)', () => {
    const firsts = new Set(Array.from({ length: 20 }, (_, s) => generateTables({ count: 1, seed: s })[0].join(',')));
    expect(firsts.size).toBeGreaterThan(15);
  });
});

describe('PUBLIC_TABLES', () => {
  it('are the tables the public sample files imply', () => {
    expect(readLookupSample('sample1').tables).toEqual(PUBLIC_TABLES.map((t) => [...t]));
  });

  it('reproduce the worked examples of the seeds document (x ti tj means tj(ti(x)))', () => {
    // `010 t1 t6 .` -> 010 101 000 and `000 t7 t8 t8 .` -> 000 011 000 010 (seeds-A §A.8.1)
    expect(trajectory(PUBLIC_TABLES, fromBits('010'), [0, 5]).map((v) => toBits(v, 3))).toEqual(['010', '101', '000']);
    expect(trajectory(PUBLIC_TABLES, 0, [6, 7, 7]).map((v) => toBits(v, 3))).toEqual(['000', '011', '000', '010']);
  });

  it('are bijections', () => {
    for (const t of PUBLIC_TABLES) expect(isBijection(t, 8)).toBe(true);
  });
});

describe('isBijection', () => {
  it('rejects repeats, out-of-range values and wrong lengths', () => {
    expect(isBijection([1, 0, 2], 3)).toBe(true);
    expect(isBijection([1, 1, 2], 3)).toBe(false);
    expect(isBijection([1, 0, 3], 3)).toBe(false);
    expect(isBijection([1, 0], 3)).toBe(false);
  });
});
