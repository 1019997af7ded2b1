/**
 * Verdict validation as an experiment a notebook can call: train a population of unsupervised GRUs (the haystack)
 * and optionally some with auxiliary state supervision, judge each from internal evidence only, and summarise how
 * well the verdict predicts zero-shot generalization (./validation.ts). It lives in probes/ because it needs the
 * verdict (lib never imports probes). Rows go to a run folder (lib/experiments/run-dir.ts), one checksummed row
 * per judged model, so a killed run re-judges at most the models of its unfinished chunk; a folder written before
 * run folders (rows.jsonl only) resumes from its rows.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendHeader, initBackend } from '../../lib/backend';
import { LegacyRun, RunFolder } from '../../lib/experiments/run-dir';
import { RowSchema } from '../../lib/experiments/store';
import { RnnModel } from '../../lib/models/rnn';
import { populationModelConfig, trainPopulation } from '../../lib/train/population';
import { LookupTask, lookupTaskFromSample } from '../../lib/tasks/lookup';
import { TRAIN_DEFAULTS } from '../../lib/train/config';
import { trainSequenceModel } from '../../lib/train/sequence';
import { writeFileAtomic } from '../../lib/util/atomic';
import { FileFormatError } from '../../lib/util/errors';
import { Progress } from '../../lib/util/progress';
import { lookupVerdict } from './lookup';
import { summarizeValidation, ValidationRow, ValidationSummary } from './validation';

const LEGACY_ROWS_FILE = 'rows.jsonl';
export const VALIDATION_SUMMARY_FILE = 'summary.json';
/** Supervised models take init seeds from here on, so they never collide with haystack seeds. */
export const VALIDATION_SUPERVISED_SEED_BASE = 100000;
/** Auxiliary-loss weights the supervised models cycle through. */
export const VALIDATION_AUX_WEIGHTS = [0.3, 1, 3, 10];

