/**
 * runGuidedSearch: the guided haystack search (docs/guided-search.md). A population of members trains in rounds of
 * `roundSteps` on the guided split (training compositions minus a few held-out validation compositions); after each
 * round every member is scored on signals that never read the test split, and the policy (policy.ts) keeps,
 * restarts or copies members. A member that fits the training set (the brute-force stopping rule) or reaches
 * maxSteps is a finished model: it is evaluated on the unchanged task exactly like a brute-force model and recorded
 * in the same results store, with its lineage.
 *
 * Files in the out dir, besides brute force's (search.json, results.jsonl, checkpoints/, summary.*):
 *   guided.json            the guided settings (a re-run must present the same ones)
 *   guided/decisions.jsonl one line per member per round: scores, percentile, action (keep/restart/copy/finish/…)
 *   guided/state.bin       the population after the last completed round (weights, Adam state, histories,
 *                          counters, score reference), written atomically
 *   guided/summary.json    counts, budget used, needles and lineages
 *
 * Resume: the run is a deterministic function of (settings, seeds), round by round. A kill at any point loses at
 * most the round in progress: on restart the state of the last completed round is loaded, decision lines of later
 * rounds are dropped, and the round is replayed bit for bit (warm starts are exact); rows it had recorded are
 * refused as duplicates by the store (same keys), so every model is recorded once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { backendHeader, initBackend } from '../../backend';
import { LookupRegime } from '../../tasks/lookup';
import { writeFileAtomic } from '../../util/atomic';
import { ComplensError } from '../../util/errors';
import { Rng } from '../../util/random';
import { canonicalJson, firstDifference, SearchConfig, saveOrCheckSearchConfig } from '../config';
import { acquireOutLock } from '../../experiments/lock';
import { disposeEvalModels, trainAndEvaluate } from '../member';
import { MemberState, trainPopulation } from '../../train/population/gru-trainer';
import { SearchRecorder } from '../recorder';
import { PLAN_FILE, writeSearchSummary, SearchSummary } from '../summary';
import { makeJob, SearchRow, TrainedMember } from '../types';
import { Decision, decide, PolicySettings, POLICY_DEFAULTS, ScoreReference, isDecisionPoint, GUIDED_STRATEGIES } from './policy';
import { computeSignals, SignalContext, SignalName, Signals, SIGNAL_NAMES } from './signals';
import { chooseValidationCompositions, guidedData, GuidedData } from './task';

export const GUIDED_FILE = 'guided.json';
export const GUIDED_DIR = 'guided';
export const DECISIONS_FILE = 'decisions.jsonl';
export const STATE_FILE = 'state.bin';
export const GUIDED_SUMMARY = 'summary.json';

export interface GuidedSettings {
  policy: PolicySettings;
  /** Members in flight. */
  population: number;
  /** Steps between scorings (a multiple of the training's evalEvery). */
  roundSteps: number;
  /** Signals whose mean is the selection score. */
  selectOn: SignalName[];
  /** Training compositions held out as the validation set (0: none; then only validationEM and internal signals work). */
  valCompositions: number;
  valSeed: number;
  /** Seed of the policy's random choices and of copies' data-order seeds. */
  searchSeed: number;
  /** Log every signal of every member every round (the signal study), not only the score's. */
  logAllSignals: boolean;
}

/**
 * Defaults = the best arm of the measured comparison (docs/guided-search.md, "Measured"): pbt selecting on
 * validationEM with the full training set. Holding training compositions out as a validation set cost more
 * zero-shot accuracy than selection on them gained.
 */
export const GUIDED_DEFAULTS: GuidedSettings = {
  policy: POLICY_DEFAULTS,
  population: 32,
  roundSteps: 100,
  selectOn: ['validationEM'],
  valCompositions: 0,
  valSeed: 0,
  searchSeed: 0,
  logAllSignals: false,
};

export interface GuidedBudget {
  /** Stop starting rounds once this many model-steps were trained (all members together). */
  modelSteps?: number;
  /** Stop once this many models were recorded. */
  models?: number;
  /** Stop starting rounds after this much CPU time of this process (run total, resumes included). */
  cpuSeconds?: number;
}

