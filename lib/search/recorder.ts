/**
 * The coordinator's side of a search: records outcomes exactly once (stores keyed by row key), keeps the
 * checkpoints retention asks for, and keeps `<out>/checkpoints/index.json` true. Only one process records into an
 * out dir at a time (lock.ts).
 *
 * Order of effects for one outcome, chosen so that a crash (SIGKILL included) between any two steps is harmless:
 *   1. a key already stored → nothing (a retried or duplicated result);
 *   2. if retention keeps it: write its checkpoint folder atomically;
 *   3. append the row (fsync) — from here on the model counts as done;
 *   4. delete checkpoints of models that dropped out of every category; rewrite index.json atomically.
 * A crash before 3 leaves at most an orphan checkpoint (its model is retrained, identically, and the folder is
 * overwritten); a crash after 3 leaves at most stale folders. Opening the recorder rebuilds retention from the
 * stored rows and reconciles the checkpoints folder with it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { saveCheckpoint } from '../io/checkpoint';
import { rnnParamSpecs } from '../models/rnn';
import { writeFileAtomic } from '../util/atomic';
import { SearchConfig, searchModelConfig, searchTask } from './config';
import { Retention, RetentionCategory } from './retention';
import { ResultsStore } from './store';
import { MemberOutcome, SearchJob, SearchRow, SearchVariant } from './types';

export const RESULTS_FILE = 'results.jsonl';
export const CHECKPOINTS_DIR = 'checkpoints';
export const CHECKPOINT_INDEX = 'index.json';

export function storeFile(out: string, variant: SearchVariant): string {
  return variant === 'haystack' ? path.join(out, RESULTS_FILE) : path.join(out, 'baselines', `${variant}.jsonl`);
}

export function checkpointDir(out: string, key: string): string {
  return path.join(out, CHECKPOINTS_DIR, key);
}

function allFinite(weights: Record<string, Float32Array>): boolean {
  for (const w of Object.values(weights)) for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i])) return false;
  return true;
}

export type RecordResult = 'recorded' | 'duplicate';

export interface CheckpointIndex {
  searchId: string;
  settings: SearchConfig['retention'];
  /** regime → category → kept models, best rank first. */
  regimes: Record<string, Record<RetentionCategory, { key: string; zeroShot: number; trainExactMatch: number; dir: string }[]>>;
  /** Kept models whose checkpoint is missing (only if retention settings were changed by hand). */
  missing: string[];
}

export class SearchRecorder {
  readonly stores: Record<SearchVariant, ResultsStore>;
  readonly retention: Retention;
  private readonly missing = new Set<string>();
  private listeners: ((outcome: MemberOutcome) => void)[] = [];

  constructor(readonly out: string, readonly config: SearchConfig, readonly searchId: string, private readonly log: (line: string) => void = () => {}) {
    this.stores = {
      haystack: ResultsStore.open(storeFile(out, 'haystack')),
      'random-task-codes': ResultsStore.open(storeFile(out, 'random-task-codes')),
    };
    for (const [variant, store] of Object.entries(this.stores)) {
      if (store.opened.tornTail) log(`note: ${store.file} ended in a torn row (an interrupted write); it was dropped and that model will be retrained`);
      if (store.opened.duplicates) log(`note: ${store.file} holds ${store.opened.duplicates} duplicate ${variant} rows; the first of each key counts`);
    }
    this.retention = new Retention(config.retention);
    for (const row of this.stores.haystack.rows()) this.retention.add(row);
    this.reconcile();
  }

  has(job: SearchJob): boolean {
    return this.stores[job.variant].has(job.key);
  }

  rows(variant: SearchVariant = 'haystack'): readonly SearchRow[] {
    return this.stores[variant].rows();
  }

  onRecorded(listener: (outcome: MemberOutcome) => void): void {
    this.listeners.push(listener);
  }

