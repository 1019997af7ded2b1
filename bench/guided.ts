/**
 * Guided vs brute-force haystack search (docs/guided-search.md): `npx tsx bench/guided.ts <mode> …`
 *
 *   study   --out DIR --seeds N [--val-compositions 4]   signal study: no selection, every signal of every member
 *                                                        logged every round; then `analyze`
 *   analyze DIR                                          which signals predict final zero-shot, and how early
 *   compare [--repeats 4] [--cpu-budget 300] [--arms brute,pbt:validationEM/v0,…]
 *                                                        needles per CPU-hour, each arm with the same CPU budget,
 *                                                        repeats with disjoint seeds and different search seeds;
 *                                                        then the verdict of the best models of each arm
 *           [--first-repeat K] [--out DIR] [--verdict-top 3]   (also `npm run bench -- --guided …`)
 *   report DIR [DIR …]                                   merge the compare.json of several compare runs (e.g.
 *                                                        repeats run in parallel processes) and report them
 *
 * Every mode writes bench/results/guided-<mode>-<timestamp>.json. Run it in the background on a shared machine
 * (nohup … &): a compare with the defaults (6 arms, 4 repeats, 300 CPU s each) needs 2 CPU-hours.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backendHeader, initBackend } from '../lib/backend';
import { loadModelCheckpoint } from '../lib/io/model-checkpoint';
import { SequenceModel } from '../lib/models/types';
import { buildSearchConfig, SearchConfig } from '../lib/search/config';
import { GUIDED_DEFAULTS, GuidedRow, GuidedSettings, runGuidedSearch } from '../lib/search/guided';
import { SIGNAL_NAMES } from '../lib/search/guided/signals';
import { runSearch } from '../lib/search/runner';
import { readStoreFile } from '../lib/search/store';
import { SearchRow } from '../lib/search/types';
import { LookupTask } from '../lib/tasks/lookup';
import { lookupVerdict } from '../probes/verdict/lookup';
import { auroc, spearman as rankCorrelation } from '../probes/verdict/validation';
import { meanSd } from '../lib/util/stats';
import { benchArgs, option, runBench } from './options';


const RESULTS = path.join(__dirname, 'results');
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
function writeResult(mode: string, data: object): string {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `guided-${mode}-${stamp()}.json`);
  fs.writeFileSync(file, JSON.stringify(data, null, 1) + '\n');
  return file;
}

// ---------------------------------------------------------------------------------------------- statistics

export { auroc } from '../probes/verdict/validation';

/** Spearman correlation, undefined (NaN) below 3 pairs. */
export const spearman = (a: readonly number[], b: readonly number[]): number => (a.length < 3 ? NaN : rankCorrelation(a, b));

const mean = (x: readonly number[]) => meanSd(x).mean;
// A single run's spread is unknown, not 0.
const sd = (x: readonly number[]) => meanSd(x, { single: NaN }).sd;
const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

// ---------------------------------------------------------------------------------------------- signal study

interface Trajectory {
  key: string;
  zeroShot: number;
  finalStep: number;
  /** step → signals (the last entry: at the finish). */
  points: Map<number, Record<string, number>>;
  final: Record<string, number>;
}