export interface RunGuidedOptions {
  out: string;
  /** The search config (trainer 'population': warm starts need it). */
  config: SearchConfig;
  regime: LookupRegime;
  /** Pool of init seeds for fresh members, used in order (data-order seed = init seed). */
  seeds: number[];
  settings: GuidedSettings;
  budget?: GuidedBudget;
  log?: (line: string) => void;
  quiet?: boolean;
  summary?: boolean;
  /** Tests: stop (as if killed) after this many rounds of this process. */
  stopAfterRounds?: number;
}

export interface LineageStep {
  /** Step at which this segment starts (0 for the root). */
  fromStep: number;
  dataSeed: number;
  /** The member this state was copied from (absent for the root). */
  copiedFrom?: string;
}

interface Member {
  id: string;
  initSeed: number;
  dataSeed: number;
  /** Root member id (the fresh member the lineage starts from). */
  root: string;
  lineage: LineageStep[];
  step: number;
  state?: MemberState;
  history: { step: number; loss: number; trainExactMatch: number }[];
  trainExactMatch: number;
  /** Selection scores at decision points: [step, score, percentile]. */
  scores: [number, number, number | null][];
}

interface Totals {
  modelSteps: number;
  cpuSeconds: number;
  wallSeconds: number;
  recorded: number;
  restarts: number;
  copies: number;
  /** Members still running when the budget ran out (at the end). */
  unfinished: number;
}

interface EngineState {
  format: 1;
  round: number;
  nextSeed: number;
  nextMember: number;
  copyCounter: number;
  members: Member[];
  reference: [number, (number | null)[]][];
  totals: Totals;
  done: boolean;
}

export interface GuidedResult {
  rounds: number;
  recorded: number;
  totals: Totals;
  summary?: SearchSummary;
  done: boolean;
}

export function rowKeyOf(m: Pick<Member, 'initSeed' | 'lineage'>, regime: LookupRegime): string {
  const [root, ...branches] = m.lineage;
  return `i${m.initSeed}-d${root.dataSeed}${branches.map((b) => `.s${b.fromStep}d${b.dataSeed}`).join('')}-${regime}`;
}

export function validateGuidedSettings(s: GuidedSettings, evalEvery: number): void {
  const bad = (flag: string, why: string) => new ComplensError(`guided search: ${flag} ${why}`);
  if (!GUIDED_STRATEGIES.includes(s.policy.strategy)) throw bad('--guided-strategy', `must be one of ${GUIDED_STRATEGIES.join(', ')}`);
  if (!Number.isInteger(s.population) || s.population < 2) throw bad('--population', 'must be an integer >= 2');
  if (!Number.isInteger(s.roundSteps) || s.roundSteps < 1 || s.roundSteps % evalEvery !== 0) throw bad('--round-steps', `must be a positive multiple of --eval-every (${evalEvery})`);
  if (s.policy.warmup % s.roundSteps !== 0) throw bad('--warmup', `must be a multiple of --round-steps (${s.roundSteps})`);
  if (s.policy.strategy === 'pbt' && (s.policy.interval % s.roundSteps !== 0 || s.policy.interval < 1)) throw bad('--pbt-interval', `must be a positive multiple of --round-steps (${s.roundSteps})`);
  if (!(s.policy.eta > 1)) throw bad('--eta', 'must be > 1');
  if (!(s.policy.quantile > 0 && s.policy.quantile <= 0.5)) throw bad('--pbt-quantile', 'must be in (0, 0.5]');
  if (s.selectOn.length === 0 || s.selectOn.some((n) => !SIGNAL_NAMES.includes(n))) throw bad('--select-on', `takes signal names joined by + (${SIGNAL_NAMES.join(', ')})`);
  if (s.valCompositions === 0 && s.selectOn.some((n) => n.startsWith('valComp') || n === 'probeHeldout')) throw bad('--select-on', `${s.selectOn.join('+')} needs --val-compositions > 0`);
}

