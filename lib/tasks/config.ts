/**
 * The task section of a job (a `--config` file, flags): either the lookup shorthand {kind: 'lookup', sample |
 * splitSeed, encoding, regime} or a full spec any registered task validates. Checked before anything is built or
 * written, so a misspelt or misplaced field is named instead of falling back to the default lookup task.
 */
import { ConfigError } from '../util/errors';
import { requireInt, requireObject, requireOneOf, requireString } from '../util/validate';
import { LOOKUP_ENCODINGS } from './lookup/encoding';
import { LOOKUP_REGIMES } from './lookup/spec';
import { taskKinds, validateTaskSpec } from './registry';

export const LOOKUP_SHORTHAND_FIELDS = ['kind', 'sample', 'splitSeed', 'encoding', 'regime'];

/** True for the lookup shorthand (a lookup section without explicit tables). */
export function isLookupShorthand(section: Record<string, unknown>): boolean {
  return (section.kind ?? 'lookup') === 'lookup' && !('tables' in section);
}

/** Validates a sequence job's task section (kind defaults to lookup): the lookup shorthand, or a full spec. */
export function validateTaskSection(json: unknown, field = 'task'): void {
  const o = requireObject(json, field);
  const kind = o.kind ?? 'lookup';
  requireOneOf(kind, `${field}.kind`, taskKinds());
  if (!isLookupShorthand(o)) {
    validateTaskSpec({ ...o, kind }, field);
    return;
  }
  for (const key of Object.keys(o)) {
    if (!LOOKUP_SHORTHAND_FIELDS.includes(key)) {
      throw new ConfigError(`${field}.${key}`, `no such field (known: ${LOOKUP_SHORTHAND_FIELDS.join(', ')}; or a full spec with bits, tables and split)`, o[key]);
    }
  }
  if (o.sample !== undefined) requireString(o.sample, `${field}.sample`);
  if (o.splitSeed !== undefined) requireInt(o.splitSeed, `${field}.splitSeed`, 0, 2 ** 32 - 1);
  if (o.sample !== undefined && o.splitSeed !== undefined) {
    throw new ConfigError(`${field}.splitSeed`, 'either sample or splitSeed, not both', o.splitSeed);
  }
  if (o.encoding !== undefined) requireOneOf(o.encoding, `${field}.encoding`, LOOKUP_ENCODINGS);
  if (o.regime !== undefined) requireOneOf(o.regime, `${field}.regime`, LOOKUP_REGIMES);
}
