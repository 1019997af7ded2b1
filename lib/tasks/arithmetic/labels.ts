/**
 * Ground truth of one arithmetic example. Position labels follow the model's input positions (prompt ++
 * target[0..-2]): the answer digit j is *emitted* at input position 2·padWidth − 1 + j, so `answerDigit`, `carry`
 * and `answerIndex` start at the last prompt position, while `digit`, `operand` and `place` describe the token
 * the position *holds*.
 */
import { EncodedExample } from '../types';
import { ArithmeticOp, answerWidth, computeAnswer, encodeArithmetic, equivalenceAnswer } from './format';

/** Carry into each answer digit (least significant first) of a + b; carry[0] = 0. */
export function additionCarries(a: number, b: number, width: number): number[] {
  const carries: number[] = [];
  let carry = 0;
  let x = a;
  let y = b;
  for (let j = 0; j < width; j++) {
    carries.push(carry);
    carry = Math.floor(((x % 10) + (y % 10) + carry) / 10);
    x = Math.floor(x / 10);
    y = Math.floor(y / 10);
  }
  return carries;
}

export function arithmeticExample(a: number, b: number, op: ArithmeticOp, padWidth: number, idDigits = 3): EncodedExample {
  const { prompt, target } = encodeArithmetic(a, b, op, padWidth);
  const p = padWidth;
  const width = answerWidth(op, p);
  const inputLength = 2 * p + width - 1;
  const firstEmit = 2 * p - 1;
  const carries = op === 'add' ? additionCarries(a, b, width) : undefined;

  const digit: number[] = [];
  const operand: number[] = [];
  const place: number[] = [];
  const answerDigit: number[] = [];
  const answerIndex: number[] = [];
  const carry: number[] = [];
  for (let q = 0; q < inputLength; q++) {
    const inPrompt = q < 2 * p;
    digit.push(inPrompt ? prompt[q] : -1);
    operand.push(inPrompt ? (q < p ? 0 : 1) : -1);
    // The prompt is most significant first; the answer part holds target[q − 2p], whose place is q − 2p.
    place.push(inPrompt ? p - 1 - (q % p) : q - 2 * p);
    const j = q - firstEmit;
    answerDigit.push(j >= 0 ? target[j] : -1);
    answerIndex.push(j >= 0 ? j : -1);
    carry.push(j >= 0 && carries ? carries[j] : -1);
  }

  const answer = computeAnswer(a, b, op);
  const mod = 10 ** idDigits;
  const exampleLabels: Record<string, number> = {
    a,
    b,
    idA: a % mod,
    idB: b % mod,
    idAnswer: equivalenceAnswer(a, b, op, idDigits),
    sumMod10: (a + b) % 10,
  };
  if (answer <= BigInt(Number.MAX_SAFE_INTEGER)) exampleLabels.answer = Number(answer);
  return {
    prompt,
    target,
    positionLabels: { digit, operand, place, answerDigit, answerIndex, carry },
    exampleLabels,
    // Examples of one equivalence class (same ID representative) must not straddle probe folds.
    group: `${a % mod},${b % mod}`,
  };
}
