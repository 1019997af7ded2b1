/**
 * What the split names promise, checked on every sample folder and explicit split: a non-empty training split, no
 * row twice in one split, splits disjoint, and the zero-shot splits' compositions never trained. A split that breaks
 * these still trains, but every number measured on it (zero-shot accuracy above all) would silently mean something
 * else, so it is refused instead.
 *
 * The one exception is measured, not assumed: in all five public samples longer_compositions_seen and
 * longer_compositions_incremental share 184–196 rows (docs/tasks/lookup.md), so those two may overlap.
 */
import { compositionName, formatRowKey, LOOKUP_SPLIT_NAMES, LookupRow, LookupSplitName } from './rows';

const MAY_SHARE_ROWS: readonly (readonly [LookupSplitName, LookupSplitName])[] = [['longer_compositions_seen', 'longer_compositions_incremental']];

/** Splits whose compositions must never occur in train: the zero-shot sets. */
const NEVER_TRAINED: readonly LookupSplitName[] = ['heldout_compositions', 'heldout_tables', 'new_compositions'];

/** Where a row lives (`train.tsv:12`, `task.split.rows.train[11]`), or the split itself when `index` is undefined. */
export type Locate = (split: LookupSplitName, index?: number) => string;

export interface SplitViolation {
  /** The location to blame (from `locate`). */
  at: string;
  /** What was expected, naming the other location involved. */
  expected: string;
  /** The offending row or composition as text. */
  got: string;
}

/** The first broken invariant, or undefined when the splits keep every promise. */
export function findSplitViolation(
  splits: Partial<Record<LookupSplitName, readonly LookupRow[]>>,
  bits: number,
  locate: Locate,
): SplitViolation | undefined {
  if (!splits.train || splits.train.length === 0) {
    return { at: locate('train'), expected: 'at least one training row', got: 'none' };
  }
  const owner = new Map<string, { split: LookupSplitName; index: number }>();
  for (const split of LOOKUP_SPLIT_NAMES) {
    const rows = splits[split] ?? [];
    const inThisSplit = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const key = formatRowKey(rows[i], bits);
      const earlier = inThisSplit.get(key);
      if (earlier !== undefined) return { at: locate(split, i), expected: `each row once per split (already at ${locate(split, earlier)})`, got: key };
      inThisSplit.set(key, i);
      const other = owner.get(key);
      if (other && !mayShare(other.split, split)) {
        return { at: locate(split, i), expected: `a row in no other split (splits are disjoint; also at ${locate(other.split, other.index)})`, got: key };
      }
      if (!other) owner.set(key, { split, index: i });
    }
  }
  const trained = new Map<string, number>();
  splits.train.forEach((row, i) => {
    if (row.tables.length > 1 && !trained.has(compositionName(row.tables))) trained.set(compositionName(row.tables), i);
  });
  for (const split of NEVER_TRAINED) {
    const rows = splits[split] ?? [];
    for (let i = 0; i < rows.length; i++) {
      const at = trained.get(compositionName(rows[i].tables));
      if (at !== undefined) {
        return { at: locate(split, i), expected: `a composition never trained (${split} is a zero-shot set; ${locate('train', at)} trains it)`, got: compositionName(rows[i].tables) };
      }
    }
  }
  return undefined;
}

function mayShare(a: LookupSplitName, b: LookupSplitName): boolean {
  return MAY_SHARE_ROWS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}
