import {
  comboModules,
  countCombinations,
  createHyperteacher,
  enumerateCombinations,
  isCompositional,
  isConnected,
  moduleUsage,
  splitCombinations,
} from '../../../lib/tasks/hyperteacher';
import { ComplensError } from '../../../lib/util/errors';
import { Rng } from '../../../lib/util/random';

const mask = (...modules: number[]) => modules.reduce((m, i) => (m | (1 << i)) >>> 0, 0);

describe('enumeration', () => {
  test('Σ C(M,k) combinations, each once, with 1..K modules, in itertools order', () => {
    expect(countCombinations(16, 3)).toBe(696);
    expect(countCombinations(32, 7)).toBe(4514872);
    const all = enumerateCombinations(5, 2);
    expect(all.length).toBe(15);
    expect(new Set(all).size).toBe(15);
    expect(Array.from(all.slice(0, 7), (c) => comboModules(c, 5))).toEqual([[0], [1], [2], [3], [4], [0, 1], [0, 2]]);
    for (const c of enumerateCombinations(16, 3)) expect([1, 2, 3]).toContain(comboModules(c, 16).length);
  });

  test('bit 31 works (M = 32)', () => {
    const all = enumerateCombinations(32, 1);
    expect(comboModules(all[31], 32)).toEqual([31]);
    expect(isCompositional(all, 32)).toBe(true);
  });
});

describe('coverage checks', () => {
  test('isCompositional: every module in some combination', () => {
    expect(isCompositional([mask(0, 1), mask(2)], 3)).toBe(true);
    expect(isCompositional([mask(0, 1), mask(1)], 3)).toBe(false);
  });

  test('isConnected: the co-occurrence graph is one component over all modules', () => {
    expect(isConnected([mask(0, 1), mask(1, 2), mask(3, 2)], 4)).toBe(true);
    expect(isConnected([mask(0, 1), mask(2, 3)], 4)).toBe(false);
    // Every module present but one only alone: not connected.
    expect(isConnected([mask(0, 1, 2), mask(3)], 4)).toBe(false);
    // A module never seen is its own component.
    expect(isConnected([mask(0, 1), mask(1, 2)], 4)).toBe(false);
    expect(isConnected([mask(0, 1, 2, 3)], 4)).toBe(true);
  });
});

const options = { modules: 16, maxActive: 3, fracOod: 0.25 };

function expectPartition(all: Uint32Array, split: { train: Uint32Array; ood: Uint32Array }) {
  expect(split.train.length + split.ood.length).toBe(all.length);
  expect(new Set([...split.train, ...split.ood])).toEqual(new Set(all));
}

describe.each(['random', 'equal'] as const)('%s support', (support) => {
  test('holds out ⌊N·fracOod⌋ combinations; the rest is compositional and connected; same seed, same split', () => {
    const all = enumerateCombinations(16, 3);
    const split = splitCombinations(all, { support, ...options }, new Rng(3));
    expectPartition(all, split);
    expect(split.ood.length).toBe(174);
    expect(isCompositional(split.train, 16)).toBe(true);
    expect(isConnected(split.train, 16)).toBe(true);
    expect(splitCombinations(all, { support, ...options }, new Rng(3))).toEqual(split);
    expect(Array.from(splitCombinations(all, { support, ...options }, new Rng(4)).ood)).not.toEqual(Array.from(split.ood));
  });

  test('resamples until covered, and gives up with a clear error when coverage is impossible', () => {
    // M=6, K=1: the combinations are the six single modules, so holding any out loses a module.
    const singles = enumerateCombinations(6, 1);
    expect(() => splitCombinations(singles, { support, modules: 6, maxActive: 1, fracOod: 0.2 }, new Rng(1))).toThrow(ComplensError);
    // M=4, K=2 holding out 7 of 10: most draws fail the checks, so the loop needs several attempts.
    const small = enumerateCombinations(4, 2);
    const split = splitCombinations(small, { support, modules: 4, maxActive: 2, fracOod: 0.7 }, new Rng(2));
    expect(isConnected(split.train, 4)).toBe(true);
  });
});

test('random support: the resampling loop is exercised (several attempts for a hard split)', () => {
  const small = enumerateCombinations(4, 2);
  const attempts = [1, 2, 3, 4, 5, 6].map((s) => splitCombinations(small, { support: 'random', modules: 4, maxActive: 2, fracOod: 0.7 }, new Rng(s)).attempts);
  expect(Math.max(...attempts)).toBeGreaterThan(1);
});

test('equal support balances module usage to max − min ≤ 1 (random does not)', () => {
  const all = enumerateCombinations(16, 3);
  const spread = (u: Int32Array) => Math.max(...u) - Math.min(...u);
  const equal = splitCombinations(all, { support: 'equal', ...options }, new Rng(5));
  expect(spread(moduleUsage(equal.train, 16))).toBeLessThanOrEqual(1);
  const random = splitCombinations(all, { support: 'random', ...options }, new Rng(5));
  expect(spread(moduleUsage(random.train, 16))).toBeGreaterThan(1);
});

test('disconnected control: two module groups, only within-group combinations trained: compositional but not connected', () => {
  const all = enumerateCombinations(16, 3);
  for (const seed of [1, 2, 3, 4, 5]) {
    const split = splitCombinations(all, { support: 'disconnected', ...options }, new Rng(seed));
    expectPartition(all, split);
    const [a, b] = split.groups!;
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const c of split.train) {
      const ms = comboModules(c, 16);
      expect(ms.every((m) => a.includes(m)) || ms.every((m) => b.includes(m))).toBe(true);
    }
    expect(isCompositional(split.train, 16)).toBe(true);
    expect(isConnected(split.train, 16)).toBe(false);
    // Topped up to the requested held-out count (⌊0.25·696⌋ = 174, give or take rounding).
    expect(Math.abs(split.ood.length - 174)).toBeLessThanOrEqual(1);
  }
});

test('non_compositional control: every combination with the last module is held out, so that module is never trained', () => {
  const all = enumerateCombinations(16, 3);
  const split = splitCombinations(all, { support: 'non_compositional', ...options }, new Rng(1));
  expectPartition(all, split);
  expect(split.ood.length).toBe(1 + 15 + 105);
  expect(split.ood.every((c) => comboModules(c, 16).includes(15))).toBe(true);
  expect(isCompositional(split.train, 16)).toBe(false);
  expect(moduleUsage(split.train, 16)[15]).toBe(0);
  // Among the other 15 modules the training set is still connected.
  expect(isConnected(split.train.map((c) => c), 15)).toBe(true);
});

test('the task builds its split from the spec seed', () => {
  const a = createHyperteacher({ seed: 9, modules: 8, maxActive: 2 });
  const b = createHyperteacher({ seed: 9, modules: 8, maxActive: 2 });
  expect(Array.from(a.combinations.train)).toEqual(Array.from(b.combinations.train));
  expect(a.combinations.ood.length).toBe(Math.floor(36 * 0.25));
});
