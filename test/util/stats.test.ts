import { meanSd } from '../../lib/util/stats';
import { meanSd as fromLinear } from '../../probes/linear';
import { meanSd as fromSubnetworks } from '../../probes/subnetworks';

test('mean and sample sd (n − 1) of the finite values', () => {
  const r = meanSd([1, 2, 3, 4]);
  expect(r.mean).toBe(2.5);
  expect(r.sd).toBeCloseTo(Math.sqrt(5 / 3), 15);
  expect(r.n).toBe(4);
  expect(meanSd([1, NaN, 3, Infinity])).toEqual({ mean: 2, sd: Math.SQRT2, n: 2 });
});

test('no values: NaN; one value: sd 0 unless the caller asks for NaN', () => {
  expect(meanSd([])).toEqual({ mean: NaN, sd: NaN, n: 0 });
  expect(meanSd([NaN])).toEqual({ mean: NaN, sd: NaN, n: 0 });
  expect(meanSd([0.7])).toEqual({ mean: 0.7, sd: 0, n: 1 });
  expect(meanSd([0.7], { single: NaN }).sd).toBeNaN();
});

test('the instruments export the one function', () => {
  expect(fromLinear).toBe(meanSd);
  expect(fromSubnetworks).toBe(meanSd);
});
