import {
  ARITHMETIC_SPLITS,
  createArithmeticTask,
  decodeAnswer,
  sampleDistinctPairs,
  splitPairs,
  validateArithmeticSpec,
} from '../../../lib/tasks/arithmetic';
import { ConfigError } from '../../../lib/util/errors';
import { Rng } from '../../../lib/util/random';

const sizes = { train: 300, test: 200, ood_4digit: 100, ood_5digit: 100, ood_mixed: 100, ood_length: 100 };
const key = (ex: { exampleLabels: Record<string, number> }) => `${ex.exampleLabels.a},${ex.exampleLabels.b}`;

describe('arithmetic spec', () => {
  it('fills defaults and documents them', () => {
    const spec = validateArithmeticSpec({});
    expect(spec).toEqual({
      kind: 'arithmetic',
      op: 'add',
      padWidth: 5,
      idDigits: 3,
      seed: 1377,
      sizes: { train: 10000, test: 10000, ood_4digit: 1000, ood_5digit: 1000, ood_mixed: 1000, ood_length: 1000 },
    });
    expect(validateArithmeticSpec({ op: 'mul' }).sizes.train).toBe(50000);
    expect(validateArithmeticSpec({ padWidth: 4 }).sizes.ood_5digit).toBe(0);
  });

  it('names the bad field', () => {
    const bad = (json: unknown, field: string) => {
      try {
        validateArithmeticSpec(json, 'task');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).field).toBe(field);
        return;
      }
      throw new Error(`no error for ${JSON.stringify(json)}`);
    };
    bad({ op: 'sub' }, 'task.op');
    bad({ padWidth: 3 }, 'task.padWidth');
    bad({ idDigits: 4 }, 'task.idDigits');
    bad({ sizes: { train: 1.5 } }, 'task.sizes.train');
    bad({ sizes: { trian: 5 } }, 'task.sizes.trian');
    bad({ sizes: { train: 600000, test: 500000 } }, 'task.sizes.test');
    bad({ padWidth: 4, sizes: { ood_5digit: 10 } }, 'task.sizes.ood_5digit');
    bad({ kind: 'lookup' }, 'task.kind');
    bad('add', 'task');
  });
});

