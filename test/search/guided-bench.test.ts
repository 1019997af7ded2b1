/** The comparison bench's arm names and statistics (bench/guided.ts): what a reproduced measurement depends on. */
import { armSettings, auroc, spearman } from '../../bench/guided';
import { GUIDED_DEFAULTS } from '../../lib/search/guided';

test('arm names: strategy, signals, warmup and held-out validation compositions', () => {
  const plain = armSettings('pbt', 2);
  expect(plain.policy.strategy).toBe('pbt');
  expect(plain.selectOn).toEqual(GUIDED_DEFAULTS.selectOn);
  expect(plain.valCompositions).toBe(GUIDED_DEFAULTS.valCompositions);
  expect(plain.searchSeed).toBe(2);
  const full = armSettings('asha:valCompEM+validationEM@400/v4', 0);
  expect(full.policy).toMatchObject({ strategy: 'asha', warmup: 400 });
  expect(full.selectOn).toEqual(['valCompEM', 'validationEM']);
  expect(full.valCompositions).toBe(4);
  expect(armSettings('none:validationEM/v0', 1).valCompositions).toBe(0);
  expect(() => armSettings('brute', 0)).toThrow(/expected brute or strategy/);
  expect(() => armSettings('pbt/vx', 0)).toThrow(/expected brute or strategy/);
});

test('spearman and AUROC on known cases', () => {
  expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
  expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
  expect(auroc([0.9, 0.8, 0.1, 0.2], [true, true, false, false])).toBe(1);
  expect(auroc([0.1, 0.2, 0.9, 0.8], [true, true, false, false])).toBe(0);
  expect(auroc([0.5, 0.5], [true, false])).toBe(0.5);
});