export interface VerdictValidationOptions {
  /** Lookup-table sample (a name such as sample1, or a folder). */
  data: string;
  /** Init seeds of the haystack models (data-order seed = init seed). */
  seeds: number[];
  /** GRU hidden size (default 64). */
  hidden?: number;
  /** A model "generalizes" when its zero-shot exact match is above this (default 0.8). */
  threshold?: number;
  /** Also train this many models with auxiliary state supervision (default 0). */
  supervised?: number;
  /** Models per population call; rows are recorded as each is judged (default 32). */
  chunk?: number;
  out: string;
  /** Forget the rows already recorded in `out` and start over. */
  fresh?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface VerdictValidationResult {
  /** Rows in seed order: haystack seeds, then supervised seeds. */
  rows: ValidationRow[];
  all: ValidationSummary;
  unsupervised: ValidationSummary;
  supervisedModels: number;
}

const VALIDATION_ROW: RowSchema<ValidationRow> = {
  what: 'validation row',
  keyOf: (row) => String(row.initSeed),
  isRow: (v): v is ValidationRow => typeof v === 'object' && v !== null && Number.isInteger((v as ValidationRow).initSeed),
};

export async function runVerdictValidation(o: VerdictValidationOptions): Promise<VerdictValidationResult> {
  await initBackend();
  const hidden = o.hidden ?? 64;
  const threshold = o.threshold ?? 0.8;
  const chunk = o.chunk ?? 32;
  const task = lookupTaskFromSample(o.data);
  const run = RunFolder.open({ dir: o.out, kind: 'verdict-validation', settings: { data: o.data, hidden }, schema: VALIDATION_ROW, fresh: o.fresh, legacy: legacyValidation });
  try {
    const supervisedSeeds = Array.from({ length: o.supervised ?? 0 }, (_, i) => VALIDATION_SUPERVISED_SEED_BASE + i);
    o.log?.(`validate-verdict · ${backendHeader()} · ${o.seeds.length + supervisedSeeds.length} models (${run.store.size} already judged) · out ${o.out}`);
    const config = { cell: 'gru' as const, hiddenSize: hidden, embedSize: 16, learningRate: TRAIN_DEFAULTS.learningRate, batchSize: TRAIN_DEFAULTS.batchSize, maxSteps: TRAIN_DEFAULTS.maxSteps, evalEvery: TRAIN_DEFAULTS.evalEvery, stopAtTrainAccuracy: 1 };
    const modelConfig = populationModelConfig(task, config);
    const progress = new Progress({ total: o.seeds.length + supervisedSeeds.length, label: 'validate-verdict', quiet: o.quiet });
    const todo = o.seeds.filter((s) => !run.store.has(String(s)));
    for (let i = 0; i < todo.length; i += chunk) {
      const members = todo.slice(i, i + chunk).map((s) => ({ initSeed: s, dataSeed: s }));
      // Verdicts run after the population call returns: the population trainer owns the wasm heap while it runs.
      const trained = await trainPopulation(task, members, config);
      for (const member of trained.members) {
        const model = new RnnModel(modelConfig, member.initSeed);
        try {
          for (const [name, values] of Object.entries(member.weights)) {
            const t = tf.tensor(values, model.params[name].shape);
            model.params[name].assign(t);
            t.dispose();
          }
          run.store.append(judgeRow(model, task, member.initSeed, member.dataSeed, 0));
        } finally {
          model.dispose();
        }
        progress.update(run.store.size, `last seed ${member.initSeed}`);
      }
    }
    for (const seed of supervisedSeeds.filter((s) => !run.store.has(String(s)))) {
      const auxWeight = VALIDATION_AUX_WEIGHTS[(seed - VALIDATION_SUPERVISED_SEED_BASE) % VALIDATION_AUX_WEIGHTS.length];
      const model = new RnnModel(modelConfig, seed);
      try {
        await trainSequenceModel(model, task, { auxWeight, auxTarget: 'codes', maxSteps: 3000, stopAtTrainAccuracy: 2, dataSeed: seed }, { auxSeed: seed });
        run.store.append(judgeRow(model, task, seed, seed, auxWeight));
      } finally {
        model.dispose();
      }
      progress.update(run.store.size, `supervised seed ${seed} (aux ${auxWeight})`);
    }
    progress.finish();
    const rows = [...o.seeds, ...supervisedSeeds].map((s) => run.store.get(String(s))).filter((r): r is ValidationRow => r !== undefined);
    const result = { rows, all: summarizeValidation(rows, threshold), unsupervised: summarizeValidation(rows.filter((r) => !r.auxWeight), threshold), supervisedModels: supervisedSeeds.length };
    writeFileAtomic(path.join(o.out, VALIDATION_SUMMARY_FILE), JSON.stringify({ backend: backendHeader(), split: o.data, hidden, all: result.all, unsupervised: result.unsupervised }, null, 2));
    return result;
  } finally {
    run.close();
  }
}

/** One model's validation row: the verdict's score, label and evidence, and its zero-shot exact match. */
export function judgeRow(model: RnnModel, task: LookupTask, initSeed: number, dataSeed: number, auxWeight: number): ValidationRow {
  const verdict = lookupVerdict(model, task);
  return {
    initSeed,
    dataSeed,
    auxWeight,
    zeroShot: verdict.behaviour.exactMatch,
    score: verdict.score,
    label: verdict.label,
    evidence: Object.fromEntries(verdict.evidence.map((e) => [e.id, e.value])),
  };
}

/** A folder from before run folders: rows.jsonl, one unchecksummed row per line; only its last line may be torn. */
function legacyValidation(dir: string): LegacyRun<ValidationRow> | undefined {
  const file = path.join(dir, LEGACY_ROWS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const rows: ValidationRow[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    // Only the last line may be torn (a kill mid-append): that model is simply judged again. A bad line anywhere
    // else means the file was damaged, and skipping it would silently drop a judged model.
    const last = i >= lines.length - 2;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      row = undefined;
    }
    if (VALIDATION_ROW.isRow(row)) rows.push(row);
    else if (!last) throw new FileFormatError(`${file}:${i + 1}`, 'not a validation row (only the last line may be torn by a kill)');
  });
  return { file, rows };
}
