/**
 * The token format of Xu et al.'s adder/multiplier (ExploreGPT `adder_v3.py`): digits only, no operator or EOS
 * tokens. Operands are zero-padded to `padWidth` digits; the answer is zero-padded to padWidth+1 (add) or
 * 2·padWidth (mul) digits and reversed, so the model emits the least significant digit first — the order in
 * which carries propagate.
 */
import { ComplensError } from '../../util/errors';

export type ArithmeticOp = 'add' | 'mul';
export const ARITHMETIC_OPS: readonly ArithmeticOp[] = ['add', 'mul'];

export const DIGIT_VOCAB: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Number of answer digits: room for the final carry (add) or for the full product (mul). */
export function answerWidth(op: ArithmeticOp, padWidth: number): number {
  return op === 'add' ? padWidth + 1 : 2 * padWidth;
}

export interface ArithmeticLengths {
  promptLength: number;
  targetLength: number;
  /** Positions the model reads: prompt ++ target[0..-2]. The block size (`maxLength`) must be at least this. */
  inputLength: number;
}

export function arithmeticLengths(op: ArithmeticOp, padWidth: number): ArithmeticLengths {
  const promptLength = 2 * padWidth;
  const targetLength = answerWidth(op, padWidth);
  return { promptLength, targetLength, inputLength: promptLength + targetLength - 1 };
}

/** The exact answer; BigInt because 2·padWidth-digit products leave the safe-integer range for padWidth ≥ 8. */
export function computeAnswer(a: number, b: number, op: ArithmeticOp): bigint {
  return op === 'add' ? BigInt(a) + BigInt(b) : BigInt(a) * BigInt(b);
}

/** Digits of `value`, most significant first, zero-padded to `width`. */
export function paddedDigits(value: number | bigint, width: number): number[] {
  const text = value.toString();
  if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) {
    throw new ComplensError(`arithmetic: operand ${value} is not a non-negative safe integer`);
  }
  if (text.startsWith('-') || text.length > width) throw new ComplensError(`arithmetic: ${text} does not fit in ${width} digits`);
  return Array.from(text.padStart(width, '0'), Number);
}

/** Prompt a(padWidth) b(padWidth) and target = reversed answer, as token ids (token id = digit). */
export function encodeArithmetic(a: number, b: number, op: ArithmeticOp, padWidth: number): { prompt: number[]; target: number[] } {
  const prompt = [...paddedDigits(a, padWidth), ...paddedDigits(b, padWidth)];
  const target = paddedDigits(computeAnswer(a, b, op), answerWidth(op, padWidth)).reverse();
  return { prompt, target };
}

/**
 * Parses generated answer tokens (least significant digit first) back into a number, as the paper's evaluation
 * does. Exact up to Number.MAX_SAFE_INTEGER (padWidth ≤ 7 for mul).
 */
export function decodeAnswer(tokens: ArrayLike<number>, op: ArithmeticOp, padWidth: number): number {
  const width = answerWidth(op, padWidth);
  if (tokens.length !== width) throw new ComplensError(`decodeAnswer: expected ${width} answer tokens for ${op} with padWidth ${padWidth}, got ${tokens.length}`);
  let value = 0;
  for (let i = width - 1; i >= 0; i--) {
    const d = tokens[i];
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new ComplensError(`decodeAnswer: token ${d} at index ${i} is not a digit`);
    value = value * 10 + d;
  }
  return value;
}

/**
 * What the model answers under the paper's equivalence hypothesis: f(a mod 10^idDigits, b mod 10^idDigits), the
 * answer for the in-distribution representative of (a, b). For add this is not (a+b) mod 1000: it keeps the carry.
 */
export function equivalenceAnswer(a: number, b: number, op: ArithmeticOp, idDigits = 3): number {
  const p = 10 ** idDigits;
  const ia = a % p;
  const ib = b % p;
  return op === 'add' ? ia + ib : ia * ib;
}
