import { ConfigError } from '../../../lib/util/errors';
import { HYPERTEACHER_DEFAULTS, validateHyperteacherSpec } from '../../../lib/tasks/hyperteacher';

test('defaults are the paper config (M=16, K=3, I=H=O=16, 16 samples, discrete, identity, 25% held out, random)', () => {
  expect(validateHyperteacherSpec({ kind: 'hyperteacher', seed: 1 })).toEqual({ ...HYPERTEACHER_DEFAULTS, seed: 1 });
  expect(HYPERTEACHER_DEFAULTS).toMatchObject({ modules: 16, maxActive: 3, inputSize: 16, hiddenSize: 16, outputSize: 16, samplesPerTask: 16, shots: 50, fracOod: 0.25 });
});

test.each([
  [{ seed: 1, modules: 1 }, 'task.modules'],
  [{ seed: 1, modules: 33 }, 'task.modules'],
  [{ seed: 1, maxActive: 17 }, 'task.maxActive'],
  [{ seed: 1, modules: 32, maxActive: 8 }, 'task.maxActive'],
  [{ seed: 1, samplesPerTask: 1 }, 'task.samplesPerTask'],
  [{ seed: 1, weights: 'gaussian' }, 'task.weights'],
  [{ seed: 1, encoding: 'invertible_nn' }, 'task.encoding'],
  [{ seed: 1, support: 'popular_modules' }, 'task.support'],
  [{ seed: 1, fracOod: 1.5 }, 'task.fracOod'],
  [{ seed: 1, modules: 4, maxActive: 1, fracOod: 0.1 }, 'task.fracOod'],
  [{ seed: -1 }, 'task.seed'],
  [{ seed: 1, hidden: 3 }, 'task.hidden'],
])('%j is refused naming %s', (fields, name) => {
  const call = () => validateHyperteacherSpec({ kind: 'hyperteacher', ...fields });
  expect(call).toThrow(ConfigError);
  expect(call).toThrow(new RegExp(`^${name.replace('.', '\\.')}:`));
});

test('M=32, K=7 (the largest sweep) is accepted', () => {
  expect(validateHyperteacherSpec({ kind: 'hyperteacher', seed: 0, modules: 32, maxActive: 7 }).maxActive).toBe(7);
});
