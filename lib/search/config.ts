/**
 * A search's configuration: everything that must be identical for two rows to be comparable (task data, model,
 * training, trainer, checkpoint retention, the random-task-codes control's code seed). It is saved as
 * `<out>/search.json` on the first run; a re-run must present the same configuration (its seed lists may differ:
 * they only add or skip jobs). Its hash is the search id that names queue jobs and Redis keys.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createLookupTask, LookupSpec, LookupRegime, lookupTaskFromSample, LookupEncoding } from '../tasks/lookup';
import { SequenceTask } from '../tasks/types';
import { RnnConfig, CellType, RnnLayout, validateRnnConfig } from '../models/rnn';
import { SequenceTrainConfig, TRAIN_DEFAULTS, validateTrainConfig } from '../train/config';
import { writeFileAtomic } from '../util/atomic';
import { ComplensError, FileFormatError } from '../util/errors';
import { RandomTaskCodesTask } from './baselines';
import { SearchVariant, ZERO_SHOT_SPLIT } from './types';

export const SEARCH_CONFIG_FILE = 'search.json';
export const SEARCH_CONFIG_FORMAT = 1;

export interface RetentionSettings {
  /** Checkpoints kept for the highest zero-shot models, per regime. */
  best: number;
  /** For the lowest zero-shot models among those that fit the training set (the memorizers), per regime. */
  worst: number;
  /** For a uniform random sample of all models (the `random` lowest values of a seeded hash of the row key), per regime. */
  random: number;
  sampleSeed: number;
}

export const RETENTION_DEFAULTS: RetentionSettings = { best: 20, worst: 20, random: 20, sampleSeed: 0 };

/** Model hyper-parameters; the vocabulary size comes from the task (it differs for the random-task-codes control). */
export type SearchModelSettings = Omit<RnnConfig, 'vocabSize'>;

export interface SearchConfig {
  format: number;
  task: {
    kind: 'lookup';
    /** The --split as given (a sample name or folder), for display only: `spec` is what defines the data. */
    source: string;
    /** The full task spec (tables and rows) with regime 'atomic+composed'; each job sets its own regime. */
    spec: LookupSpec;
  };
  model: SearchModelSettings;
  /** Training settings; `dataSeed` is unused here (every job has its own). */
  training: SequenceTrainConfig;
  /** Name of the search trainer (see trainer.ts). */
  trainer: string;
  retention: RetentionSettings;
  baselines: { codeSeed: number };
}

export interface SearchConfigInput {
  split: string;
  encoding?: LookupEncoding;
  cell?: CellType;
  layout?: RnnLayout;
  hiddenSize?: number;
  embedSize?: number;
  numLayers?: number;
  training?: Partial<SequenceTrainConfig>;
  trainer: string;
  retention?: Partial<RetentionSettings>;
  codeSeed?: number;
}

/** Builds and validates a config (reads the sample once to embed its tables and rows). */
export function buildSearchConfig(input: SearchConfigInput): SearchConfig {
  const base = lookupTaskFromSample(input.split, { encoding: input.encoding ?? 'final' });
  if (!base.splitNames().includes(ZERO_SHOT_SPLIT)) {
    throw new ComplensError(`split ${input.split}: it has no ${ZERO_SHOT_SPLIT} rows, so there is no zero-shot accuracy to search for`);
  }
  const model = validateRnnConfig({
    arch: 'rnn',
    cell: input.cell ?? 'gru',
    layout: input.layout ?? 'single',
    vocabSize: base.vocab.length,
    embedSize: input.embedSize ?? 16,
    hiddenSize: input.hiddenSize ?? 64,
    numLayers: input.numLayers ?? 1,
  });
  const { vocabSize: _unused, ...modelSettings } = model;
  const training = validateTrainConfig({ ...TRAIN_DEFAULTS, ...(input.training ?? {}), dataSeed: 0, auxWeight: 0 });
  const retention = { ...RETENTION_DEFAULTS, ...(input.retention ?? {}) };
  for (const k of ['best', 'worst', 'random', 'sampleSeed'] as const) {
    if (!Number.isInteger(retention[k]) || retention[k] < 0) throw new ComplensError(`retention.${k}: expected an integer >= 0, got ${retention[k]}`);
  }
  return {
    format: SEARCH_CONFIG_FORMAT,
    task: { kind: 'lookup', source: input.split, spec: base.spec },
    model: modelSettings,
    training,
    trainer: input.trainer,
    retention,
    baselines: { codeSeed: input.codeSeed ?? 0 },
  };
}

