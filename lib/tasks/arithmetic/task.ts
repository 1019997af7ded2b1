/** The n-digit arithmetic task of Xu et al. (IJCAI 2024) as a SequenceTask. */
import { ComplensError } from '../../util/errors';
import { SequenceTask, TaskSplit } from '../types';
import { arithmeticLengths, DIGIT_VOCAB } from './format';
import { arithmeticExample } from './labels';
import { ARITHMETIC_SPLITS, ArithmeticSpec, ArithmeticSpecInput, ArithmeticSplitName, validateArithmeticSpec } from './spec';
import { splitOperands, splitPairs } from './splits';

export class ArithmeticTask implements SequenceTask<ArithmeticSpec> {
  readonly kind = 'arithmetic';
  readonly modelKind = 'sequence';
  readonly spec: ArithmeticSpec;
  readonly vocab = DIGIT_VOCAB;
  readonly stateCount = 0;
  private readonly built = new Map<ArithmeticSplitName, TaskSplit>();

  constructor(spec: ArithmeticSpecInput) {
    this.spec = validateArithmeticSpec(spec);
  }

  /** Non-empty splits, training split first. */
  splitNames(): ArithmeticSplitName[] {
    return ARITHMETIC_SPLITS.filter((s) => this.spec.sizes[s] > 0);
  }

  /** Built on first use and memoised: the train split of the multiplication task alone is 50k examples. */
  split(name: string): TaskSplit {
    const names: string[] = this.splitNames();
    if (!names.includes(name)) throw new ComplensError(`arithmetic task: no split ${JSON.stringify(name)}; splits are ${names.join(', ')}`);
    const key = name as ArithmeticSplitName;
    let split = this.built.get(key);
    if (!split) {
      const { op, idDigits } = this.spec;
      const width = this.splitPadWidth(key);
      const examples = splitPairs(this.spec, key).map(([a, b]) => arithmeticExample(a, b, op, width, idDigits));
      this.built.set(key, (split = { name: key, examples }));
    }
    return split;
  }

  /** Operand width of a split's prompts: padWidth everywhere but `ood_length` (padWidth + 1, a longer sequence). */
  splitPadWidth(name: ArithmeticSplitName): number {
    return splitOperands(name, this.spec.padWidth).padWidth;
  }

  /** The longest model input over all splits: give the transformer at least this block size (`maxLength`). */
  get maxInputLength(): number {
    return Math.max(...this.splitNames().map((s) => arithmeticLengths(this.spec.op, this.splitPadWidth(s)).inputLength));
  }

  labelNames(): Record<string, string[]> {
    const digits = [...DIGIT_VOCAB];
    return { operand: ['a', 'b'], carry: ['0', '1'], digit: digits, answerDigit: digits, sumMod10: digits };
  }

  decode(tokens: readonly number[]): string {
    return tokens.map((t) => DIGIT_VOCAB[t] ?? `<${t}>`).join('');
  }
}

export function createArithmeticTask(spec: ArithmeticSpecInput = {}): ArithmeticTask {
  return new ArithmeticTask(spec);
}
