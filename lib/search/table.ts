/**
 * Results as an arquero table, one row per model, for queries and notebooks:
 *
 *   const t = searchTable('runs/search-lookup-sample1-gru');
 *   t.filter((d) => d.zeroShot > 0.9).orderby(aq.desc('zeroShot')).print();
 *
 * Columns: key, variant, initSeed, dataSeed, regime, zeroShot, em_<split> and tok_<split> for every split, steps,
 * stoppedBecause, trainExactMatch, wallSeconds, stepsTo100, finalLoss, trainer, worker, finishedAt.
 */
import type * as Arquero from 'arquero';
import * as path from 'path';
import { storeFile } from './recorder';
import { readStoreFile } from './store';
import { SearchRow, SearchVariant } from './types';

export type FlatSearchRow = Record<string, string | number | null>;

export function flattenRow(row: SearchRow): FlatSearchRow {
  const flat: FlatSearchRow = {
    key: row.key,
    variant: row.variant,
    initSeed: row.initSeed,
    dataSeed: row.dataSeed,
    regime: row.regime,
    zeroShot: row.zeroShot,
  };
  for (const [name, m] of Object.entries(row.splits)) {
    flat[`em_${name}`] = m.em;
    flat[`tok_${name}`] = m.tok;
  }
  Object.assign(flat, {
    steps: row.train.steps,
    stoppedBecause: row.train.stoppedBecause,
    trainExactMatch: row.train.trainExactMatch,
    wallSeconds: row.train.wallSeconds,
    stepsTo100: row.train.curve?.stepsTo100 ?? null,
    finalLoss: row.train.curve?.finalLoss ?? null,
    trainer: row.trainer,
    worker: row.worker,
    finishedAt: row.finishedAt,
  });
  return flat;
}

/** Reads `<out>`'s store of `variant` (a torn last line is ignored) as an arquero table. */
export function searchTable(out: string, variant: SearchVariant = 'haystack'): ReturnType<typeof Arquero.from> {
  return rowsTable(readStoreFile(storeFile(path.resolve(out), variant)).rows);
}

export function rowsTable(rows: readonly SearchRow[]): ReturnType<typeof Arquero.from> {
  const aq = require('arquero') as typeof Arquero; // loaded on first use (the CLI imports this module for every command)
  return aq.from(rows.map(flattenRow));
}
