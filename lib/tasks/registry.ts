/**
 * Tasks by kind. A checkpoint's `task.kind` selects the entry, and `create(spec)` rebuilds exactly the data the
 * model was trained on. Adding a task family is one entry here.
 */
import { ConfigError } from '../util/errors';
import { requireObject } from '../util/validate';
import { createArithmeticTask, validateArithmeticSpec } from './arithmetic';
import { createLookupTask, lookupSpecFromSeed, lookupTaskFromSample, validateLookupSpec } from './lookup';
import { isLookupShorthand, validateLookupShorthand } from './lookup/shorthand';
import { createHyperteacher, validateHyperteacherSpec } from './hyperteacher';
import { createSubroutineTask, validateSubroutineSpec } from './subroutines';
import { isSequenceTask, SequenceTask, Task } from './types';

export interface TaskEntry {
  validate(json: unknown, field: string): { kind: string };
  create(spec: unknown): Task;
  /**
   * A job's task section that names its data instead of spelling the spec out (the lookup's {sample} or
   * {splitSeed}): whether a section is one, its field checks, and the task it describes.
   */
  shorthand?: {
    is(section: Record<string, unknown>): boolean;
    validate(section: Record<string, unknown>, field: string): void;
    create(section: Record<string, unknown>): Task;
  };
}

const tasks = new Map<string, TaskEntry>();

export function registerTask(kind: string, entry: TaskEntry): void {
  tasks.set(kind, entry);
}

/** The entry of a registered family (`kind` must be one of taskKinds()). */
export function taskEntry(kind: string): TaskEntry {
  return tasks.get(kind)!;
}

export function taskKinds(): string[] {
  return [...tasks.keys()];
}

function entryFor(json: unknown, field: string): TaskEntry {
  const kind = requireObject(json, field).kind;
  const entry = typeof kind === 'string' ? tasks.get(kind) : undefined;
  if (!entry) throw new ConfigError(`${field}.kind`, `one of ${taskKinds().map((k) => JSON.stringify(k)).join(', ')}`, kind);
  return entry;
}

export function validateTaskSpec(json: unknown, field = 'task'): { kind: string } {
  return entryFor(json, field).validate(json, field);
}

export function createTask(spec: unknown, field = 'task'): Task {
  const entry = entryFor(spec, field);
  return entry.create(entry.validate(spec, field));
}

/** The task of a job's task section: a family's shorthand (lookup: {sample} or {splitSeed}) or a full spec. */
export function taskFromSection(section: Record<string, unknown>, field = 'task'): Task {
  const shorthand = entryFor(section, field).shorthand;
  return shorthand?.is(section) ? shorthand.create(section) : createTask(section, field);
}

/** Like createTask, for callers that need token sequences (trainers, sequence instruments). */
export function createSequenceTask(spec: unknown, field = 'task'): SequenceTask {
  const task = createTask(spec, field);
  if (!isSequenceTask(task)) throw new ConfigError(`${field}.kind`, 'a sequence task (lookup, arithmetic)', (spec as { kind?: unknown }).kind);
  return task;
}

registerTask('lookup', {
  validate: (json, field) => validateLookupSpec(json, field),
  create: (spec) => createLookupTask(spec),
  shorthand: {
    is: isLookupShorthand,
    validate: validateLookupShorthand,
    create(section) {
      const options = { encoding: section.encoding as never, regime: section.regime as never };
      if (section.splitSeed !== undefined) return createLookupTask(lookupSpecFromSeed({ seed: section.splitSeed as number, ...options }));
      return lookupTaskFromSample(String(section.sample ?? 'sample1'), options);
    },
  },
});
registerTask('arithmetic', { validate: (json, field) => validateArithmeticSpec(json, field), create: (spec) => createArithmeticTask(spec as never) });
registerTask('hyperteacher', { validate: (json, field) => validateHyperteacherSpec(json, field), create: (spec) => createHyperteacher(spec as never) });
registerTask('subroutines', { validate: (json, field) => validateSubroutineSpec(json, field), create: (spec) => createSubroutineTask(spec as never) });
