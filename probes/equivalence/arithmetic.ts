/**
 * Candidate relations for the arithmetic task (Xu et al.): what a model trained on idDigits-digit operands might
 * answer for wider ones. p = 10^idDigits, f = + or ×, c = f(a, b) the true answer.
 *
 * | name                          | prediction                                                          |
 * |-------------------------------|---------------------------------------------------------------------|
 * | operands mod 10^k             | f(a mod p, b mod p): the ID representative's answer (the paper's)   |
 * | a mod 10^k                    | f(a mod p, b)                                                       |
 * | b mod 10^k                    | f(a, b mod p)                                                       |
 * | answer mod 10^k               | c mod p                                                             |
 * | answer 10^k digit dropped     | c with its 10^k digit set to 0                                      |
 * | answer clamped to 9 at 10^k   | (c mod p) + min(⌊c / p⌋, 9)·p: the 10^k digit saturates, higher digits vanish |
 * | carry into 10^k dropped (add) | ((a mod p + b mod p) mod p) + (⌊a/p⌋ + ⌊b/p⌋)·p: the low part's carry is lost |
 * | true answer                   | c                                                                   |
 *
 * Predictions are values compared with the decoded model answer (least significant digit first, as the task
 * encodes it); a value beyond the safe-integer range makes no prediction.
 */
import { arithmeticExample, ArithmeticOp, decodeAnswer } from '../../lib/tasks/arithmetic';
import { EncodedExample } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { CandidateRelation } from './types';

export interface ArithmeticRelationOptions {
  op: ArithmeticOp;
  /** Digits of the in-distribution operands (the paper: 3). */
  idDigits?: number;
}

function operands(ex: EncodedExample): { a: number; b: number } | undefined {
  const { a, b } = ex.exampleLabels;
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) ? { a, b } : undefined;
}

/** The operand width of an example: its prompt is a(padWidth) b(padWidth). */
function padWidthOf(ex: EncodedExample): number {
  return ex.prompt.length / 2;
}

export function arithmeticRelations(options: ArithmeticRelationOptions): CandidateRelation[] {
  const { op } = options;
  const k = options.idDigits ?? 3;
  if (op !== 'add' && op !== 'mul') throw new ComplensError(`arithmeticRelations: op must be 'add' or 'mul', got ${JSON.stringify(op)}`);
  if (!Number.isInteger(k) || k < 1 || k > 12) throw new ComplensError(`arithmeticRelations: idDigits must be an integer in 1..12, got ${k}`);
  const p = 10 ** k;
  const sym = op === 'add' ? '+' : '×';
  const f = (x: number, y: number) => (op === 'add' ? x + y : x * y);
  const safe = (v: number) => (Number.isSafeInteger(v) && v >= 0 ? v : undefined);
  const decode = (tokens: readonly number[], ex: EncodedExample): number | undefined => {
    try {
      return decodeAnswer(tokens, op, padWidthOf(ex));
    } catch {
      return undefined; // wrong length or a token that is not a digit: matches no value
    }
  };
  const value = (fn: (a: number, b: number) => number) => (ex: EncodedExample) => {
    const o = operands(ex);
    return o ? safe(fn(o.a, o.b)) : undefined;
  };
  const representative = (ra: boolean, rb: boolean) => (ex: EncodedExample) => {
    const o = operands(ex);
    if (!o) return undefined;
    const a = ra ? o.a % p : o.a;
    const b = rb ? o.b % p : o.b;
    // Only an in-distribution input is a representative.
    return a < p && b < p ? arithmeticExample(a, b, op, padWidthOf(ex), k) : undefined;
  };
  const mod = `10^${k}`;
  const relations: CandidateRelation[] = [
    {
      name: `operands mod ${mod}`,
      description: `f(a mod ${p}, b mod ${p}): the answer of the in-distribution representative (Xu et al.'s equivalence)`,
      family: 'operand reduction',
      predict: value((a, b) => f(a % p, b % p)),
      decode,
      representative: representative(true, true),
    },
    {
      name: `a mod ${mod}`,
      description: `(a mod ${p}) ${sym} b: only the first operand loses its high digits`,
      family: 'operand reduction',
      predict: value((a, b) => f(a % p, b)),
      decode,
      representative: representative(true, false),
    },
    {
      name: `b mod ${mod}`,
      description: `a ${sym} (b mod ${p}): only the second operand loses its high digits`,
      family: 'operand reduction',
      predict: value((a, b) => f(a, b % p)),
      decode,
      representative: representative(false, true),
    },
    {
      name: `answer mod ${mod}`,
      description: `(a ${sym} b) mod ${p}: only the low ${k} digits of the answer, the rest zero`,
      family: 'answer truncation',
      predict: value((a, b) => f(a, b) % p),
      decode,
    },
    {
      name: `answer ${mod} digit dropped`,
      description: `a ${sym} b with its ${mod} digit set to 0`,
      family: 'answer truncation',
      predict: value((a, b) => {
        const c = f(a, b);
        return c - (Math.floor(c / p) % 10) * p;
      }),
      decode,
    },
    {
      name: `answer clamped to 9 at ${mod}`,
      description: `the ${mod} digit of a ${sym} b saturates at 9 and higher digits vanish: (c mod ${p}) + min(⌊c/${p}⌋, 9)·${p}`,
      family: 'answer truncation',
      predict: value((a, b) => {
        const c = f(a, b);
        return (c % p) + Math.min(Math.floor(c / p), 9) * p;
      }),
      decode,
    },
  ];
  if (op === 'add') {
    relations.push({
      name: `carry into ${mod} dropped`,
      description: `the low ${k} digits and the high parts are added separately and the carry between them is lost`,
      family: 'carry',
      predict: value((a, b) => (((a % p) + (b % p)) % p) + (Math.floor(a / p) + Math.floor(b / p)) * p),
      decode,
    });
  }
  relations.push({
    name: 'true answer',
    description: `a ${sym} b: the model is right`,
    family: 'truth',
    predict: value(f),
    decode,
    isTruth: true,
  });
  return relations;
}
