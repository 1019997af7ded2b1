/**
 * The search summary: per regime, the zero-shot distribution (mean, quantiles, share of models above 80% and 90%),
 * per-split means, training cost and a memory check; the baselines on the same split; and a side-by-side with the
 * numbers the paper digest reports (seeds-A §A.6/§A.7). Written as summary.json, summary.md and a histogram
 * (vega-lite spec + SVG rendered with vega). Needs no tfjs: it reads the stores and the saved config.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as VegaLite from 'vega-lite';
import { createLookupTask, LOOKUP_REGIMES, LookupTask } from '../tasks/lookup';
import { writeFileAtomic } from '../util/atomic';
import { ChanceBaseline, chanceBaselines } from './baselines';
import { readSearchConfig, SearchConfig, searchId } from './config';
import { CHECKPOINT_INDEX, CHECKPOINTS_DIR, CheckpointIndex, storeFile } from './recorder';
import { readStoreFile } from './store';
import { SearchRow, ZERO_SHOT_SPLIT } from './types';
import { meanSd } from '../util/stats';

export const SUMMARY_JSON = 'summary.json';
export const SUMMARY_MD = 'summary.md';
export const HISTOGRAM_SPEC = 'zero-shot-histogram.vl.json';
export const HISTOGRAM_SVG = 'zero-shot-histogram.svg';
export const PLAN_FILE = 'plan.json';

/** The digest's numbers (seeds-A §A.6, §A.7; tag [DIGEST], not checkable against the paper's text). */
export const PAPER_REFERENCE = {
  meanZeroShot: 0.196,
  shareAbove80: 0.02,
  shareAbove90: 0.0075,
  composedOnlyShareAbove90: 0.055,
  randomOutput: 0.0,
  randomWellformed: 0.0001,
  randomTaskCodes: 0.0456,
  models: 50_000,
} as const;

export interface Distribution {
  mean: number;
  std: number;
  min: number;
  q10: number;
  median: number;
  q90: number;
  max: number;
}

export interface RegimeSummary {
  regime: string;
  models: number;
  /** Share of models whose training stopped because they fit the training set. */
  shareFitTrain: number;
  zeroShot: Distribution;
  countAbove80: number;
  countAbove90: number;
  shareAbove80: number;
  shareAbove90: number;
  /** Share strictly above the random-wellformed chance level. */
  shareAboveChance: number;
  /** Mean exact match and token accuracy per split. */
  splits: Record<string, { em: number; tok: number; n: number }>;
  training: { meanSteps: number; medianSteps: number; meanWallSeconds: number; totalWallHours: number };
  top: { key: string; zeroShot: number }[];
}

export interface ControlSummary {
  regime: string;
  models: number;
  meanZeroShot: number;
  shareAbove80: number;
  shareAbove90: number;
  shareFitTrain: number;
}

export interface PaperComparisonRow {
  quantity: string;
  /** Fractions (0..1); null when this search has no value for it. */
  paper: number;
  ours: number | null;
  note: string;
}

