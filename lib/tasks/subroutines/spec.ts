/**
 * The subroutine-composition odd-one-out tasks (after Lepori, Serre & Pavlick 2023, "Break It Down"), in a small
 * symbolic form: the spec plus its seed rebuild every split exactly.
 */
import { ConfigError } from '../../util/errors';
import { requireInt, requireObject, requireOneOf } from '../../util/validate';

export const SUBROUTINE_VARIANTS = ['vision', 'language'] as const;
/** 'vision': object scenes, A = inside, B = contact. 'language': subject–verb agreement, A = subject singular, B = verb singular. */
export type SubroutineVariant = (typeof SUBROUTINE_VARIANTS)[number];
export const POSITION_CODES = ['thermometer', 'onehot'] as const;
export type PositionCode = (typeof POSITION_CODES)[number];
export const SENTENCE_CODES = ['slots', 'bag'] as const;
export type SentenceCode = (typeof SENTENCE_CODES)[number];

export interface SubroutineSizes {
  /** Problems in each training split (base task and both subroutine tasks). */
  train: number;
  val: number;
  test: number;
  /** Problems in each partition set (only_A, only_B, both; the same count for their val versions). */
  partition: number;
}

export interface SubroutineSpec {
  kind: 'subroutines';
  variant: SubroutineVariant;
  sizes: SubroutineSizes;
  /** vision: side of the square grid the objects live on. */
  grid: number;
  /** vision: how grid coordinates are coded ('thermometer': bit k = [v > k], so comparisons are linear). */
  positionCode: PositionCode;
  /** vision: random bits appended to every scene (distractor dimensions). */
  noiseBits: number;
  /** language: position-slot one-hots, or a sum of fixed random (position, token) embeddings. */
  sentenceCode: SentenceCode;
  /** language, 'bag' code: embedding width. */
  embedSize: number;
  seed: number;
}

export const SUBROUTINE_DEFAULTS: Omit<SubroutineSpec, 'variant' | 'seed'> = {
  kind: 'subroutines',
  // The paper's vision sizes (10,000 / 500 / 1,000); its language partitions have 300.
  sizes: { train: 10000, val: 500, test: 1000, partition: 1000 },
  grid: 6,
  positionCode: 'thermometer',
  noiseBits: 4,
  sentenceCode: 'slots',
  embedSize: 32,
};

const FIELDS = ['kind', 'variant', 'sizes', 'grid', 'positionCode', 'noiseBits', 'sentenceCode', 'embedSize', 'seed'];
const SIZE_FIELDS = ['train', 'val', 'test', 'partition'] as const;
/** The paper's largest split is 10,000 problems; 100× that still builds in seconds. */
export const MAX_TOTAL_PROBLEMS = 1_000_000;

export function validateSubroutineSpec(json: unknown, field = 'task'): SubroutineSpec {
  const o = requireObject(json, field);
  for (const key of Object.keys(o)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${FIELDS.join(', ')})`, o[key]);
  }
  if (o.kind !== 'subroutines') throw new ConfigError(`${field}.kind`, '"subroutines"', o.kind);
  const d = SUBROUTINE_DEFAULTS;
  const sizesIn = requireObject(o.sizes ?? {}, `${field}.sizes`);
  for (const key of Object.keys(sizesIn)) {
    if (!(SIZE_FIELDS as readonly string[]).includes(key)) throw new ConfigError(`${field}.sizes.${key}`, `no such field (known: ${SIZE_FIELDS.join(', ')})`, sizesIn[key]);
  }
  const sizes = Object.fromEntries(
    SIZE_FIELDS.map((k) => [k, requireInt(sizesIn[k] ?? d.sizes[k], `${field}.sizes.${k}`, 1, 10_000_000)]),
  ) as unknown as SubroutineSizes;
  // Every split is built up front, so the total (not each size) is what must fit in memory.
  const total = SIZE_FIELDS.reduce((sum, k) => sum + sizes[k], 0);
  if (total > MAX_TOTAL_PROBLEMS) {
    throw new ConfigError(`${field}.sizes`, `sizes summing to at most ${MAX_TOTAL_PROBLEMS} problems (these sum to ${total})`, sizesIn);
  }
  return {
    kind: 'subroutines',
    variant: requireOneOf(o.variant, `${field}.variant`, SUBROUTINE_VARIANTS),
    sizes,
    // Below 5 cells, a large box cannot have a cell both inside it and off its border.
    grid: requireInt(o.grid ?? d.grid, `${field}.grid`, 5, 32),
    positionCode: requireOneOf(o.positionCode ?? d.positionCode, `${field}.positionCode`, POSITION_CODES),
    noiseBits: requireInt(o.noiseBits ?? d.noiseBits, `${field}.noiseBits`, 0, 256),
    sentenceCode: requireOneOf(o.sentenceCode ?? d.sentenceCode, `${field}.sentenceCode`, SENTENCE_CODES),
    embedSize: requireInt(o.embedSize ?? d.embedSize, `${field}.embedSize`, 1, 4096),
    seed: requireInt(o.seed, `${field}.seed`, 0),
  };
}
