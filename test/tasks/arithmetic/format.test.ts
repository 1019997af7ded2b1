import {
  additionCarries,
  arithmeticExample,
  arithmeticLengths,
  decodeAnswer,
  encodeArithmetic,
  equivalenceAnswer,
} from '../../../lib/tasks/arithmetic';
import { ComplensError } from '../../../lib/util/errors';

const text = (tokens: number[]) => tokens.join('');

describe('arithmetic format (adder_v3.py)', () => {
  it('encodes the paper example 349 + 705 with padWidth 5', () => {
    const { prompt, target } = encodeArithmetic(349, 705, 'add', 5);
    expect(text(prompt)).toBe('0034900705');
    expect(text(target)).toBe('450100');
    expect(arithmeticLengths('add', 5)).toEqual({ promptLength: 10, targetLength: 6, inputLength: 15 });
  });

  it('encodes multiplication with a 2·padWidth reversed product', () => {
    const { prompt, target } = encodeArithmetic(12, 34, 'mul', 5);
    expect(text(prompt)).toBe('0001200034');
    expect(text(target)).toBe('8040000000');
    expect(arithmeticLengths('mul', 5).inputLength).toBe(19); // the paper's block size
  });

  it('decodes reversed answers back to numbers', () => {
    expect(decodeAnswer([4, 5, 0, 1, 0, 0], 'add', 5)).toBe(1054);
    expect(decodeAnswer(Int32Array.from([8, 0, 4, 0, 0, 0, 0, 0, 0, 0]), 'mul', 5)).toBe(408);
    expect(() => decodeAnswer([4, 5, 0], 'add', 5)).toThrow(ComplensError);
    expect(() => decodeAnswer([4, 5, 0, 1, 0, 12], 'add', 5)).toThrow(/not a digit/);
  });

  it('rejects operands wider than padWidth', () => {
    expect(() => encodeArithmetic(123456, 1, 'add', 5)).toThrow(/does not fit/);
  });

  it('predicts the equivalence answer f(a mod 1000, b mod 1000)', () => {
    expect(equivalenceAnswer(1349, 705, 'add')).toBe(1054); // the paper's Fig. 3 example
    expect(equivalenceAnswer(1999, 2999, 'add')).toBe(1998); // keeps the carry: not (a+b) mod 1000
    expect(equivalenceAnswer(3128, 4256, 'mul')).toBe(128 * 256);
    expect(equivalenceAnswer(12345, 6789, 'add', 2)).toBe(45 + 89);
  });
});

describe('arithmetic ground truth', () => {
  it('computes carries into each answer digit', () => {
    expect(additionCarries(349, 705, 6)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(additionCarries(999, 1, 6)).toEqual([0, 1, 1, 1, 0, 0]);
    expect(additionCarries(0, 0, 4)).toEqual([0, 0, 0, 0]);
    expect(additionCarries(95, 5, 3)).toEqual([0, 1, 1]);
  });

  it('aligns position labels with the input positions prompt ++ target[0..-2]', () => {
    const ex = arithmeticExample(349, 705, 'add', 5);
    const L = 15;
    for (const labels of Object.values(ex.positionLabels)) expect(labels).toHaveLength(L);
    const pl = ex.positionLabels;
    expect(pl.digit).toEqual([0, 0, 3, 4, 9, 0, 0, 7, 0, 5, -1, -1, -1, -1, -1]);
    expect(pl.operand).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1]);
    expect(pl.place).toEqual([4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4]);
    // The last prompt position emits the first (least significant) answer digit.
    expect(pl.answerDigit).toEqual([-1, -1, -1, -1, -1, -1, -1, -1, -1, 4, 5, 0, 1, 0, 0]);
    expect(pl.answerIndex).toEqual([-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5]);
    expect(pl.carry).toEqual([-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 0, 1, 0, 0]);
    // The answer tokens the model reads are the target shifted by one.
    expect(pl.answerDigit.slice(10)).toEqual(ex.target.slice(1));
  });

  it('gives example labels including the ID representative', () => {
    const ex = arithmeticExample(1349, 2705, 'add', 5);
    expect(ex.exampleLabels).toEqual({ a: 1349, b: 2705, answer: 4054, idA: 349, idB: 705, idAnswer: 1054, sumMod10: 4 });
    expect(ex.group).toBe('349,705');
    const mul = arithmeticExample(3128, 256, 'mul', 5);
    expect(mul.exampleLabels.answer).toBe(3128 * 256);
    expect(mul.exampleLabels.idAnswer).toBe(128 * 256);
    expect(mul.positionLabels.carry.every((c) => c === -1)).toBe(true);
  });

  it('omits the answer label when it leaves the safe-integer range', () => {
    const ex = arithmeticExample(99999999, 99999999, 'mul', 8);
    expect(ex.exampleLabels.answer).toBeUndefined();
    expect(ex.target).toHaveLength(16);
  });
});