export interface SearchSummary {
  searchId: string;
  generated: string;
  source: string;
  trainer: string;
  model: SearchConfig['model'];
  training: { learningRate: number; batchSize: number; maxSteps: number; evalEvery: number; stopAtTrainAccuracy: number };
  planned: number | null;
  recorded: number;
  zeroShotSplit: string;
  regimes: RegimeSummary[];
  baselines: {
    split: string;
    randomOutput: ChanceBaseline;
    randomWellformed: ChanceBaseline;
    /** Trained controls (reading 1 of §A.7), per regime; empty when none were trained. */
    randomTaskCodes: ControlSummary[];
  };
  paper: PaperComparisonRow[];
  checkpoints: { best: number; worst: number; random: number; missing: number; index: string } | null;
  /** numTensors per (worker, variant) over the rows it trained; flat = never above its first value and back to it at the end. */
  memory: { workers: { worker: string; rows: number; firstNumTensors: number; maxNumTensors: number; lastNumTensors: number }[]; flat: boolean };
  files: { json: string; markdown: string; histogramSpec: string; histogramSvg: string };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function distribution(values: number[]): Distribution {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  const { mean, sd: std } = meanSd(sorted);
  return { mean, std, min: sorted[0] ?? NaN, q10: quantile(sorted, 0.1), median: quantile(sorted, 0.5), q90: quantile(sorted, 0.9), max: sorted[n - 1] ?? NaN };
}

const share = (rows: readonly SearchRow[], pred: (r: SearchRow) => boolean) => (rows.length ? rows.filter(pred).length / rows.length : NaN);

function regimeSummary(regime: string, rows: SearchRow[], chance: number): RegimeSummary {
  const splits: RegimeSummary['splits'] = {};
  for (const name of Object.keys(rows[0]?.splits ?? {})) {
    const with_ = rows.filter((r) => r.splits[name]);
    splits[name] = {
      em: with_.reduce((s, r) => s + r.splits[name].em, 0) / with_.length,
      tok: with_.reduce((s, r) => s + r.splits[name].tok, 0) / with_.length,
      n: with_[0].splits[name].n,
    };
  }
  const steps = distribution(rows.map((r) => r.train.steps));
  const wall = rows.reduce((s, r) => s + r.train.wallSeconds + (r.train.evalSeconds ?? 0), 0);
  return {
    regime,
    models: rows.length,
    shareFitTrain: share(rows, (r) => r.train.stoppedBecause === 'accuracy'),
    zeroShot: distribution(rows.map((r) => r.zeroShot)),
    countAbove80: rows.filter((r) => r.zeroShot > 0.8).length,
    countAbove90: rows.filter((r) => r.zeroShot > 0.9).length,
    shareAbove80: share(rows, (r) => r.zeroShot > 0.8),
    shareAbove90: share(rows, (r) => r.zeroShot > 0.9),
    shareAboveChance: share(rows, (r) => r.zeroShot > chance),
    splits,
    training: { meanSteps: steps.mean, medianSteps: steps.median, meanWallSeconds: wall / rows.length, totalWallHours: wall / 3600 },
    top: [...rows].sort((a, b) => b.zeroShot - a.zeroShot || a.key.localeCompare(b.key)).slice(0, 5).map((r) => ({ key: r.key, zeroShot: r.zeroShot })),
  };
}

function memoryCheck(rows: readonly SearchRow[]): SearchSummary['memory'] {
  const byWorker = new Map<string, number[]>();
  for (const r of rows) {
    if (typeof r.numTensors !== 'number') continue;
    // Per worker and variant: the two variants' evaluation models differ in size (vocabulary), so each has its own level.
    const group = `${r.worker} ${r.variant}`;
    let list = byWorker.get(group);
    if (!list) byWorker.set(group, (list = []));
    list.push(r.numTensors);
  }
  const workers = [...byWorker].map(([worker, counts]) => ({
    worker,
    rows: counts.length,
    firstNumTensors: counts[0],
    maxNumTensors: Math.max(...counts),
    lastNumTensors: counts[counts.length - 1],
  }));
  return { workers, flat: workers.every((w) => w.maxNumTensors === w.firstNumTensors && w.lastNumTensors === w.firstNumTensors) };
}

function readPlanned(out: string): number | null {
  try {
    const plan = JSON.parse(fs.readFileSync(path.join(out, PLAN_FILE), 'utf8')) as { models?: number };
    return typeof plan.models === 'number' ? plan.models : null;
  } catch {
    return null;
  }
}

/** Computes the summary of the search in `out` from its stores (nothing is written). */
export function summarizeSearch(out: string, options: { chanceDraws?: number } = {}): SearchSummary {
  const config = readSearchConfig(out);
  const rows = readStoreFile(storeFile(out, 'haystack')).rows;
  const controls = readStoreFile(storeFile(out, 'random-task-codes')).rows;
  const task: LookupTask = createLookupTask({ ...config.task.spec, regime: 'atomic+composed' });
  const chance = chanceBaselines(task, { split: ZERO_SHOT_SPLIT, draws: options.chanceDraws ?? 200_000, seed: 0 });
  const chanceLevel = chance.randomWellformed.closedForm;

  const regimes: RegimeSummary[] = [];
  for (const regime of LOOKUP_REGIMES) {
    const these = rows.filter((r) => r.regime === regime);
    if (these.length) regimes.push(regimeSummary(regime, these, chanceLevel));
  }
  const randomTaskCodes: ControlSummary[] = [];
  for (const regime of LOOKUP_REGIMES) {
    const these = controls.filter((r) => r.regime === regime);
    if (!these.length) continue;
    randomTaskCodes.push({
      regime,
      models: these.length,
      meanZeroShot: these.reduce((s, r) => s + r.zeroShot, 0) / these.length,
      shareAbove80: share(these, (r) => r.zeroShot > 0.8),
      shareAbove90: share(these, (r) => r.zeroShot > 0.9),
      shareFitTrain: share(these, (r) => r.train.stoppedBecause === 'accuracy'),
    });
  }

  const ac = regimes.find((r) => r.regime === 'atomic+composed');
  const co = regimes.find((r) => r.regime === 'composed-only');
  const codes = randomTaskCodes.find((r) => r.regime === 'atomic+composed') ?? randomTaskCodes[0];
  const paper: PaperComparisonRow[] = [
    { quantity: 'mean zero-shot accuracy', paper: PAPER_REFERENCE.meanZeroShot, ours: ac?.zeroShot.mean ?? null, note: 'atomic+composed regime' },
    { quantity: 'share of models > 80%', paper: PAPER_REFERENCE.shareAbove80, ours: ac?.shareAbove80 ?? null, note: 'paper: "about 2%"' },
    { quantity: 'share of models > 90%', paper: PAPER_REFERENCE.shareAbove90, ours: ac?.shareAbove90 ?? null, note: '' },
    {
      quantity: 'composed-only: share of models > 90%',
      paper: PAPER_REFERENCE.composedOnlyShareAbove90,
      ours: co?.shareAbove90 ?? null,
      note: 'reading of the digest\'s 5.5% (see docs/search.md); run with --regime composed-only',
    },
    { quantity: 'random-output baseline', paper: PAPER_REFERENCE.randomOutput, ours: chance.randomOutput.closedForm, note: 'closed form, exact match' },
    {
      quantity: 'random-wellformed-output baseline',
      paper: PAPER_REFERENCE.randomWellformed,
      ours: chance.randomWellformed.closedForm,
      note: 'paper 0.01% vs 1/8 per answer here: the digest\'s metric must be stricter',
    },
    { quantity: 'random-task-codes baseline', paper: PAPER_REFERENCE.randomTaskCodes, ours: codes?.meanZeroShot ?? null, note: 'mean zero-shot of the trained control (reading 1)' },
  ];

  let checkpoints: SearchSummary['checkpoints'] = null;
  const indexFile = path.join(out, CHECKPOINTS_DIR, CHECKPOINT_INDEX);
  if (fs.existsSync(indexFile)) {
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as CheckpointIndex;
    const count = (c: 'best' | 'worst' | 'random') => Object.values(index.regimes).reduce((s, g) => s + g[c].length, 0);
    checkpoints = { best: count('best'), worst: count('worst'), random: count('random'), missing: index.missing.length, index: path.join(CHECKPOINTS_DIR, CHECKPOINT_INDEX) };
  }

  return {
    searchId: searchId(config),
    generated: new Date().toISOString(),
    source: config.task.source,
    trainer: config.trainer,
    model: config.model,
    training: {
      learningRate: config.training.learningRate,
      batchSize: config.training.batchSize,
      maxSteps: config.training.maxSteps,
      evalEvery: config.training.evalEvery,
      stopAtTrainAccuracy: config.training.stopAtTrainAccuracy,
    },
    planned: readPlanned(out),
    recorded: rows.length,
    zeroShotSplit: ZERO_SHOT_SPLIT,
    regimes,
    baselines: { split: ZERO_SHOT_SPLIT, randomOutput: chance.randomOutput, randomWellformed: chance.randomWellformed, randomTaskCodes },
    paper,
    checkpoints,
    memory: memoryCheck([...rows, ...controls]),
    files: { json: SUMMARY_JSON, markdown: SUMMARY_MD, histogramSpec: HISTOGRAM_SPEC, histogramSvg: HISTOGRAM_SVG },
  };
}

/** The zero-shot histogram as a vega-lite spec: overlaid bars per regime, with the chance level, the means and the paper's mean. */
export function histogramSpec(rows: readonly SearchRow[], summary: Pick<SearchSummary, 'regimes' | 'baselines'>): Record<string, unknown> {
  // Zero-shot values are multiples of 1/rows of the split; bins a whole number of those steps wide never split a
  // value's mass. Counts are binned here, so the spec stays small for 50k models (the data is the bins, not the rows).
  const splitRows = rows[0]?.splits[ZERO_SHOT_SPLIT]?.n ?? 64;
  const perBin = Math.max(1, Math.ceil(splitRows / 40));
  const binCount = Math.ceil(splitRows / perBin);
  const counts = new Map<string, number[]>();
  for (const r of rows) {
    if (!Number.isFinite(r.zeroShot)) continue;
    let c = counts.get(r.regime);
    if (!c) counts.set(r.regime, (c = new Array(binCount + 1).fill(0)));
    c[Math.min(binCount, Math.floor((Math.round(r.zeroShot * splitRows) + 1e-9) / perBin))]++;
  }
  const width = (100 * perBin) / splitRows;
  const values = [...counts].flatMap(([regime, c]) =>
    c.map((models, b) => ({ regime, from: b * width, to: Math.min(100, (b + 1) * width), models })).filter((v) => v.models > 0 && v.from <= 100),
  );
  const refs = [
    { label: `paper mean ${(PAPER_REFERENCE.meanZeroShot * 100).toFixed(2)}%`, value: PAPER_REFERENCE.meanZeroShot * 100, row: 0 },
    { label: `well-formed chance ${(summary.baselines.randomWellformed.closedForm * 100).toFixed(1)}%`, value: summary.baselines.randomWellformed.closedForm * 100, row: 1 },
    ...summary.regimes.map((r, i) => ({ label: `mean ${r.regime} ${(r.zeroShot.mean * 100).toFixed(2)}%`, value: r.zeroShot.mean * 100, row: 2 + i })),
  ];
  const n = rows.length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Zero-shot exact match on ${ZERO_SHOT_SPLIT}`, subtitle: `${n} model${n === 1 ? '' : 's'}, bins of ${perBin}/${splitRows}` },
    width: 560,
    height: 280,
    config: { font: 'DejaVu Sans', view: { stroke: null } },
    layer: [
      {
        data: { values },
        mark: { type: 'rect', tooltip: true, opacity: 0.6, stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'from',
            type: 'quantitative',
            title: 'zero-shot exact match (%)',
            scale: { domain: [0, 100] },
            axis: { values: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100] },
          },
          x2: { field: 'to' },
          y: { field: 'models', type: 'quantitative', title: 'models' },
          y2: { datum: 0 },
          color: { field: 'regime', type: 'nominal', title: 'regime', scale: { scheme: 'tableau10' } },
        },
      },
      {
        data: { values: refs },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 3], color: '#444' }, encoding: { x: { field: 'value', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#444' },
            encoding: { x: { field: 'value', type: 'quantitative' }, y: { field: 'row', type: 'quantitative', scale: { domain: [0, 12], reverse: true }, axis: null }, text: { field: 'label' } },
          },
        ],
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Rendered by the report module's renderer (offline loader, finalised views); loaded on first use because the CLI imports this module for every command. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { renderChartSvg } = require('../report/charts') as typeof import('../report/charts');
  return renderChartSvg(spec as never);
}

const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`);

export function formatSummaryMarkdown(s: SearchSummary): string {
  const lines: string[] = [];
  lines.push(`# Haystack search ${s.searchId}`, '');
  lines.push(
    `Task lookup (${s.source}), ${s.model.cell.toUpperCase()} ${s.model.layout} hidden ${s.model.hiddenSize} embed ${s.model.embedSize} layers ${s.model.numLayers}; ` +
      `trainer ${s.trainer}, lr ${s.training.learningRate}, batch ${s.training.batchSize}, max steps ${s.training.maxSteps}. ` +
      `${s.recorded} models recorded${s.planned !== null ? ` of ${s.planned} planned in the last run` : ''}. Zero-shot = exact match on ${s.zeroShotSplit}.`,
    '',
  );
  lines.push('## Zero-shot accuracy', '');
  lines.push('| regime | models | mean | median | q90 | max | > 80% | > 90% | > chance | fit train |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const r of s.regimes) {
    lines.push(
      `| ${r.regime} | ${r.models} | ${pct(r.zeroShot.mean)} | ${pct(r.zeroShot.median)} | ${pct(r.zeroShot.q90)} | ${pct(r.zeroShot.max)} | ` +
        `${pct(r.shareAbove80)} (${r.countAbove80}) | ${pct(r.shareAbove90)} (${r.countAbove90}) | ${pct(r.shareAboveChance)} | ${pct(r.shareFitTrain, 1)} |`,
    );
  }
  lines.push('', '## Side by side with the paper (digest numbers, seeds-A §A.6–A.7)', '');
  lines.push('| quantity | paper | this search | note |', '|---|---|---|---|');
  const fine = (x: number) => pct(x, x !== 0 && Math.abs(x) < 0.001 ? 4 : 2);
  for (const p of s.paper) lines.push(`| ${p.quantity} | ${fine(p.paper)} | ${p.ours === null ? 'not run' : fine(p.ours)} | ${p.note} |`);
  lines.push('', `## Baselines on ${s.baselines.split}`, '');
  lines.push('| baseline | closed form | empirical | draws | consistent |', '|---|---|---|---|---|');
  for (const b of [s.baselines.randomOutput, s.baselines.randomWellformed]) {
    lines.push(`| ${b.name} | ${pct(b.closedForm, 4)} | ${pct(b.empirical, 4)} | ${b.draws} | ${b.consistent ? 'yes' : 'NO'} |`);
  }
  if (s.baselines.randomTaskCodes.length) {
    lines.push('', '| random-task-codes (trained control) | models | mean zero-shot | > 80% | > 90% | fit train |', '|---|---|---|---|---|---|');
    for (const c of s.baselines.randomTaskCodes) {
      lines.push(`| ${c.regime} | ${c.models} | ${pct(c.meanZeroShot)} | ${pct(c.shareAbove80)} | ${pct(c.shareAbove90)} | ${pct(c.shareFitTrain, 1)} |`);
    }
  } else lines.push('', 'random-task-codes: no control models trained (--baseline-seeds 0).');
  for (const r of s.regimes) {
    lines.push('', `## Per split (${r.regime}): mean exact match / token accuracy`, '');
    lines.push('| split | rows | exact match | token accuracy |', '|---|---|---|---|');
    for (const [name, m] of Object.entries(r.splits)) lines.push(`| ${name} | ${m.n} | ${pct(m.em)} | ${pct(m.tok)} |`);
    lines.push('', `Training: mean ${r.training.meanSteps.toFixed(0)} steps (median ${r.training.medianSteps.toFixed(0)}), ${r.training.meanWallSeconds.toFixed(2)} s per model, ${r.training.totalWallHours.toFixed(2)} model-hours. Best: ${r.top.map((t) => `${t.key} ${pct(t.zeroShot, 1)}`).join(', ')}.`);
  }
  lines.push('', '## Checkpoints and memory', '');
  if (s.checkpoints) {
    lines.push(`Kept: ${s.checkpoints.best} best, ${s.checkpoints.worst} worst (memorizers), ${s.checkpoints.random} random sample; index ${s.checkpoints.index}${s.checkpoints.missing ? `; ${s.checkpoints.missing} missing` : ''}.`);
  } else lines.push('No checkpoints kept.');
  lines.push(
    `tf.memory().numTensors per worker over the run: ${s.memory.flat ? 'flat' : 'NOT flat'} ` +
      `(${s.memory.workers.map((w) => `${w.firstNumTensors}→${w.lastNumTensors} max ${w.maxNumTensors} over ${w.rows} models`).slice(0, 4).join('; ')}${s.memory.workers.length > 4 ? '; …' : ''}).`,
  );
  lines.push('', `![zero-shot histogram](${s.files.histogramSvg})`, '');
  return lines.join('\n');
}

/** Computes the summary and writes summary.json, summary.md and the histogram (spec + SVG) into `out`. */
export async function writeSearchSummary(out: string, options: { chanceDraws?: number } = {}): Promise<SearchSummary> {
  const summary = summarizeSearch(out, options);
  const rows = readStoreFile(storeFile(out, 'haystack')).rows;
  const spec = histogramSpec(rows, summary);
  writeFileAtomic(path.join(out, HISTOGRAM_SPEC), JSON.stringify(spec, null, 1) + '\n');
  writeFileAtomic(path.join(out, HISTOGRAM_SVG), await renderSvg(spec));
  writeFileAtomic(path.join(out, SUMMARY_JSON), JSON.stringify(summary, null, 1) + '\n');
  writeFileAtomic(path.join(out, SUMMARY_MD), formatSummaryMarkdown(summary));
  return summary;
}
