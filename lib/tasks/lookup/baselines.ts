/**
 * Closed forms of the chance baselines of seeds-A §A.7, as exact-match probabilities over whole answers (the
 * haystack scores exact match, so per-token chance would overstate them).
 *
 * - random-wellformed-output: a uniformly random well-formed answer. For 'final' that is one of the 2^bits values:
 *   2^-bits (12.5% for 3 bits). For 'intermediates' the answer is k+1 values, each uniform and independent (the
 *   baseline knows the format, not the input it could copy): 2^-(bits·(k+1)).
 * - random-output: every answer token uniform over a vocabulary of V tokens, EOS included, so malformed answers are
 *   possible: V^-L for a target of L tokens (pass the full vocab size, or 3 for outputs drawn from {0, 1, <eos>}).
 */
import { requireInt, requireOneOf } from '../../util/validate';
import { LOOKUP_ENCODINGS, LookupEncoding } from './encoding';

export function randomWellformedAccuracy(bits: number, encoding: LookupEncoding, compositionLength = 2): number {
  requireInt(bits, 'bits', 1);
  requireOneOf(encoding, 'encoding', LOOKUP_ENCODINGS);
  requireInt(compositionLength, 'compositionLength', 1);
  const values = encoding === 'final' ? 1 : compositionLength + 1;
  return 2 ** -(bits * values);
}

export function randomOutputAccuracy(vocabSize: number, targetLength: number): number {
  requireInt(vocabSize, 'vocabSize', 1);
  requireInt(targetLength, 'targetLength', 0);
  return vocabSize ** -targetLength;
}
