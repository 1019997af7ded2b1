/**
 * Selection signals of the guided search, computed from a member's host weights. None reads the test split
 * (heldout_compositions): behaviour on held-out *validation* compositions (training compositions the guided members
 * never train on), behaviour on the task's validation split (held-out inputs of seen compositions), and internal
 * evidence on training sequences — the cheap analogues of the verdict's instruments (docs/verdict.md):
 *
 * | signal | what | data |
 * |---|---|---|
 * | valCompEM / valCompTok | exact match / token accuracy on every input of the validation compositions | held-out training compositions |
 * | validationEM | exact match on the validation split | held-out inputs of seen compositions |
 * | probeCV | ridge probe of the automaton state (intermediate value) after each table, out-of-fold by composition | training rows |
 * | probeHeldout | the same probe fitted on all training positions, scored on the validation compositions' positions | states on validation compositions |
 * | probeTransfer | a probe fitted after the first table (and the input) decodes the state after the second: one code across positions | training rows |
 * | transitionMatch | the automaton read off the out-of-fold decoded states: for each (table, value) seen, does the majority next decoded value equal the table's output? | training rows |
 * | trainEM, loss | from the trainer | training rows |
 */
import { EncodedExample } from '../../tasks/types';
import { exactMatchOf, HostRnn, HostRnnDims, tokenAccuracyOf } from './forward';
import { fitRidge, predictRidge, probeAccuracy, ProbeData } from './probe';

export const SIGNAL_NAMES = ['valCompEM', 'valCompTok', 'validationEM', 'probeCV', 'probeHeldout', 'probeTransfer', 'transitionMatch'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];
export type Signals = Record<SignalName, number>;

export interface SignalContext {
  dims: HostRnnDims;
  /** tables[t][v] (the task's ground-truth automaton). */
  tables: readonly (readonly number[])[];
  /** 2^bits automaton states. */
  states: number;
  train: readonly EncodedExample[];
  valComps: readonly EncodedExample[];
  validation: readonly EncodedExample[];
  /** Folds of the out-of-fold probe (by composition); default 4. */
  folds?: number;
}

interface Position {
  x: Float32Array;
  value: number;
  step: number;
  /** Table read at this position (step ≥ 1), else -1. */
  table: number;
  example: number;
  group: string;
}

/** States at the automaton positions (step ≥ 0: the last input bit and each table token) of each example. */
function positionsOf(examples: readonly EncodedExample[], states: readonly Float32Array[], H: number): Position[] {
  const out: Position[] = [];
  examples.forEach((ex, i) => {
    const step = ex.positionLabels.step;
    for (let t = 0; t < ex.prompt.length; t++) {
      if (step[t] < 0) continue;
      out.push({ x: states[i].subarray(t * H, (t + 1) * H), value: ex.positionLabels.state[t], step: step[t], table: ex.positionLabels.table[t], example: i, group: ex.group });
    }
  });
  return out;
}

const data = (ps: readonly Position[]): ProbeData => ({ x: ps.map((p) => p.x), y: ps.map((p) => p.value) });

const BEHAVIOURAL: readonly SignalName[] = ['valCompEM', 'valCompTok', 'validationEM'];

/** Computes the signals in `which` (default: all); the others are NaN. Internal ones share one pass over the training rows. */
export function computeSignals(weights: Record<string, Float32Array>, ctx: SignalContext, which: ReadonlySet<SignalName> = new Set(SIGNAL_NAMES)): Signals {
  const H = ctx.dims.hiddenSize;
  const model = new HostRnn(ctx.dims, weights);
  const out = Object.fromEntries(SIGNAL_NAMES.map((n) => [n, NaN])) as Signals;
  if (which.has('valCompEM') || which.has('valCompTok') || which.has('probeHeldout')) {
    const val = model.run(ctx.valComps);
    out.valCompEM = exactMatchOf(ctx.valComps, val.answers);
    out.valCompTok = tokenAccuracyOf(ctx.valComps, val.answers);
    if (which.has('probeHeldout')) {
      const train = model.run(ctx.train);
      const trainPos = positionsOf(ctx.train, train.states, H);
      const valPos = positionsOf(ctx.valComps, val.states, H).filter((p) => p.step >= 1);
      out.probeHeldout = valPos.length ? probeAccuracy(fitRidge(data(trainPos), ctx.states), data(valPos)) : NaN;
    }
  }
  if (which.has('validationEM')) out.validationEM = exactMatchOf(ctx.validation, model.run(ctx.validation).answers);
  if ([...which].some((n) => !BEHAVIOURAL.includes(n) && n !== 'probeHeldout')) Object.assign(out, internalSignals(model, ctx));
  return out;
}

/** probeCV, probeTransfer and transitionMatch: one forward over the training rows and out-of-fold probes. */
function internalSignals(model: HostRnn, ctx: SignalContext): Pick<Signals, 'probeCV' | 'probeTransfer' | 'transitionMatch'> {
  const H = ctx.dims.hiddenSize;
  const train = model.run(ctx.train);
  const trainPos = positionsOf(ctx.train, train.states, H);
  const K = ctx.states;

  // Out-of-fold decoding by composition group (atomic rows are grouped by table like any other composition).
  const groups = [...new Set(trainPos.map((p) => p.group))].sort();
  const folds = Math.max(2, Math.min(ctx.folds ?? 4, groups.length));
  const foldOf = new Map(groups.map((g, i) => [g, i % folds]));
  const decoded = new Int32Array(trainPos.length);
  for (let f = 0; f < folds; f++) {
    const fit = trainPos.filter((p) => foldOf.get(p.group) !== f);
    const probe = fitRidge(data(fit), K);
    trainPos.forEach((p, i) => {
      if (foldOf.get(p.group) === f) decoded[i] = predictRidge(probe, p.x);
    });
  }
  let cvRight = 0;
  let cvN = 0;
  trainPos.forEach((p, i) => {
    if (p.step >= 1) {
      cvN++;
      if (decoded[i] === p.value) cvRight++;
    }
  });

  const early = trainPos.filter((p) => p.step <= 1);
  const second = trainPos.filter((p) => p.step === 2);
  const transfer = second.length ? probeAccuracy(fitRidge(data(early), K), data(second)) : NaN;

  // Transitions between consecutive automaton positions of one example, on decoded values.
  const votes = new Map<string, Map<number, number>>();
  for (let i = 1; i < trainPos.length; i++) {
    const p = trainPos[i];
    const prev = trainPos[i - 1];
    if (p.example !== prev.example || p.step !== prev.step + 1 || p.table < 0) continue;
    const key = `${p.table}:${decoded[i - 1]}`;
    let m = votes.get(key);
    if (!m) votes.set(key, (m = new Map()));
    m.set(decoded[i], (m.get(decoded[i]) ?? 0) + 1);
  }
  let matched = 0;
  for (const [key, m] of votes) {
    const [t, v] = key.split(':').map(Number);
    let best = -1;
    let bestCount = -1;
    for (const [next, c] of [...m].sort((a, b) => a[0] - b[0])) if (c > bestCount) [best, bestCount] = [next, c];
    if (best === ctx.tables[t][v]) matched++;
  }
  return { probeCV: cvN ? cvRight / cvN : NaN, probeTransfer: transfer, transitionMatch: votes.size ? matched / votes.size : NaN };
}
