import { Matrix } from 'ml-matrix';
import { ComplensError, ConfigError } from '../../../lib/util/errors';
import { denseRows, LinearProbe, NotFittedError, ProbeInputError } from '../../../probes/linear';

const X = [[0, 1], [1, 0], [1, 1], [0, 0]];

describe('LinearProbe input validation', () => {
  test('X and y with different row counts', () => {
    expect(() => new LinearProbe({ kind: 'logistic' }).fit(X, [0, 1, 0])).toThrow(/3 labels but X has 4 rows/);
    expect(() => new LinearProbe({ kind: 'ridge' }).fit(X, [0, 1, 0])).toThrow(/3 rows of targets but X has 4 rows/);
  });

  test('non-finite features or targets', () => {
    expect(() => new LinearProbe({ kind: 'ridge' }).fit([[0, NaN], [1, 0]], [1, 2])).toThrow(/non-finite value NaN at row 0, column 1/);
    expect(() => new LinearProbe({ kind: 'ridge' }).fit(X, [1, 2, Infinity, 0])).toThrow(/non-finite target/);
    expect(() => new LinearProbe({ kind: 'ridge' }).fit(denseRows(Float32Array.of(1, 2, NaN, 4), 2), [1, 2])).toThrow(ProbeInputError);
  });

  test('labels that are not integers, and a single class', () => {
    expect(() => new LinearProbe({ kind: 'logistic' }).fit(X, [0, 1.5, 0, 1])).toThrow(/must be integers/);
    expect(() => new LinearProbe({ kind: 'logistic' }).fit(X, [2, 2, 2, 2])).toThrow(/at least 2 classes, got only label 2/);
  });

  test('ragged, empty and mis-sized inputs', () => {
    expect(() => new LinearProbe({ kind: 'ridge' }).fit([[1, 2], [3]], [1, 2])).toThrow(/row 1 has 1 values, row 0 has 2/);
    expect(() => new LinearProbe({ kind: 'ridge' }).fit([], [])).toThrow(/non-empty/);
    expect(() => denseRows(new Float32Array(5), 2)).toThrow(/not a whole number of rows/);
  });

  test('predict before fit, and with the wrong number of columns', () => {
    const p = new LinearProbe({ kind: 'logistic' });
    expect(() => p.predict(X)).toThrow(NotFittedError);
    expect(() => p.coef_).toThrow(NotFittedError);
    p.fit(X, [0, 1, 1, 0]);
    expect(() => p.predict([[1, 2, 3]])).toThrow(/3 columns but the probe was fitted on 2/);
    expect(() => new LinearProbe({ kind: 'ridge' }).fit(X, [1, 2, 3, 4]).predictProba(X)).toThrow(/only a logistic probe/);
  });

  test('bad options are ConfigErrors naming the field', () => {
    expect(() => new LinearProbe({ kind: 'svm' as 'ridge' })).toThrow(ConfigError);
    expect(() => new LinearProbe({ kind: 'ridge', l2: -1 })).toThrow(/probe\.l2/);
    expect(() => new LinearProbe({ kind: 'logistic', maxIter: 0 })).toThrow(/probe\.maxIter/);
  });

  test('all probe errors are ComplensErrors (the CLI reports them without a stack trace)', () => {
    expect(new ProbeInputError('X', 'bad')).toBeInstanceOf(ComplensError);
    expect(new NotFittedError('p')).toBeInstanceOf(ComplensError);
  });

  test('fit does not modify the caller’s data', () => {
    const Xm = new Matrix([[1, 2], [3, 5], [4, 4], [0, 1]]);
    const before = Xm.to2DArray();
    new LinearProbe({ kind: 'ridge' }).fit(Xm, [1, 2, 3, 4]);
    expect(Xm.to2DArray()).toEqual(before);
  });
});
