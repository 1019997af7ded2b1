/**
 * The task section of a job (a `--config` file, flags): a family's shorthand (the lookup's {kind: 'lookup', sample |
 * splitSeed, encoding, regime}) or a full spec any registered task validates. Checked before anything is built or
 * written, so a misspelt or misplaced field is named instead of falling back to the default lookup task.
 */
import { requireObject, requireOneOf } from '../util/validate';
import { taskEntry, taskKinds, validateTaskSpec } from './registry';

export { isLookupShorthand, LOOKUP_SHORTHAND_FIELDS } from './lookup/shorthand';

/** Validates a sequence job's task section (kind defaults to lookup): the family's shorthand, or a full spec. */
export function validateTaskSection(json: unknown, field = 'task'): void {
  const o = requireObject(json, field);
  const kind = requireOneOf(o.kind ?? 'lookup', `${field}.kind`, taskKinds());
  const shorthand = taskEntry(kind).shorthand;
  if (shorthand?.is(o)) shorthand.validate(o, field);
  else validateTaskSpec({ ...o, kind }, field);
}