function checkGuidedFile(out: string, settings: GuidedSettings, regime: LookupRegime, validationCompositions: string[]): void {
  const file = path.join(out, GUIDED_FILE);
  const mine = { format: 1, strategy: 'guided', regime, settings, validationCompositions };
  if (!fs.existsSync(file)) {
    if (fs.existsSync(path.join(out, 'results.jsonl')) && fs.statSync(path.join(out, 'results.jsonl')).size > 0) {
      throw new ComplensError(`${out} holds a brute-force search; a guided search needs its own --out`);
    }
    writeFileAtomic(file, JSON.stringify(mine, null, 1) + '\n');
    return;
  }
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Logging more signals does not change any decision.
  const comparable = (x: typeof mine) => ({ ...x, settings: { ...x.settings, logAllSignals: false } });
  if (canonicalJson(comparable(saved)) !== canonicalJson(comparable(mine))) {
    const field = firstDifference(comparable(saved), comparable(mine));
    throw new ComplensError(`${out} holds a guided search with other settings (${field} differs); re-run with the same flags to continue it, or pass another --out`);
  }
}

// --- state file: [u32 header length][header JSON][float32 arrays in header order] ---

function saveState(file: string, state: EngineState): void {
  const arrays: Float32Array[] = [];
  const strip = (m: Member) => {
    if (!m.state) return { ...m, state: undefined };
    const names = Object.keys(m.state.weights).sort();
    const push = (r: Record<string, Float32Array>) => names.map((n) => (arrays.push(r[n]), r[n].length));
    const s = m.state;
    return {
      ...m,
      state: {
        step: s.step,
        names,
        weights: push(s.weights),
        adam: s.adam ? { m: push(s.adam.m), v: push(s.adam.v), accBeta1: s.adam.accBeta1, accBeta2: s.adam.accBeta2 } : undefined,
      },
    };
  };
  const header = Buffer.from(JSON.stringify({ ...state, members: state.members.map(strip) }), 'utf8');
  const floats = arrays.reduce((n, a) => n + a.length, 0);
  const buf = Buffer.alloc(4 + header.length + floats * 4);
  buf.writeUInt32LE(header.length, 0);
  header.copy(buf, 4);
  let off = 4 + header.length;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, off);
    off += a.byteLength;
  }
  writeFileAtomic(file, buf);
}

function loadState(file: string): EngineState {
  const buf = fs.readFileSync(file);
  const n = buf.readUInt32LE(0);
  const header = JSON.parse(buf.toString('utf8', 4, 4 + n));
  let off = 4 + n;
  const take = (len: number) => {
    const a = new Float32Array(len);
    Buffer.from(a.buffer).set(buf.subarray(off, off + len * 4));
    off += len * 4;
    return a;
  };
  const members: Member[] = header.members.map((m: Member & { state?: { step: number; names: string[]; weights: number[]; adam?: { m: number[]; v: number[]; accBeta1: number; accBeta2: number } } }) => {
    if (!m.state) return { ...m, state: undefined };
    const s = m.state;
    const rec = (lens: number[]) => Object.fromEntries(s.names.map((name, i) => [name, take(lens[i])]));
    const weights = rec(s.weights);
    const adam = s.adam ? { m: rec(s.adam.m), v: rec(s.adam.v), accBeta1: s.adam.accBeta1, accBeta2: s.adam.accBeta2 } : undefined;
    return { ...m, state: { step: s.step, weights, adam } };
  });
  return { ...header, members };
}

/** Keeps the decision lines of rounds ≤ `round` (later ones belong to a round that is replayed). */
function truncateDecisions(file: string, round: number): void {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      if (JSON.parse(line).round <= round) kept.push(line);
    } catch {
      // a torn last line
    }
  }
  writeFileAtomic(file, kept.length ? kept.join('\n') + '\n' : '');
}

