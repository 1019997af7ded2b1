import { ConfigError } from '../../../lib/util/errors';
import { SUBROUTINE_DEFAULTS, validateSubroutineSpec } from '../../../lib/tasks/subroutines';

test('defaults fill in', () => {
  expect(validateSubroutineSpec({ kind: 'subroutines', variant: 'vision', seed: 0 })).toEqual({ ...SUBROUTINE_DEFAULTS, variant: 'vision', seed: 0 });
  expect(validateSubroutineSpec({ kind: 'subroutines', variant: 'language', seed: 0, sizes: { train: 5 } }).sizes).toEqual({ ...SUBROUTINE_DEFAULTS.sizes, train: 5 });
});

test.each([
  [{ variant: 'audio' }, 'task.variant'],
  [{ sizes: { train: 0 } }, 'task.sizes.train'],
  [{ sizes: { subTrain: 10 } }, 'task.sizes.subTrain'],
  [{ grid: 4 }, 'task.grid'],
  [{ positionCode: 'binary' }, 'task.positionCode'],
  [{ noiseBits: -1 }, 'task.noiseBits'],
  [{ sentenceCode: 'bert' }, 'task.sentenceCode'],
  [{ seed: 1.5 }, 'task.seed'],
  [{ items: 5 }, 'task.items'],
])('%j is refused naming %s', (fields, name) => {
  const call = () => validateSubroutineSpec({ kind: 'subroutines', variant: 'vision', seed: 0, ...fields });
  expect(call).toThrow(ConfigError);
  expect(call).toThrow(new RegExp(`^${name.replace(/\./g, '\\.')}:`));
});
