/**
 * The hyperteacher task family's serialisable spec (Redhardt et al. 2025, C.1.1): the spec plus its seed rebuild
 * the identical teacher, combination split and encoder. Defaults are the paper's `configs/teacher.py`.
 */
import { ConfigError } from '../../util/errors';
import { requireInt, requireNumber, requireObject, requireOneOf } from '../../util/validate';
import { countCombinations } from './combinations';

export const HT_WEIGHTS = ['discrete', 'khot', 'continuous'] as const;
/** How active modules are weighted: {0.5,…,1.0} uniformly / all 1 / simplex weights shifted into [0.5, 1]. */
export type HtWeights = (typeof HT_WEIGHTS)[number];
export const HT_ENCODINGS = ['identity', 'orthogonal', 'tokens', 'interval_shuffle', 'fewshot'] as const;
/** How the task latent z is shown to the student (C.2). */
export type HtEncoding = (typeof HT_ENCODINGS)[number];
export const HT_SUPPORTS = ['random', 'equal', 'disconnected', 'non_compositional'] as const;
/** Which module combinations are trained (C.3); the last two are coverage-violating controls. */
export type HtSupport = (typeof HT_SUPPORTS)[number];

export interface HyperteacherSpec {
  kind: 'hyperteacher';
  /** M: number of teacher modules. */
  modules: number;
  /** K: maximum number of active modules per task (supports have 1..K modules). */
  maxActive: number;
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  samplesPerTask: number;
  weights: HtWeights;
  encoding: HtEncoding;
  /** (x, y) examples in the 'fewshot' code. */
  shots: number;
  /** Fraction of all combinations held out for OOD evaluation ('random', 'equal'; 'disconnected' tops up to it). */
  fracOod: number;
  support: HtSupport;
  seed: number;
}

export const HYPERTEACHER_DEFAULTS: Omit<HyperteacherSpec, 'seed'> = {
  kind: 'hyperteacher',
  modules: 16,
  maxActive: 3,
  inputSize: 16,
  hiddenSize: 16,
  outputSize: 16,
  samplesPerTask: 16,
  weights: 'discrete',
  encoding: 'identity',
  shots: 50,
  fracOod: 0.25,
  support: 'random',
};

/** Enough for every sweep of the paper (M=32, K=7 has 4,514,872 combinations); combinations are uint32 bitmasks. */
export const MAX_COMBINATIONS = 5_000_000;
export const MAX_MODULES = 32;
/** 2^24 floats (64 MB): far above the papers' settings, far below what exhausts the wasm heap. */
export const MAX_TASK_FLOATS = 2 ** 24;

const FIELDS = [...Object.keys(HYPERTEACHER_DEFAULTS), 'seed'];

export function validateHyperteacherSpec(json: unknown, field = 'task'): HyperteacherSpec {
  const o = requireObject(json, field);
  for (const key of Object.keys(o)) {
    if (!FIELDS.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${FIELDS.join(', ')})`, o[key]);
  }
  const d = HYPERTEACHER_DEFAULTS;
  if (o.kind !== 'hyperteacher') throw new ConfigError(`${field}.kind`, '"hyperteacher"', o.kind);
  const modules = requireInt(o.modules ?? d.modules, `${field}.modules`, 2, MAX_MODULES);
  const maxActive = requireInt(o.maxActive ?? d.maxActive, `${field}.maxActive`, 1, modules);
  const total = countCombinations(modules, maxActive);
  if (total > MAX_COMBINATIONS) {
    throw new ConfigError(`${field}.maxActive`, `a value with at most ${MAX_COMBINATIONS} module combinations (this gives ${total})`, maxActive);
  }
  const spec: HyperteacherSpec = {
    kind: 'hyperteacher',
    modules,
    maxActive,
    inputSize: requireInt(o.inputSize ?? d.inputSize, `${field}.inputSize`, 1, 4096),
    hiddenSize: requireInt(o.hiddenSize ?? d.hiddenSize, `${field}.hiddenSize`, 1, 4096),
    outputSize: requireInt(o.outputSize ?? d.outputSize, `${field}.outputSize`, 1, 4096),
    // R² needs a per-task variance, so at least two samples.
    samplesPerTask: requireInt(o.samplesPerTask ?? d.samplesPerTask, `${field}.samplesPerTask`, 2, 100000),
    weights: requireOneOf(o.weights ?? d.weights, `${field}.weights`, HT_WEIGHTS),
    encoding: requireOneOf(o.encoding ?? d.encoding, `${field}.encoding`, HT_ENCODINGS),
    shots: requireInt(o.shots ?? d.shots, `${field}.shots`, 1, 10000),
    fracOod: requireNumber(o.fracOod ?? d.fracOod, `${field}.fracOod`, 0, 1),
    support: requireOneOf(o.support ?? d.support, `${field}.support`, HT_SUPPORTS),
    seed: requireInt(o.seed, `${field}.seed`, 0),
  };
  // Each field is in range on its own, but the products are what get allocated (teacher weights, one task's rows).
  const teacherWeights = spec.modules * spec.hiddenSize * (spec.inputSize + spec.outputSize);
  if (teacherWeights > MAX_TASK_FLOATS) {
    throw new ConfigError(`${field}.hiddenSize`, `a size with modules × hiddenSize × (inputSize + outputSize) <= ${MAX_TASK_FLOATS} teacher weights (this gives ${teacherWeights})`, spec.hiddenSize);
  }
  const rows = Math.max(spec.samplesPerTask, spec.shots) * (spec.inputSize + spec.outputSize);
  if (rows > MAX_TASK_FLOATS) {
    throw new ConfigError(`${field}.samplesPerTask`, `a count with max(samplesPerTask, shots) × (inputSize + outputSize) <= ${MAX_TASK_FLOATS} values per task (this gives ${rows})`, spec.samplesPerTask);
  }
  const held = Math.floor(total * spec.fracOod);
  if ((spec.support === 'random' || spec.support === 'equal') && (held < 1 || held >= total)) {
    throw new ConfigError(`${field}.fracOod`, `a fraction that holds out between 1 and ${total - 1} of the ${total} combinations`, spec.fracOod);
  }
  return spec;
}
