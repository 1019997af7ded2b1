/**
 * The search's results store: the run folder's checksummed append-only store (lib/experiments/store.ts), one row
 * per trained model, keyed by `row.key` ((initSeed, dataSeed, regime)). Stores written before checksums existed
 * hold rows starting `{"v":`, which still load.
 */
import { readRowStore, RowSchema, RowStore, StoreReadReport as RowStoreReport } from '../experiments/store';
import { SearchRow } from './types';

export { formatStoreLine } from '../experiments/store';
export type StoreReadReport = RowStoreReport<SearchRow>;

export const SEARCH_ROW_SCHEMA: RowSchema<SearchRow> = {
  what: 'results row',
  keyOf: (row) => row.key,
  // zeroShot is null when it was not finite (JSON has no NaN).
  isRow: (v): v is SearchRow => {
    const row = v as SearchRow;
    return typeof row === 'object' && row !== null && typeof row.key === 'string' && (typeof row.zeroShot === 'number' || row.zeroShot === null);
  },
  legacyPrefix: '{"v":',
};

/** Reads a search store without changing it. A missing file is an empty store. */
export function readStoreFile(file: string): StoreReadReport {
  return readRowStore(file, SEARCH_ROW_SCHEMA);
}

export type ResultsStore = RowStore<SearchRow>;
export const ResultsStore = {
  /** Opens (creating folders and the file) for appending; a torn last line is truncated away first. */
  open: (file: string): ResultsStore => RowStore.openStore(file, SEARCH_ROW_SCHEMA),
};