function trajectories(out: string): Trajectory[] {
  const lines = fs.readFileSync(path.join(out, 'guided', 'decisions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const byKey = new Map<string, Trajectory>();
  const get = (key: string) => {
    let t = byKey.get(key);
    if (!t) byKey.set(key, (t = { key, zeroShot: NaN, finalStep: NaN, points: new Map(), final: {} }));
    return t;
  };
  for (const d of lines) {
    if (!d.signals) continue;
    const t = get(d.key);
    if (d.action === 'finish') {
      t.zeroShot = d.zeroShot;
      t.finalStep = d.step;
      t.final = d.signals;
    } else t.points.set(d.step, d.signals);
  }
  return [...byKey.values()].filter((t) => Number.isFinite(t.zeroShot));
}

export function analyzeStudy(out: string, steps = [100, 200, 300, 400, 500, 600, 800, 1000, 1200]) {
  const ts = trajectories(out);
  const z = ts.map((t) => t.zeroShot);
  const sorted = [...z].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const top = q(0.9);
  // Success: the top decile of final zero-shot (brute force finds ~no model above 80% here; see the report).
  const success = z.map((x) => x >= top);
  const withCombo = (x: Record<string, number> | undefined): Record<string, number> | undefined => (x ? { ...x, 'valCompEM+validationEM': (x.valCompEM + x.validationEM) / 2 } : x);
  const at = (t: Trajectory, step: number) => withCombo(step >= t.finalStep ? t.final : t.points.get(step));
  const table = [...steps, Infinity].map((step) => {
    const row: Record<string, unknown> = { step: Number.isFinite(step) ? step : 'final', stillTraining: ts.filter((t) => step < t.finalStep).length };
    for (const name of STUDY_COLUMNS) {
      const pairs = ts.map((t, i) => [at(t, step)?.[name], z[i], success[i]] as const).filter((p) => typeof p[0] === 'number' && Number.isFinite(p[0]));
      row[name] = {
        spearman: r3(spearman(pairs.map((p) => p[0] as number), pairs.map((p) => p[1]))),
        aurocTopDecile: r3(auroc(pairs.map((p) => p[0] as number), pairs.map((p) => p[2]))),
        n: pairs.length,
      };
    }
    return row;
  });
  // Final-model splits (for comparison): heldout_inputs and validation of the unchanged task.
  const rows = readStoreFile(path.join(out, 'results.jsonl')).rows;
  const rz = rows.map((r) => r.zeroShot);
  const splitCorr = Object.fromEntries(['validation', 'heldout_inputs', 'heldout_tables', 'longer_compositions_seen'].map((s) => [s, r3(spearman(rows.map((r) => r.splits[s]?.em ?? NaN), rz))]));
  return {
    out,
    models: ts.length,
    zeroShot: { mean: r3(mean(z)), sd: r3(sd(z)), median: q(0.5), q90: top, max: sorted[sorted.length - 1], above50: z.filter((x) => x > 0.5).length, above80: z.filter((x) => x > 0.8).length },
    successDefinition: `final zero-shot >= ${top} (top decile)`,
    table,
    finalSplitsSpearman: splitCorr,
  };
}

const STUDY_COLUMNS = [...SIGNAL_NAMES, 'valCompEM+validationEM'];

function printStudy(a: ReturnType<typeof analyzeStudy>): void {
  console.log(`signal study ${a.out}: ${a.models} models, zero-shot mean ${a.zeroShot.mean} sd ${a.zeroShot.sd} max ${a.zeroShot.max}; success = ${a.successDefinition}`);
  console.log(`step   still  ${STUDY_COLUMNS.map((n) => n.replace('valCompEM+validationEM', 'vcEM+valEM').padStart(16)).join('')}   (spearman / AUROC)`);
  for (const row of a.table) {
    const cells = STUDY_COLUMNS.map((n) => {
      const c = row[n] as { spearman: number | null; aurocTopDecile: number | null };
      return `${c.spearman ?? '–'}/${c.aurocTopDecile ?? '–'}`.padStart(16);
    });
    console.log(`${String(row.step).padEnd(6)} ${String(row.stillTraining).padStart(5)}  ${cells.join('')}`);
  }
  console.log(`final splits vs zero-shot (spearman): ${JSON.stringify(a.finalSplitsSpearman)}`);
}

// ---------------------------------------------------------------------------------------------- compare

interface ArmResult {
  arm: string;
  repeat: number;
  out: string;
  models: number;
  cpuSeconds: number;
  wallSeconds: number;
  modelSteps: number | null;
  meanZeroShot: number;
  maxZeroShot: number;
  above: Record<string, { models: number; lineages: number; perCpuHour: number }>;
}

const THRESHOLDS = [0.4, 0.5, 0.6, 0.8];
/**
 * The measured arms, in the order that fixes their seed ranges. Arm names without signals or /vN take the CLI's
 * defaults (GUIDED_DEFAULTS); the first comparison's `asha`, `pbt` and `none` arms ran under the earlier defaults,
 * spelled out here, and keep their seed ranges.
 */
const ARM_ORDER = ['brute', 'asha:valCompEM+validationEM/v4', 'pbt:valCompEM+validationEM/v4', 'none:valCompEM+validationEM/v4', 'asha:validationEM/v0', 'pbt:validationEM/v0'];

function armResult(arm: string, repeat: number, out: string, rows: readonly SearchRow[], cpuSeconds: number, wallSeconds: number, modelSteps: number | null): ArmResult {
  const above: ArmResult['above'] = {};
  for (const t of THRESHOLDS) {
    const hits = rows.filter((r) => (r.zeroShot ?? 0) > t);
    const lineages = new Set(hits.map((r) => (r as GuidedRow).guided?.root ?? r.key)).size;
    above[String(t)] = { models: hits.length, lineages, perCpuHour: hits.length / (cpuSeconds / 3600) };
  }
  const z = rows.map((r) => r.zeroShot ?? 0);
  return { arm, repeat, out, models: rows.length, cpuSeconds, wallSeconds, modelSteps, meanZeroShot: mean(z), maxZeroShot: z.length ? Math.max(...z) : NaN, above };
}

/** Brute force exactly as `complens search` runs it, in calls of 32 seeds until the CPU budget is used. */
async function bruteArm(config: SearchConfig, out: string, firstSeed: number, cpuBudget: number): Promise<{ rows: SearchRow[]; cpuSeconds: number; wallSeconds: number }> {
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  const used = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1e6;
  };
  let next = firstSeed;
  while (used() < cpuBudget) {
    const seeds = Array.from({ length: 32 }, (_, i) => next + i);
    next += 32;
    await runSearch({ out, config, plan: { seeds, regimes: ['atomic+composed'], baselineSeeds: 0 }, quiet: true, summary: false });
  }
  return { rows: [...readStoreFile(path.join(out, 'results.jsonl')).rows], cpuSeconds: used(), wallSeconds: (Date.now() - wall0) / 1000 };
}

/**
 * An arm name: strategy[:signal+signal][@warmup][/vN], e.g. "asha", "pbt:valCompTok@400", "asha:validationEM/v0"
 * (vN: N training compositions held out as validation; v0 trains on the full training set, as brute force).
 */
export function armSettings(arm: string, repeat: number): GuidedSettings {
  const m = /^(asha|pbt|none)(?::([A-Za-z+]+))?(?:@(\d+))?(?:\/v(\d+))?$/.exec(arm);
  if (!m) throw new Error(`arm ${JSON.stringify(arm)}: expected brute or strategy[:signals][@warmup][/vN]`);
  const base: GuidedSettings = { ...GUIDED_DEFAULTS, searchSeed: repeat };
  return {
    ...base,
    selectOn: m[2] ? (m[2].split('+') as GuidedSettings['selectOn']) : base.selectOn,
    valCompositions: m[4] !== undefined ? Number(m[4]) : base.valCompositions,
    policy: { ...base.policy, strategy: m[1] as GuidedSettings['policy']['strategy'], warmup: m[3] ? Number(m[3]) : base.policy.warmup },
  };
}

async function verdicts(out: string, keys: string[]): Promise<Record<string, number>[]> {
  const res: Record<string, number>[] = [];
  for (const key of keys) {
    const dir = path.join(out, 'checkpoints', key);
    if (!fs.existsSync(dir)) continue;
    const { model, task } = loadModelCheckpoint(dir);
    try {
      const v = lookupVerdict(model as SequenceModel, task as LookupTask);
      const e = Object.fromEntries(v.evidence.map((x) => [x.id, x.value]));
      res.push({ score: v.score, zeroShot: e['behaviour.zeroShot'], probe: e['probe.stateAccuracy'], transitionMatch: e['automaton.transitionMatch'], validationAgreement: e['automaton.validationAgreement'] });
    } finally {
      model.dispose();
    }
  }
  return res;
}

export async function compare(): Promise<void> {
  const repeats = Number(option('repeats', '4'));
  const firstRepeat = Number(option('first-repeat', '0'));
  const cpuBudget = Number(option('cpu-budget', '300'));
  const arms = (option('arms', ARM_ORDER.join(',')) as string).split(',');
  const root = option('out', path.join('runs', `guided-compare-${stamp()}`)) as string;
  const verdictTop = Number(option('verdict-top', '3'));
  await initBackend('wasm');
  const config = buildSearchConfig({ split: 'sample1', trainer: 'population' });
  console.log(`guided compare: arms ${arms.join(', ')}, ${repeats} repeats, ${cpuBudget} CPU s per arm and repeat; ${backendHeader()}; load ${os.loadavg()[0].toFixed(1)} → ${root}`);
  const results: ArmResult[] = [];
  const partial = path.join(root, 'compare.json');
  for (let rep = firstRepeat; rep < firstRepeat + repeats; rep++) {
    for (const [a, arm] of arms.entries()) {
      const out = path.join(root, `r${rep}-${arm.replace(/[^a-z0-9+@]/gi, '_')}`);
      // Seed ranges depend on the arm's name, not its place in --arms, so that arms run in separate processes never
      // share seeds.
      const canonical = ARM_ORDER.indexOf(arm);
      const firstSeed = 10_000_000 * ((canonical >= 0 ? canonical : ARM_ORDER.length + a) + 1) + 100_000 * rep;
      let r: ArmResult;
      if (arm === 'brute') {
        const b = await bruteArm(config, out, firstSeed, cpuBudget);
        r = armResult(arm, rep, out, b.rows, b.cpuSeconds, b.wallSeconds, null);
      } else {
        const seeds = Array.from({ length: 100_000 }, (_, i) => firstSeed + i);
        const g = await runGuidedSearch({ out, config, regime: 'atomic+composed', seeds, settings: armSettings(arm, rep), budget: { cpuSeconds: cpuBudget }, quiet: true, summary: false });
        r = armResult(arm, rep, out, readStoreFile(path.join(out, 'results.jsonl')).rows, g.totals.cpuSeconds, g.totals.wallSeconds, g.totals.modelSteps);
      }
      results.push(r);
      console.log(`  r${rep} ${arm.padEnd(22)} ${String(r.models).padStart(5)} models, ${r.cpuSeconds.toFixed(0)} CPU s, mean ${(r.meanZeroShot * 100).toFixed(1)}%, max ${(r.maxZeroShot * 100).toFixed(1)}%, ` +
        THRESHOLDS.map((t) => `>${t * 100}%: ${r.above[String(t)].models} (${r.above[String(t)].lineages} lineages)`).join(', '));
      fs.mkdirSync(root, { recursive: true });
      fs.writeFileSync(partial, JSON.stringify(results, null, 1));
    }
  }
  await report(results, arms, verdictTop, cpuBudget);
}

/** Merges the compare.json of several compare roots (e.g. repeats run in parallel processes) and reports. */
async function reportRoots(roots: string[]): Promise<void> {
  await initBackend('wasm');
  const results: ArmResult[] = roots.flatMap((r) => JSON.parse(fs.readFileSync(path.join(r, 'compare.json'), 'utf8')));
  const arms = [...new Set(results.map((r) => r.arm))];
  await report(results, arms, Number(option('verdict-top', '3')), Math.max(...results.map((r) => r.cpuSeconds)));
}

async function report(results: ArmResult[], arms: string[], verdictTop: number, cpuBudget: number): Promise<void> {
  const repeats = new Set(results.map((r) => r.repeat)).size;
  const byArm = Object.fromEntries(arms.map((arm) => {
    const rs = results.filter((r) => r.arm === arm);
    const rate = (t: number, what: 'models' | 'lineages') => rs.map((r) => r.above[String(t)][what] / (r.cpuSeconds / 3600));
    return [arm, {
      repeats: rs.length,
      modelsPerCpuHour: { mean: mean(rs.map((r) => r.models / (r.cpuSeconds / 3600))), sd: sd(rs.map((r) => r.models / (r.cpuSeconds / 3600))) },
      meanZeroShot: mean(rs.map((r) => r.meanZeroShot)),
      maxZeroShot: Math.max(...rs.map((r) => r.maxZeroShot)),
      perCpuHour: Object.fromEntries(THRESHOLDS.map((t) => [String(t), {
        needles: { mean: mean(rate(t, 'models')), sd: sd(rate(t, 'models')) },
        lineages: { mean: mean(rate(t, 'lineages')), sd: sd(rate(t, 'lineages')) },
        total: rs.reduce((s, r) => s + r.above[String(t)].models, 0),
      }])),
    }];
  }));
  const ratios = Object.fromEntries(arms.filter((a) => a !== 'brute').map((arm) => [arm, Object.fromEntries(THRESHOLDS.map((t) => {
    const g = (byArm[arm].perCpuHour as Record<string, { needles: { mean: number } }>)[String(t)].needles.mean;
    const b = (byArm.brute?.perCpuHour as Record<string, { needles: { mean: number } }> | undefined)?.[String(t)].needles.mean;
    return [String(t), b ? g / b : g > 0 ? 'inf (brute force found none)' : 'n/a (neither found any)'];
  }))]));
  // Internal evidence of the best models of each arm (the verdict, docs/verdict.md).
  const evidence: Record<string, Record<string, number>[]> = {};
  for (const arm of arms) {
    const rows = results.filter((r) => r.arm === arm).flatMap((r) => readStoreFile(path.join(r.out, 'results.jsonl')).rows.map((row) => ({ out: r.out, row })));
    rows.sort((x, y) => (y.row.zeroShot ?? 0) - (x.row.zeroShot ?? 0));
    evidence[arm] = [];
    for (const { out, row } of rows.slice(0, verdictTop)) evidence[arm].push(...(await verdicts(out, [row.key])));
  }
  const file = writeResult('compare', { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load: os.loadavg() }, backend: backendHeader(), cpuBudget, repeats, arms, results, byArm, ratios, evidence });
  console.log(JSON.stringify({ byArm, ratios, evidence }, null, 1));
  console.log(`written ${file}`);
}

