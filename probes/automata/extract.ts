/**
 * Passive extraction: quantize every hidden state, read the observed (cell, symbol) → next cell transitions, and keep
 * the majority next cell of each. A network that really implements an automaton at this granularity leaves no
 * conflicts; the conflict counts say how far from that the network (or the quantization) is.
 */
import { Dfa } from '../../lib/automata/types';
import { ComplensError } from '../../lib/util/errors';
import { Quantizer } from './quantize';
import { QuantizedTrace, Trace, collectVectors, quantizeTrace, validateTraces } from './trace';

export interface ConflictReport {
  /** Observations whose next cell differs from the chosen (majority) transition, summed over all transitions. */
  total: number;
  /** total / observations (0 when nothing was observed). */
  rate: number;
  /** Number of (state, symbol) pairs with at least one disagreeing observation. */
  transitions: number;
  /** perTransition[state][symbol] = disagreeing observations of that transition. */
  perTransition: number[][];
}

export interface ExtractionReport {
  /** Number of states (= quantizer cells; cells never visited stay as states without transitions). */
  k: number;
  /** Quantizer method, e.g. "kmeans". */
  method: string;
  /** Transition observations read from the traces (one per symbol that has a known source state). */
  observations: number;
  conflicts: ConflictReport;
  /** (state, symbol) pairs observed at least once: the defined transitions. */
  observedTransitions: number;
  /** (state, symbol) pairs never observed: k·|alphabet| − observedTransitions; these are -1 in the DFA. */
  undefinedTransitions: number;
  /** How many traces started in each state (startCounts[state]). */
  startCounts: number[];
}

export interface Extraction {
  dfa: Dfa;
  report: ExtractionReport;
  /** counts[state][symbol][next] = how often `symbol` took `state` to `next` (sparse). */
  counts: Record<number, number>[][];
  /**
   * Majority network output of each state (-1 where no output was observed). Present when the traces carry outputs;
   * then `dfa.stateLabels` holds the same labels as strings ("?" for -1).
   */
  outputLabels?: number[];
}

export interface ExtractOptions {
  /** Re-quantizing is the slow part; pass traces already walked through the same quantizer to skip it. */
  quantized?: QuantizedTrace[];
}

/** Extract an automaton from traces with a fitted quantizer. Majority ties go to the lowest next-state index. */
export function extractDfa(traces: readonly Trace[], quantizer: Quantizer, alphabet: readonly string[], options: ExtractOptions = {}): Extraction {
  validateTraces(traces, alphabet.length);
  const k = quantizer.k;
  const m = alphabet.length;
  const walked = options.quantized ?? traces.map((t) => quantizeTrace(t, quantizer));
  const counts: Record<number, number>[][] = Array.from({ length: k }, () => Array.from({ length: m }, () => ({})));
  const startCounts = new Array<number>(k).fill(0);
  let observations = 0;
  const inRange = (c: number) => Number.isInteger(c) && c >= 0 && c < k;
  for (const qt of walked) {
    if (!inRange(qt.start) || !qt.clusters.every(inRange)) {
      throw new ComplensError(`extractDfa: quantizer "${quantizer.method}" returned a cell outside [0, ${k}); is it fitted, and is its k right?`);
    }
    startCounts[qt.start]++;
    let prev = qt.start;
    qt.symbols.forEach((s, t) => {
      const next = qt.clusters[t];
      const cell = counts[prev][s];
      cell[next] = (cell[next] ?? 0) + 1;
      observations++;
      prev = next;
    });
  }

  const transitions: number[][] = [];
  const perTransition: number[][] = [];
  let conflictTotal = 0;
  let conflicted = 0;
  let observed = 0;
  for (let q = 0; q < k; q++) {
    transitions.push([]);
    perTransition.push([]);
    for (let s = 0; s < m; s++) {
      const { best, bestCount, total } = majority(counts[q][s]);
      transitions[q].push(best);
      perTransition[q].push(total - bestCount);
      conflictTotal += total - bestCount;
      if (total > bestCount) conflicted++;
      if (best >= 0) observed++;
    }
  }

  const starts = startCounts.flatMap((c, q) => (c > 0 ? [q] : []));
  const dfa: Dfa = {
    stateCount: k,
    alphabet: [...alphabet],
    transitions,
    // One shared start cell means the network starts in one state; several mean the input picks it (like lookup tables).
    initial: starts.length === 1 ? starts[0] : -1,
  };
  const outputLabels = walked.some((qt) => qt.outputs) ? majorityOutputs(walked, k) : undefined;
  if (outputLabels) dfa.stateLabels = outputLabels.map((l) => (l < 0 ? '?' : String(l)));
  return {
    dfa,
    counts,
    outputLabels,
    report: {
      k,
      method: quantizer.method,
      observations,
      conflicts: { total: conflictTotal, rate: observations > 0 ? conflictTotal / observations : 0, transitions: conflicted, perTransition },
      observedTransitions: observed,
      undefinedTransitions: k * m - observed,
      startCounts,
    },
  };
}

/** Fit the quantizer on every hidden vector of the traces (initial states included), then extract. */
export function fitAndExtract(traces: readonly Trace[], quantizer: Quantizer, alphabet: readonly string[]): Extraction {
  validateTraces(traces, alphabet.length);
  quantizer.fit(collectVectors(traces));
  return extractDfa(traces, quantizer, alphabet);
}

function majority(cell: Record<number, number>): { best: number; bestCount: number; total: number } {
  let best = -1;
  let bestCount = 0;
  let total = 0;
  for (const [key, count] of Object.entries(cell)) {
    const next = Number(key);
    total += count;
    if (count > bestCount || (count === bestCount && next < best)) {
      best = next;
      bestCount = count;
    }
  }
  return { best, bestCount, total };
}

/** Majority output class per state over the given quantized traces (-1 where none observed; ties → lowest class). */
export function majorityOutputs(walked: readonly QuantizedTrace[], k: number): number[] {
  const votes: Record<number, number>[] = Array.from({ length: k }, () => ({}));
  const vote = (q: number, o: number | undefined) => {
    if (o !== undefined && o >= 0) votes[q][o] = (votes[q][o] ?? 0) + 1;
  };
  for (const qt of walked) {
    vote(qt.start, qt.startOutput);
    qt.clusters.forEach((q, t) => vote(q, qt.outputs?.[t]));
  }
  return votes.map((v) => majority(v).best);
}