/** Stable JSON: object keys sorted, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 12 hex digits of the config's hash (the display-only `task.source` excluded). */
export function searchId(config: SearchConfig): string {
  const { task, ...rest } = config;
  const identity = { ...rest, task: { kind: task.kind, spec: task.spec } };
  return crypto.createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 12);
}

/** Which CLI flag sets a config field, for "use the same flags" errors. */
const FLAG_OF: Record<string, string> = {
  'task.spec.encoding': '--encoding',
  'model.cell': '--model',
  'model.layout': '--layout',
  'model.hiddenSize': '--width',
  'model.embedSize': '--embed',
  'model.numLayers': '--layers',
  'training.learningRate': '--lr',
  'training.batchSize': '--batch',
  'training.maxSteps': '--max-steps',
  'training.evalEvery': '--eval-every',
  'training.stopAtTrainAccuracy': '--stop-at',
  trainer: '--trainer',
  'retention.best': '--keep-best',
  'retention.worst': '--keep-worst',
  'retention.random': '--keep-random',
  'retention.sampleSeed': '--sample-seed',
  'baselines.codeSeed': '--code-seed',
};

/** The first path where two JSON values differ, e.g. "model.hiddenSize", or undefined. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (a === b) return undefined;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object';
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) return at || '(root)';
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  for (const k of keys) {
    const d = firstDifference(ao[k], bo[k], at ? `${at}.${k}` : k);
    if (d) return d;
  }
  return undefined;
}

function valueAt(o: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
}

/**
 * Saves the config on a fresh out dir, or checks it against the saved one. A mismatch is a ComplensError naming
 * the field and its flag: mixing settings in one store would make its rows incomparable.
 */
export function saveOrCheckSearchConfig(out: string, config: SearchConfig): { id: string; created: boolean } {
  const file = path.join(out, SEARCH_CONFIG_FILE);
  const id = searchId(config);
  if (!fs.existsSync(file)) {
    writeFileAtomic(file, JSON.stringify({ ...config, id }, null, 1) + '\n');
    return { id, created: true };
  }
  const saved = readSearchConfig(out);
  if (searchId(saved) !== id) {
    const field = firstDifference(comparable(saved), comparable(config)) ?? '(unknown)';
    const flag = FLAG_OF[field] ?? (field.startsWith('task.spec') ? '--data (the sample data changed)' : undefined);
    const was = JSON.stringify(valueAt(saved, field)) ?? 'nothing';
    const now = JSON.stringify(valueAt(config, field)) ?? 'nothing';
    const shown = (s: string) => (s.length > 40 ? s.slice(0, 37) + '...' : s);
    throw new ComplensError(
      `${out} holds a search with other settings: ${field}${flag ? ` (${flag})` : ''} is ${shown(was)} there and ${shown(now)} here; ` +
        `re-run with the same settings to continue it, or pass another --out`,
    );
  }
  return { id, created: false };
}

function comparable(config: SearchConfig): unknown {
  const { task, ...rest } = config;
  return { ...rest, task: { kind: task.kind, spec: task.spec } };
}

export function readSearchConfig(out: string): SearchConfig {
  const file = path.join(out, SEARCH_CONFIG_FILE);
  if (!fs.existsSync(file)) throw new FileFormatError(file, 'missing: this folder holds no search (run `complens search` first)');
  let json: SearchConfig & { id?: string };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (json.format !== SEARCH_CONFIG_FORMAT) throw new FileFormatError(file, `format ${json.format} is not supported (expected ${SEARCH_CONFIG_FORMAT})`);
  delete json.id;
  return json;
}

/** The task of one variant and regime (cached: tasks encode their splits once). */
const taskCache = new Map<string, SequenceTask>();

export function searchTask(config: SearchConfig, variant: SearchVariant, regime: LookupRegime): SequenceTask {
  const cacheKey = `${searchId(config)}/${variant}/${regime}`;
  let task = taskCache.get(cacheKey);
  if (!task) {
    const base = createLookupTask({ ...config.task.spec, regime });
    task = variant === 'haystack' ? base : new RandomTaskCodesTask(base, config.baselines.codeSeed);
    if (taskCache.size > 16) taskCache.clear();
    taskCache.set(cacheKey, task);
  }
  return task;
}

/** The full model config for a task (its vocabulary size filled in). */
export function searchModelConfig(config: SearchConfig, task: SequenceTask): RnnConfig {
  return validateRnnConfig({ ...config.model, vocabSize: task.vocab.length });
}
