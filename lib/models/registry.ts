/**
 * Architectures by name. A checkpoint's `model.arch` selects the entry; adding an architecture is one entry here.
 */
import { ConfigError } from '../util/errors';
import { requireObject } from '../util/validate';
import { MlpModel, validateMlpConfig } from './mlp';
import { RnnModel, validateRnnConfig } from './rnn';
import { createTransformer, validateTransformerConfig } from './transformer';
import { AnyModel } from './types';

export interface ArchitectureEntry {
  /** Validates a JSON config (throws ConfigError naming the field). */
  validate(json: unknown, field: string): { arch: string };
  /** Builds a model with seeded initial weights. */
  create(config: unknown, seed: number): AnyModel;
}

const architectures = new Map<string, ArchitectureEntry>();

export function registerArchitecture(arch: string, entry: ArchitectureEntry): void {
  architectures.set(arch, entry);
}

export function architectureNames(): string[] {
  return [...architectures.keys()];
}

function entryFor(json: unknown, field: string): ArchitectureEntry {
  const arch = requireObject(json, field).arch;
  const entry = typeof arch === 'string' ? architectures.get(arch) : undefined;
  if (!entry) throw new ConfigError(`${field}.arch`, `one of ${architectureNames().map((a) => JSON.stringify(a)).join(', ')}`, arch);
  return entry;
}

export function validateModelConfig(json: unknown, field = 'model'): { arch: string } {
  return entryFor(json, field).validate(json, field);
}

export function createModel(config: unknown, seed: number, field = 'model'): AnyModel {
  const entry = entryFor(config, field);
  return entry.create(entry.validate(config, field), seed);
}

registerArchitecture('rnn', {
  validate: (json, field) => validateRnnConfig(json, field),
  create: (config, seed) => new RnnModel(config as ReturnType<typeof validateRnnConfig>, seed),
});

registerArchitecture('transformer', {
  validate: (json, field) => validateTransformerConfig(json, field),
  create: (config, seed) => createTransformer(config as ReturnType<typeof validateTransformerConfig>, seed),
});

registerArchitecture('mlp', {
  validate: (json, field) => validateMlpConfig(json, field),
  create: (config, seed) => new MlpModel(config as ReturnType<typeof validateMlpConfig>, seed),
});
