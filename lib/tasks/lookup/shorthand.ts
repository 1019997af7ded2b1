/**
 * The lookup task's shorthand in a job's task section: {kind: 'lookup', sample | splitSeed, encoding, regime} names
 * the data instead of spelling out tables and splits. Its fields are checked here, before anything is read.
 */
import { ConfigError } from '../../util/errors';
import { requireInt, requireOneOf, requireString } from '../../util/validate';
import { LOOKUP_ENCODINGS } from './encoding';
import { LOOKUP_REGIMES } from './spec';

export const LOOKUP_SHORTHAND_FIELDS = ['kind', 'sample', 'splitSeed', 'encoding', 'regime'];

/** True for the lookup shorthand (a lookup section without explicit tables). */
export function isLookupShorthand(section: Record<string, unknown>): boolean {
  return (section.kind ?? 'lookup') === 'lookup' && !('tables' in section);
}

/** Validates a lookup shorthand section; every problem is a ConfigError naming the field. */
export function validateLookupShorthand(o: Record<string, unknown>, field = 'task'): void {
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
