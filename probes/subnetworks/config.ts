/**
 * Mask-training configuration (continuous sparsification, Savarese et al. 2020, as used by Lepori et al. 2023):
 * defaults from the paper's code (docs/instruments/subnetworks.md lists the source of each), validated at the
 * boundary with ConfigErrors naming the field.
 */
import { ConfigError } from '../../lib/util/errors';
import { requireBoolean, requireInt, requireNumber, requireObject, requireOneOf } from '../../lib/util/validate';
import { NamePattern } from './patterns';

export const PENALTY_KINDS = ['sum', 'mean'] as const;
/**
 * 'sum': λ · Σ σ(β·s) over every masked entry, un-normalised, as the paper (λ = 1e-8): the pull towards sparsity then
 * grows with the model's size. 'mean': λ · mean σ(β·s), the same pull whatever the size (pick λ ≈ 1e-8 × entries to
 * match a given model).
 */
export type PenaltyKind = (typeof PENALTY_KINDS)[number];

export const BETA_SCHEDULES = ['epoch', 'step'] as const;
/** When β grows: once per epoch (the paper) or smoothly every step. */
export type BetaScheduleKind = (typeof BETA_SCHEDULES)[number];

export interface MaskTrainConfig {
  /** Tensors to mask (globs or RegExps, see patterns.ts); default: every maskable tensor. */
  include?: NamePattern[];
  exclude?: NamePattern[];
  /** Constant initial score s0 of every mask entry. Paper searched {0.1, 0.05, 0, −0.05}. */
  initScore: number;
  /** Adam learning rate of the scores. Paper searched {0.01, 1e-4}. */
  learningRate: number;
  /** Weight λ of the sparsity penalty. */
  lambda: number;
  penalty: PenaltyKind;
  /** β at the end of the run; β grows geometrically from 1. */
  betaMax: number;
  betaSchedule: BetaScheduleKind;
  /** Passes over the mask-training data. */
  epochs: number;
  /** Rows per step; 0 = full batch. */
  batchSize: number;
  /** Optional cap on the total steps (the β schedule is then spread over the capped run). 0 = none. */
  maxSteps: number;
  /** Mask seed: the minibatch order (the scores start constant, so this is the only randomness of a run). */
  seed: number;
  /** Adam β1, β2, ε (tfjs/PyTorch defaults). */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Allow masking tensors whose ParamSpec says `maskable: false` (the paper never masks biases, norms, embeddings). */
  allowUnmaskable: boolean;
}

export const MASK_TRAIN_DEFAULTS: MaskTrainConfig = {
  initScore: 0.05,
  learningRate: 0.01,
  lambda: 1e-8,
  penalty: 'sum',
  betaMax: 200,
  betaSchedule: 'epoch',
  epochs: 90,
  batchSize: 64,
  maxSteps: 0,
  seed: 0,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  allowUnmaskable: false,
};

const FIELDS = [...Object.keys(MASK_TRAIN_DEFAULTS), 'include', 'exclude'];

export function validateMaskTrainConfig(json: unknown, field = 'mask'): MaskTrainConfig {
  const input = requireObject(json ?? {}, field);
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${FIELDS.join(', ')})`, input[key]);
  }
  const o = { ...MASK_TRAIN_DEFAULTS, ...stripUndefined(input) } as Record<string, unknown>;
  return {
    include: patterns(o.include, `${field}.include`),
    exclude: patterns(o.exclude, `${field}.exclude`),
    initScore: requireNumber(o.initScore, `${field}.initScore`, -10, 10),
    learningRate: requireNumber(o.learningRate, `${field}.learningRate`, 1e-10, 10),
    lambda: requireNumber(o.lambda, `${field}.lambda`, 0, 1e6),
    penalty: requireOneOf(o.penalty, `${field}.penalty`, PENALTY_KINDS),
    betaMax: requireNumber(o.betaMax, `${field}.betaMax`, 1, 1e6),
    betaSchedule: requireOneOf(o.betaSchedule, `${field}.betaSchedule`, BETA_SCHEDULES),
    epochs: requireInt(o.epochs, `${field}.epochs`, 1, 1e6),
    batchSize: requireInt(o.batchSize, `${field}.batchSize`, 0),
    maxSteps: requireInt(o.maxSteps, `${field}.maxSteps`, 0),
    seed: requireInt(o.seed, `${field}.seed`, 0),
    beta1: requireNumber(o.beta1, `${field}.beta1`, 0, 0.999999),
    beta2: requireNumber(o.beta2, `${field}.beta2`, 0, 0.999999),
    epsilon: requireNumber(o.epsilon, `${field}.epsilon`, 0, 1),
    allowUnmaskable: requireBoolean(o.allowUnmaskable, `${field}.allowUnmaskable`),
  };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function patterns(value: unknown, field: string): NamePattern[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' || value instanceof RegExp ? [value] : value;
  if (!Array.isArray(list)) throw new ConfigError(field, 'a name pattern (glob string or RegExp) or a list of them', value);
  return list.map((p, i) => {
    if (typeof p === 'string' && p.length > 0) return p;
    if (p instanceof RegExp) return p;
    throw new ConfigError(`${field}[${i}]`, 'a glob string or a RegExp', p);
  });
}

/**
 * β for a schedule position: β_max^(u / U), where u counts completed schedule units (epochs or steps) and U is
 * the number of units in the run. So the first unit trains at β = 1 and β reaches β_max as the run ends — the
 * paper multiplies β by β_max^(1/E) after every epoch, E = 90 epochs.
 */
export function betaAt(unit: number, units: number, betaMax: number): number {
  if (units <= 0) return betaMax;
  return Math.pow(betaMax, Math.min(Math.max(unit, 0), units) / units);
}

/** The β used at each training step (0-based) of a run of `totalSteps` with `stepsPerEpoch`. */
export function betaSchedule(config: Pick<MaskTrainConfig, 'betaMax' | 'betaSchedule'>, totalSteps: number, stepsPerEpoch: number): (step: number) => number {
  if (config.betaSchedule === 'step') return (step) => betaAt(step, totalSteps, config.betaMax);
  const epochs = Math.ceil(totalSteps / Math.max(1, stepsPerEpoch));
  return (step) => betaAt(Math.floor(step / Math.max(1, stepsPerEpoch)), epochs, config.betaMax);
}