  /** Records one outcome exactly once (see the order of effects above). */
  record(outcome: MemberOutcome): RecordResult {
    const { job, row } = outcome;
    const store = this.stores[job.variant];
    if (store.has(row.key)) return 'duplicate';
    let evicted: string[] = [];
    let kept = false;
    if (job.variant === 'haystack') {
      const decision = this.retention.add(row);
      evicted = decision.evicted;
      kept = decision.keep.length > 0;
      if (kept) {
        const problem = !outcome.weights ? 'its weights did not arrive' : !allFinite(outcome.weights) ? 'its weights are not finite' : undefined;
        if (!problem) this.saveCheckpoint(outcome);
        else {
          this.missing.add(row.key);
          this.log(`warning: ${row.key} should keep a checkpoint but ${problem}`);
        }
      }
    }
    store.append(row);
    if (job.variant === 'haystack') {
      for (const key of evicted) this.removeCheckpoint(key);
      if (kept || evicted.length) this.writeIndex();
    }
    for (const l of this.listeners) l(outcome);
    return 'recorded';
  }

  private saveCheckpoint({ job, row, weights }: MemberOutcome): void {
    const task = searchTask(this.config, job.variant, job.regime);
    const model = searchModelConfig(this.config, task);
    const tensors: Record<string, tf.Tensor> = {};
    try {
      for (const spec of rnnParamSpecs(model)) tensors[spec.name] = tf.tensor(weights![spec.name], spec.shape, 'float32');
      saveCheckpoint(checkpointDir(this.out, row.key), {
        weights: tensors,
        meta: {
          model,
          task: task.spec,
          seeds: { init: row.initSeed, dataOrder: row.dataSeed },
          training: {
            ...this.config.training,
            dataSeed: row.dataSeed,
            trainer: row.trainer,
            steps: row.train.steps,
            stoppedBecause: row.train.stoppedBecause,
            trainExactMatch: row.train.trainExactMatch,
          },
          extra: { search: { searchId: this.searchId, key: row.key, regime: row.regime, zeroShot: row.zeroShot, splits: row.splits } },
        },
      });
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  private removeCheckpoint(key: string): void {
    fs.rmSync(checkpointDir(this.out, key), { recursive: true, force: true });
    this.missing.delete(key);
  }

  /** Deletes checkpoint folders of models not (or no longer) kept, notes kept models without one, rewrites the index. */
  private reconcile(): void {
    const dir = path.join(this.out, CHECKPOINTS_DIR);
    const kept = new Set(this.retention.keptKeys());
    if (fs.existsSync(dir)) {
      for (const name of fs.readdirSync(dir)) {
        if (name === CHECKPOINT_INDEX) continue;
        // Orphans: evicted but not yet deleted, written just before a crash, or temp folders of an interrupted write.
        if (!kept.has(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      }
    }
    for (const key of kept) if (!fs.existsSync(checkpointDir(this.out, key))) this.missing.add(key);
    if (this.missing.size) this.log(`warning: ${this.missing.size} kept models have no checkpoint (were the retention settings changed?)`);
    if (kept.size || fs.existsSync(dir)) this.writeIndex();
  }

  index(): CheckpointIndex {
    const regimes: CheckpointIndex['regimes'] = {};
    const stored = this.stores.haystack;
    for (const [regime, lists] of Object.entries(this.retention.ranked())) {
      const entry = (key: string) => {
        const row = stored.get(key);
        return { key, zeroShot: row?.zeroShot ?? NaN, trainExactMatch: row?.train.trainExactMatch ?? NaN, dir: path.join(CHECKPOINTS_DIR, key) };
      };
      regimes[regime] = { best: lists.best.map(entry), worst: lists.worst.map(entry), random: lists.random.map(entry) };
    }
    return { searchId: this.searchId, settings: this.config.retention, regimes, missing: [...this.missing] };
  }

  private writeIndex(): void {
    writeFileAtomic(path.join(this.out, CHECKPOINTS_DIR, CHECKPOINT_INDEX), JSON.stringify(this.index(), null, 1) + '\n');
  }

  close(): void {
    for (const store of Object.values(this.stores)) store.close();
  }
}