export async function runGuidedSearch(options: RunGuidedOptions): Promise<GuidedResult> {
  const out = path.resolve(options.out);
  const log = options.log ?? ((line: string) => (options.quiet ? undefined : process.stderr.write(line + '\n')));
  const { config, regime, settings } = options;
  const budget = options.budget ?? {};
  if (config.model.layout !== 'single' || config.model.numLayers !== 1 || (config.model.cell !== 'gru' && config.model.cell !== 'tanh')) {
    throw new ComplensError('guided search: trains single-layer single-stream GRU and tanh models (the population trainer)');
  }
  const training = config.training;
  if (training.optimizer !== 'adam' || training.batchSize === 0 || training.weightDecay !== 0 || training.gradClip !== 0) {
    throw new ComplensError('guided search: needs minibatch Adam without weight decay or clipping (the population trainer)');
  }
  validateGuidedSettings(settings, training.evalEvery);
  const release = acquireOutLock(out);
  let recorder: SearchRecorder | undefined;
  try {
    await initBackend();
    const { id } = saveOrCheckSearchConfig(out, config);
    const valComps = chooseValidationCompositions(config.task.spec, settings.valCompositions, settings.valSeed);
    checkGuidedFile(out, settings, regime, valComps);
    const data = guidedData(config.task.spec, regime, valComps);
    recorder = new SearchRecorder(out, config, id, log);
    const dir = path.join(out, GUIDED_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const stateFile = path.join(dir, STATE_FILE);
    const decisionsFile = path.join(dir, DECISIONS_FILE);
    let state: EngineState;
    if (fs.existsSync(stateFile)) {
      state = loadState(stateFile);
      truncateDecisions(decisionsFile, state.round);
    } else {
      state = {
        format: 1, round: 0, nextSeed: 0, nextMember: 0, copyCounter: 0, members: [], reference: [], done: false,
        totals: { modelSteps: 0, cpuSeconds: 0, wallSeconds: 0, recorded: 0, restarts: 0, copies: 0, unfinished: 0 },
      };
      truncateDecisions(decisionsFile, 0);
    }
    writeFileAtomic(path.join(out, PLAN_FILE), JSON.stringify({ strategy: 'guided', models: options.seeds.length, regimes: [regime], seeds: options.seeds.length, dataSeeds: 'paired', baselineSeeds: 0, budget, written: new Date().toISOString() }, null, 1) + '\n');
    log(`complens search ${id} · guided (${settings.policy.strategy}, select on ${settings.selectOn.join('+')}) · ${backendHeader()} · population ${settings.population}, rounds of ${settings.roundSteps} steps`);
    log(`  validation compositions: ${valComps.join(', ') || 'none'} · ${data.train.length} training rows · round ${state.round} done, ${state.totals.recorded} models recorded · out ${out}`);

    const reference = ScoreReference.fromJSON(state.reference);
    const decisionsFd = fs.openSync(decisionsFile, 'a');
    const writeDecision = (line: object) => fs.writeSync(decisionsFd, JSON.stringify(line) + '\n');
    const engine = new Engine(options, data, state, reference, recorder, writeDecision, log);
    let roundsHere = 0;
    try {
      while (!state.done) {
        if (options.stopAfterRounds !== undefined && roundsHere >= options.stopAfterRounds) break;
        const cpu0 = process.cpuUsage();
        const wall0 = Date.now();
        const progressed = await engine.round();
        const cpu = process.cpuUsage(cpu0);
        state.totals.cpuSeconds += (cpu.user + cpu.system) / 1e6;
        state.totals.wallSeconds += (Date.now() - wall0) / 1000;
        state.reference = reference.toJSON();
        if (!progressed) state.done = true;
        fs.fsyncSync(decisionsFd);
        saveState(stateFile, state);
        roundsHere++;
        if (progressed && state.round % 10 === 0) {
          log(`  round ${state.round}: ${state.totals.recorded} models, ${(state.totals.modelSteps / 1e6).toFixed(2)}M model-steps, ${state.totals.cpuSeconds.toFixed(0)} CPU s, ${state.totals.restarts} restarts, ${state.totals.copies} copies, best zero-shot ${engine.bestZeroShot()}`);
        }
      }
    } finally {
      fs.closeSync(decisionsFd);
      disposeEvalModels();
    }
    const rows = recorder.rows();
    writeFileAtomic(path.join(dir, GUIDED_SUMMARY), JSON.stringify(guidedSummary(rows, state, settings, valComps), null, 1) + '\n');
    let summary: SearchSummary | undefined;
    if (state.done && options.summary !== false) summary = await writeSearchSummary(out);
    return { rounds: state.round, recorded: state.totals.recorded, totals: state.totals, summary, done: state.done };
  } finally {
    recorder?.close();
    release();
  }
}

/** Counts of the run: models, needles (> 80%) and the lineages (root members) they come from, at several thresholds. */
export function guidedSummary(rows: readonly SearchRow[], state: Pick<EngineState, 'round' | 'totals'>, settings: GuidedSettings, valComps: string[]) {
  const thresholds = [0.5, 0.6, 0.7, 0.8, 0.9];
  const root = (r: SearchRow) => (r as GuidedRow).guided?.root ?? r.key;
  return {
    settings,
    validationCompositions: valComps,
    rounds: state.round,
    totals: state.totals,
    models: rows.length,
    meanZeroShot: rows.length ? rows.reduce((s, r) => s + (r.zeroShot ?? 0), 0) / rows.length : null,
    maxZeroShot: rows.length ? Math.max(...rows.map((r) => r.zeroShot ?? 0)) : null,
    above: Object.fromEntries(thresholds.map((t) => {
      const hits = rows.filter((r) => (r.zeroShot ?? 0) > t);
      return [String(t), { models: hits.length, lineages: new Set(hits.map(root)).size }];
    })),
  };
}

export type GuidedRow = SearchRow & {
  guided: {
    member: string;
    root: string;
    lineage: LineageStep[];
    /** Selection scores at decision points: [step, score, percentile]. */
    scores: [number, number, number | null][];
    finalSignals: Partial<Signals>;
    round: number;
    strategy: string;
    validationCompositions: string[];
  };
};

class Engine {
  private readonly ctx: SignalContext;
  private readonly signalsNeeded: Set<SignalName>;
  private best = 0;

  constructor(
    private readonly options: RunGuidedOptions,
    private readonly data: GuidedData,
    private readonly state: EngineState,
    private readonly reference: ScoreReference,
    private readonly recorder: SearchRecorder,
    private readonly writeDecision: (line: object) => void,
    private readonly log: (line: string) => void,
  ) {
    const { config } = options;
    const spec = config.task.spec;
    this.ctx = {
      dims: { cell: config.model.cell as 'gru' | 'tanh', vocabSize: data.trainTask.vocab.length, embedSize: config.model.embedSize, hiddenSize: config.model.hiddenSize },
      tables: spec.tables,
      states: 2 ** spec.bits,
      train: data.train,
      valComps: data.valComps,
      validation: data.validation,
    };
    // Strategy 'none' decides nothing: it needs no score (unless the signal study asks for every signal).
    const { settings } = options;
    this.signalsNeeded = new Set(settings.logAllSignals ? SIGNAL_NAMES : settings.policy.strategy === 'none' ? [] : settings.selectOn);
    for (const r of recorder.rows()) this.best = Math.max(this.best, r.zeroShot ?? 0);
  }

  bestZeroShot(): string {
    return `${(this.best * 100).toFixed(1)}%`;
  }

  private fresh(): Member | undefined {
    const { seeds } = this.options;
    if (this.state.nextSeed >= seeds.length) return undefined;
    const seed = seeds[this.state.nextSeed++];
    const id = `m${this.state.nextMember++}`;
    return { id, initSeed: seed, dataSeed: seed, root: id, lineage: [{ fromStep: 0, dataSeed: seed }], step: 0, history: [], trainExactMatch: 0, scores: [] };
  }

  private budgetLeft(): boolean {
    const b = this.options.budget ?? {};
    const t = this.state.totals;
    if (b.modelSteps !== undefined && t.modelSteps >= b.modelSteps) return false;
    if (b.models !== undefined && t.recorded >= b.models) return false;
    if (b.cpuSeconds !== undefined && t.cpuSeconds >= b.cpuSeconds) return false;
    return true;
  }

  /** One round; false when the search is over (budget or seeds exhausted). */
  async round(): Promise<boolean> {
    const { settings, config, regime } = this.options;
    const state = this.state;
    while (state.members.length < settings.population) {
      const m = this.fresh();
      if (!m) break;
      state.members.push(m);
    }
    const roundNo = state.round + 1;
    if (state.members.length === 0 || !this.budgetLeft()) {
      state.totals.unfinished = state.members.length;
      for (const m of state.members) this.writeDecision({ round: state.round, member: m.id, key: rowKeyOf(m, regime), step: m.step, action: 'unfinished', reason: state.members.length ? 'budget exhausted' : 'seeds exhausted' });
      return false;
    }
    const members = state.members;
    const training = config.training;
    const result = await trainPopulation(
      this.data.trainTask,
      members.map((m) => ({ initSeed: m.initSeed, dataSeed: m.dataSeed, start: m.state, stopAtStep: m.step + settings.roundSteps })),
      {
        cell: config.model.cell as 'gru' | 'tanh', hiddenSize: config.model.hiddenSize, embedSize: config.model.embedSize,
        learningRate: training.learningRate, batchSize: training.batchSize, maxSteps: training.maxSteps, evalEvery: training.evalEvery,
        stopAtTrainAccuracy: training.stopAtTrainAccuracy, beta1: training.beta1, beta2: training.beta2, epsilon: training.epsilon,
        populationSize: members.length, returnState: true,
      },
    );
    state.totals.modelSteps += result.totalSteps;
    const finished: { member: Member; trained: TrainedMember; signals: Partial<Signals> }[] = [];
    const running: Member[] = [];
    result.members.forEach((r, i) => {
      const m = members[i];
      m.step = r.steps;
      m.state = r.state;
      m.history.push(...r.history);
      m.trainExactMatch = r.trainExactMatch;
      const done = r.stoppedBecause !== 'maxSteps' || r.steps >= training.maxSteps;
      if (done) {
        const history = m.history.map((h) => ({ ...h }));
        finished.push({ member: m, trained: { weights: r.weights, steps: r.steps, stoppedBecause: r.stoppedBecause, trainExactMatch: r.trainExactMatch, wallSeconds: r.wallSeconds, history }, signals: {} });
      } else running.push(m);
    });

    // Score the members that go on (and the finished ones, for the record and the signal study).
    const scoreOf = (s: Partial<Signals>) => settings.selectOn.reduce((a, n) => a + (s[n] ?? NaN), 0) / settings.selectOn.length;
    const signalsOf = new Map<Member, Partial<Signals>>();
    // Signals only where a decision is made (or everywhere for the signal study).
    for (const m of running) {
      const needed = settings.logAllSignals || isDecisionPoint(settings.policy, m.step, training.maxSteps);
      signalsOf.set(m, needed ? this.signals(m.state!.weights) : {});
    }
    for (const f of finished) f.signals = f.trained.stoppedBecause === 'diverged' ? {} : this.signals(f.trained.weights);
    // Percentiles are only asked at decision points, so only those steps are kept (the state stays small).
    for (const m of running) if (isDecisionPoint(settings.policy, m.step, training.maxSteps)) this.reference.add(m.step, scoreOf(signalsOf.get(m)!));

    // Record the finished models (evaluated on the unchanged task, like brute force).
    if (finished.length) {
      const jobs = finished.map((f) => ({ ...makeJob('haystack', f.member.initSeed, f.member.dataSeed, regime), key: rowKeyOf(f.member, regime) }));
      const byKey = new Map(finished.map((f, i) => [jobs[i].key, f]));
      await trainAndEvaluate(config, jobs, (outcome) => {
        const f = byKey.get(outcome.row.key)!;
        const row: GuidedRow = {
          ...outcome.row,
          guided: {
            member: f.member.id, root: f.member.root, lineage: f.member.lineage, scores: f.member.scores, finalSignals: f.signals, round: roundNo,
            strategy: settings.policy.strategy, validationCompositions: this.data.validationCompositions,
          },
        };
        // 'duplicate' only when a round is replayed after a kill (its rows were recorded, its state was not saved).
        this.recorder.record({ ...outcome, row });
        state.totals.recorded++;
        this.best = Math.max(this.best, row.zeroShot ?? 0);
        this.writeDecision({ round: roundNo, member: f.member.id, key: row.key, step: f.member.step, action: 'finish', stoppedBecause: f.trained.stoppedBecause, signals: f.signals, zeroShot: row.zeroShot });
      }, { trainer: async () => finished.map((f) => f.trained) });
    }

    // Decide for the running members.
    const candidates = running.map((m) => ({ id: m.id, step: m.step, score: scoreOf(signalsOf.get(m)!) }));
    const seed = new Rng(settings.searchSeed).int(2 ** 31) ^ roundNo;
    const decisions = decide(candidates, settings.policy, this.reference, training.maxSteps, seed);
    const byId = new Map(running.map((m) => [m.id, m]));
    const next: Member[] = [];
    const replaced: { decision: Decision; member: Member }[] = [];
    decisions.forEach((d, i) => {
      const m = running[i];
      if (d.percentile !== null) m.scores.push([m.step, round6(candidates[i].score), round6(d.percentile)]);
      if (d.action === 'keep') next.push(m);
      else replaced.push({ decision: d, member: m });
    });
    for (const { decision: d, member: m } of replaced) {
      let replacement: Member | undefined;
      if (d.action === 'copy') {
        const parent = byId.get(d.parent!)!;
        const dataSeed = Rng.derive(settings.searchSeed, `copy:${state.copyCounter++}`).int(2 ** 31);
        const id = `m${state.nextMember++}`;
        replacement = {
          id, initSeed: parent.initSeed, dataSeed, root: parent.root, lineage: [...parent.lineage, { fromStep: parent.step, dataSeed, copiedFrom: parent.id }],
          step: parent.step, state: cloneState(parent.state!), history: parent.history.map((h) => ({ ...h })), trainExactMatch: parent.trainExactMatch,
          scores: parent.scores.map((s) => [...s] as [number, number, number | null]),
        };
        state.totals.copies++;
      } else {
        replacement = this.fresh();
        state.totals.restarts++;
      }
      if (replacement) next.push(replacement);
      this.writeDecision({
        round: roundNo, member: m.id, key: rowKeyOf(m, regime), step: m.step, action: d.action, reason: d.reason, score: round6(candidates[running.indexOf(m)].score),
        percentile: d.percentile, parent: d.parent, replacement: replacement?.id, replacementKey: replacement ? rowKeyOf(replacement, regime) : undefined,
        signals: signalsOf.get(m),
      });
    }
    decisions.forEach((d, i) => {
      if (d.action !== 'keep') return;
      const m = running[i];
      const logIt = d.percentile !== null || this.options.settings.logAllSignals;
      if (logIt) this.writeDecision({ round: roundNo, member: m.id, key: rowKeyOf(m, regime), step: m.step, action: 'keep', reason: d.reason, score: round6(candidates[i].score), percentile: d.percentile, signals: signalsOf.get(m) });
    });
    state.members = next;
    state.round = roundNo;
    return true;
  }

  private signals(weights: Record<string, Float32Array>): Partial<Signals> {
    if (this.signalsNeeded.size === 0) return {};
    const s = computeSignals(weights, this.ctx, this.signalsNeeded);
    const out: Partial<Signals> = {};
    for (const n of this.signalsNeeded) out[n] = round6(s[n]);
    return out;
  }
}

function cloneState(s: MemberState): MemberState {
  const copy = (r: Record<string, Float32Array>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.slice()]));
  return { step: s.step, weights: copy(s.weights), adam: s.adam ? { m: copy(s.adam.m), v: copy(s.adam.v), accBeta1: s.adam.accBeta1, accBeta2: s.adam.accBeta2 } : undefined };
}

function round6(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x;
}

export { GUIDED_STRATEGIES, isDecisionPoint };