async function study(): Promise<void> {
  const out = option('out') ?? path.join('runs', `guided-study-${stamp()}`);
  const n = Number(option('seeds', '192'));
  const valN = Number(option('val-compositions', '4'));
  await initBackend('wasm');
  const config = buildSearchConfig({ split: 'sample1', trainer: 'population' });
  const seeds = Array.from({ length: n }, (_, i) => 100_000 + i);
  await runGuidedSearch({
    out, config, regime: 'atomic+composed', seeds,
    settings: { ...GUIDED_DEFAULTS, valCompositions: valN, selectOn: valN ? ['valCompTok'] : ['validationEM'], logAllSignals: true, policy: { ...GUIDED_DEFAULTS.policy, strategy: 'none' } },
  });
  const a = analyzeStudy(out);
  printStudy(a);
  console.log(`written ${writeResult('study', a)}`);
}

async function main(): Promise<void> {
  const { values, positionals } = benchArgs();
  const [mode, ...dirs] = positionals;
  if (mode === 'study') return study();
  if (mode === 'compare') return compare();
  if (mode === 'report') return reportRoots(dirs.filter((a) => fs.existsSync(path.join(a, 'compare.json'))));
  if (mode === 'analyze') {
    const a = analyzeStudy(dirs[0]);
    printStudy(a);
    if (values.write) console.log(`written ${writeResult('study', a)}`);
    return;
  }
  console.error('usage: npx tsx bench/guided.ts study|analyze DIR|compare [options] (see the header of bench/guided.ts)');
  process.exitCode = 2;
}

if (require.main === module) {
  runBench(main);
}
