/** The serialisable spec of the arithmetic task; it fully determines every split. */
import { ConfigError } from '../../util/errors';
import { requireInt, requireObject, requireOneOf } from '../../util/validate';
import { ARITHMETIC_OPS, ArithmeticOp } from './format';

export const ARITHMETIC_SPLITS = ['train', 'test', 'ood_4digit', 'ood_5digit', 'ood_mixed', 'ood_length'] as const;
export type ArithmeticSplitName = (typeof ARITHMETIC_SPLITS)[number];
export type ArithmeticSizes = Record<ArithmeticSplitName, number>;

export interface ArithmeticSpec {
  kind: 'arithmetic';
  op: ArithmeticOp;
  /** Digits per operand in the prompt (the paper: 5, though training operands have only 3). */
  padWidth: number;
  /** Digits of the in-distribution operands; the OOD split names assume 3. */
  idDigits: 3;
  /** Examples per split; a split of size 0 is left out of `splitNames()`. */
  sizes: ArithmeticSizes;
  /** Data seed (the paper's data_seed is 1377). */
  seed: number;
}

/** What a caller may leave out; `validateArithmeticSpec` fills the defaults. */
export type ArithmeticSpecInput = Partial<Omit<ArithmeticSpec, 'sizes'>> & { sizes?: Partial<ArithmeticSizes> };

export const ARITHMETIC_DEFAULTS = { op: 'add' as ArithmeticOp, padWidth: 5, idDigits: 3 as const, seed: 1377 };
/** padWidth + 1 digits (the length-OOD split) must stay within safe integers for every derived label. */
export const MAX_PAD_WIDTH = 12;

/**
 * Train/test sizes are the paper's (B.2: add 10k/10k, mul 50k/5k); each OOD split is cut to 1,000 (the paper uses
 * 10k for add) because OOD evaluation decodes greedily. Splits are built lazily, so unused splits cost nothing.
 */
export function defaultSizes(op: ArithmeticOp, padWidth: number): ArithmeticSizes {
  const ood = 1000;
  return {
    train: op === 'add' ? 10000 : 50000,
    test: op === 'add' ? 10000 : 5000,
    ood_4digit: ood,
    ood_5digit: padWidth >= 5 ? ood : 0,
    ood_mixed: ood,
    ood_length: padWidth < MAX_PAD_WIDTH ? ood : 0,
  };
}

/** How many distinct (a, b) pairs each split can draw from; sizes may not exceed it. */
export function poolSize(split: ArithmeticSplitName): number {
  switch (split) {
    case 'train':
    case 'test':
      return 1000 * 1000;
    case 'ood_4digit':
      return 9000 * 9000;
    case 'ood_5digit':
      return 90000 * 90000;
    case 'ood_mixed':
      return 9000 * 1000;
    case 'ood_length':
      return 9000 * 9000;
  }
}

const FIELDS = ['kind', 'op', 'padWidth', 'idDigits', 'sizes', 'seed'];

export function validateArithmeticSpec(json: unknown, field = 'task'): ArithmeticSpec {
  const o = requireObject(json, field);
  // A misspelt field would otherwise fall back to its default without a word (e.g. "opp": "mul" trains addition).
  for (const key of Object.keys(o)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${FIELDS.join(', ')})`, o[key]);
  }
  const kind = requireOneOf(o.kind ?? 'arithmetic', `${field}.kind`, ['arithmetic'] as const);
  const op = requireOneOf(o.op ?? ARITHMETIC_DEFAULTS.op, `${field}.op`, ARITHMETIC_OPS);
  // 4 is the least width with a thousands position for the 4-digit OOD operands.
  const padWidth = requireInt(o.padWidth ?? ARITHMETIC_DEFAULTS.padWidth, `${field}.padWidth`, 4, MAX_PAD_WIDTH);
  const idDigits = requireInt(o.idDigits ?? 3, `${field}.idDigits`, 3, 3) as 3;
  const seed = requireInt(o.seed ?? ARITHMETIC_DEFAULTS.seed, `${field}.seed`, 0, 2 ** 32 - 1);
  const given = requireObject(o.sizes ?? {}, `${field}.sizes`);
  for (const key of Object.keys(given)) {
    if (!(ARITHMETIC_SPLITS as readonly string[]).includes(key)) {
      throw new ConfigError(`${field}.sizes.${key}`, `one of the splits ${ARITHMETIC_SPLITS.join(', ')}`, key);
    }
  }
  const defaults = defaultSizes(op, padWidth);
  const sizes = {} as ArithmeticSizes;
  for (const split of ARITHMETIC_SPLITS) {
    sizes[split] = requireInt(given[split] ?? defaults[split], `${field}.sizes.${split}`, 0, poolSize(split));
  }
  if (sizes.train < 1) throw new ConfigError(`${field}.sizes.train`, 'at least 1 example', sizes.train);
  if (sizes.train + sizes.test > poolSize('train')) {
    throw new ConfigError(`${field}.sizes.test`, `at most ${poolSize('train') - sizes.train} (train and test share the 10^6 in-distribution pairs)`, sizes.test);
  }
  if (padWidth < 5 && sizes.ood_5digit > 0) throw new ConfigError(`${field}.sizes.ood_5digit`, '0 when padWidth < 5 (5-digit operands do not fit)', sizes.ood_5digit);
  if (padWidth >= MAX_PAD_WIDTH && sizes.ood_length > 0) {
    throw new ConfigError(`${field}.sizes.ood_length`, `0 when padWidth is ${MAX_PAD_WIDTH} (the length split needs padWidth + 1)`, sizes.ood_length);
  }
  return { kind, op, padWidth, idDigits, sizes, seed };
}