describe('arithmetic splits', () => {
  const task = createArithmeticTask({ sizes, seed: 7 });

  it('lists the non-empty splits, train first, with the configured sizes', () => {
    expect(task.splitNames()).toEqual([...ARITHMETIC_SPLITS]);
    for (const name of task.splitNames()) expect(task.split(name).examples).toHaveLength(sizes[name]);
    expect(createArithmeticTask({ sizes: { ...sizes, ood_mixed: 0 } }).splitNames()).not.toContain('ood_mixed');
    expect(() => task.split('ood')).toThrow(/no split "ood"/);
  });

  it('keeps pairs distinct within a split and train/test disjoint', () => {
    const seen = new Map<string, string>();
    for (const name of task.splitNames()) {
      const keys = task.split(name).examples.map(key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of keys) {
        expect(seen.get(k)).toBeUndefined();
        seen.set(k, name);
      }
    }
  });

  it('builds the operand ranges of each split', () => {
    const labels = (name: string) => task.split(name).examples.map((e) => e.exampleLabels);
    const inRange = (x: number, lo: number, hi: number) => x >= lo && x <= hi;
    for (const l of [...labels('train'), ...labels('test')]) expect(inRange(l.a, 0, 999) && inRange(l.b, 0, 999)).toBe(true);
    for (const l of labels('ood_4digit')) expect(inRange(l.a, 1000, 9999) && inRange(l.b, 1000, 9999)).toBe(true);
    for (const l of labels('ood_5digit')) expect(inRange(l.a, 10000, 99999) && inRange(l.b, 10000, 99999)).toBe(true);
    for (const l of labels('ood_mixed')) expect(inRange(l.a, 1000, 9999) && inRange(l.b, 0, 999)).toBe(true);
    for (const l of labels('ood_length')) {
      // A non-zero digit at 10^padWidth over an in-distribution low part.
      for (const v of [l.a, l.b]) expect(Math.floor(v / 1e5) >= 1 && Math.floor(v / 1e5) <= 9 && v % 1e5 < 1000).toBe(true);
    }
    // All nine thousands digits occur (h uniform in 1..9).
    expect(new Set(labels('ood_4digit').map((l) => Math.floor(l.a / 1000))).size).toBe(9);
  });

  it('keeps sequence length fixed except in ood_length', () => {
    for (const name of ['train', 'test', 'ood_4digit', 'ood_5digit', 'ood_mixed']) {
      for (const ex of task.split(name).examples) {
        expect(ex.prompt).toHaveLength(10);
        expect(ex.target).toHaveLength(6);
      }
    }
    const long = task.split('ood_length').examples[0];
    expect(long.prompt).toHaveLength(12);
    expect(long.target).toHaveLength(7);
    expect(task.splitPadWidth('ood_length')).toBe(6);
    expect(task.maxInputLength).toBe(18);
  });

  it('encodes correct answers in every split', () => {
    for (const name of task.splitNames()) {
      const width = task.splitPadWidth(name as (typeof ARITHMETIC_SPLITS)[number]);
      for (const ex of task.split(name).examples) {
        expect(decodeAnswer(ex.target, 'add', width)).toBe(ex.exampleLabels.a + ex.exampleLabels.b);
      }
    }
    const mul = createArithmeticTask({ op: 'mul', sizes: { train: 50, test: 10 } });
    for (const ex of mul.split('ood_5digit').examples) expect(decodeAnswer(ex.target, 'mul', 5)).toBe(ex.exampleLabels.a * ex.exampleLabels.b);
  });

  it('is a pure function of the seed', () => {
    const again = createArithmeticTask({ sizes, seed: 7 });
    const other = createArithmeticTask({ sizes, seed: 8 });
    for (const name of task.splitNames()) {
      expect(again.split(name).examples.map(key)).toEqual(task.split(name).examples.map(key));
      expect(other.split(name).examples.map(key)).not.toEqual(task.split(name).examples.map(key));
    }
    // Rebuilding from the serialised spec gives the identical task.
    const rebuilt = createArithmeticTask(JSON.parse(JSON.stringify(task.spec)));
    expect(rebuilt.split('ood_mixed').examples).toEqual(task.split('ood_mixed').examples);
  });

  it('keeps the training set when only the test size changes', () => {
    const bigger = createArithmeticTask({ sizes: { ...sizes, test: 400 }, seed: 7 });
    expect(bigger.split('train').examples.map(key)).toEqual(task.split('train').examples.map(key));
  });

  it('decodes tokens to text', () => {
    expect(task.decode([0, 0, 3, 4, 9])).toBe('00349');
    expect(task.vocab).toHaveLength(10);
    expect(task.stateCount).toBe(0);
  });
});

describe('sampleDistinctPairs', () => {
  it('can exhaust a small pool without repeats', () => {
    const pairs = sampleDistinctPairs(new Rng(1), 4, 5, 20);
    expect(new Set(pairs.map((p) => p.join())).size).toBe(20);
  });

  it('draws pairs without replacement from pools beyond 2^32', () => {
    const pairs = sampleDistinctPairs(new Rng(1), 90000, 90000, 500);
    expect(new Set(pairs.map((p) => p.join())).size).toBe(500);
    expect(pairs.every(([i, j]) => i >= 0 && i < 90000 && j >= 0 && j < 90000)).toBe(true);
  });

  it('spreads the in-distribution operands over 0..999', () => {
    const spec = validateArithmeticSpec({ sizes: { train: 5000, test: 0 } });
    const as = splitPairs(spec, 'train').map(([a]) => a);
    const mean = as.reduce((s, x) => s + x, 0) / as.length;
    expect(Math.abs(mean - 499.5)).toBeLessThan(15);
  });
});
