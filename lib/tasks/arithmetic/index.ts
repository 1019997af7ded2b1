/** Public API of the arithmetic task (Xu et al., "It Ain't That Bad", IJCAI 2024). See docs/tasks/arithmetic.md. */
export {
  ARITHMETIC_OPS,
  DIGIT_VOCAB,
  answerWidth,
  arithmeticLengths,
  computeAnswer,
  decodeAnswer,
  encodeArithmetic,
  equivalenceAnswer,
  paddedDigits,
} from './format';
export type { ArithmeticLengths, ArithmeticOp } from './format';
export { additionCarries, arithmeticExample } from './labels';
export { ARITHMETIC_DEFAULTS, ARITHMETIC_SPLITS, MAX_PAD_WIDTH, defaultSizes, poolSize, validateArithmeticSpec } from './spec';
export type { ArithmeticSizes, ArithmeticSpec, ArithmeticSpecInput, ArithmeticSplitName } from './spec';
export { sampleDistinctPairs, splitOperands, splitPairs } from './splits';
export type { OperandSet, SplitOperands } from './splits';
export { ArithmeticTask, createArithmeticTask } from './task';
