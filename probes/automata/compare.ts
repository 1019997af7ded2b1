/**
 * Comparison of an extracted automaton with a ground-truth one. The truth state at every step comes from running the
 * truth automaton over the trace's symbols (from its initial state, or from the trace's `startLabel` when it has
 * none, as in lookup tables). Each extracted state is mapped to the truth state it co-occurs with most, and the
 * transitions are checked through that mapping.
 */
import { Dfa } from '../../lib/automata/types';
import { ConfigError } from '../../lib/util/errors';
import { findIsomorphism } from './isomorphism';
import { minimize } from './minimize';
import { QuantizedTrace, QuantizerLike, Trace, quantizeTrace, runDfa, truthStart } from './trace';

export interface TruthMapping {
  /** mapping[extractedState] = truth state it co-occurs with most (ties → lowest), -1 when never co-observed. */
  mapping: number[];
  /** cooccurrence[extractedState][truthState] = steps (start states included) where both held. */
  cooccurrence: number[][];
  /** Share of co-occurrence counts on the mapping (1 = every extracted state sits inside a single truth state). */
  purity: number;
  /** Traces with no known truth start state (skipped). */
  skippedTraces: number;
}

export function truthMapping(traces: readonly Trace[], quantizer: QuantizerLike & { k: number }, truth: Dfa, quantized?: QuantizedTrace[]): TruthMapping {
  const k = quantizer.k;
  const co = Array.from({ length: k }, () => new Array<number>(truth.stateCount).fill(0));
  let skipped = 0;
  traces.forEach((trace, i) => {
    const start = truthStart(truth, trace);
    if (start < 0) {
      skipped++;
      return;
    }
    const qt = quantized?.[i] ?? quantizeTrace(trace, quantizer);
    const run = runDfa(truth, start, trace.symbols);
    const truthAtStart = qt.offset === 0 ? start : run[0];
    if (truthAtStart >= 0) co[qt.start][truthAtStart]++;
    qt.clusters.forEach((c, t) => {
      const r = run[t + qt.offset];
      if (r >= 0) co[c][r]++;
    });
  });
  let onMapping = 0;
  let total = 0;
  const mapping = co.map((row) => {
    let best = -1;
    let bestCount = 0;
    row.forEach((count, r) => {
      total += count;
      if (count > bestCount) {
        best = r;
        bestCount = count;
      }
    });
    onMapping += bestCount;
    return best;
  });
  return { mapping, cooccurrence: co, purity: total > 0 ? onMapping / total : 0, skippedTraces: skipped };
}

export interface TransitionMismatch {
  state: number;
  symbol: number;
  /** Truth state the extracted transition leads to (through the mapping; -1 if its target is unmapped). */
  got: number;
  /** Truth state the truth automaton goes to from mapping[state]. */
  expected: number;
}

export interface Comparison extends TruthMapping {
  /** matchedTransitions / comparedTransitions. */
  transitionMatch: number;
  /** Defined extracted transitions out of mapped states (the ones that can be checked). */
  comparedTransitions: number;
  matchedTransitions: number;
  mismatches: TransitionMismatch[];
  /** Share of truth transitions (t, s) realised correctly by at least one extracted state mapped to t. */
  truthCoverage: number;
  /** Extracted states never co-observed with a truth state; left out of the isomorphism check. */
  unmappedStates: number;
  minimizedStates: { extracted: number; truth: number };
  /** Whether the minimized automata are isomorphic, with labels = truth labels (extracted ones through the mapping). */
  isomorphic: boolean;
  /** minimized extracted state → minimized truth state, when isomorphic. */
  isomorphism?: number[];
}

export function compareWithTruth(extracted: Dfa, quantizer: QuantizerLike & { k: number }, traces: readonly Trace[], truth: Dfa, quantized?: QuantizedTrace[]): Comparison {
  if (extracted.alphabet.length !== truth.alphabet.length) {
    throw new ConfigError('truth.alphabet', `${extracted.alphabet.length} symbols like the extracted automaton`, truth.alphabet);
  }
  if (quantizer.k !== extracted.stateCount) throw new ConfigError('quantizer.k', `${extracted.stateCount} (the extracted automaton's states)`, quantizer.k);
  const tm = truthMapping(traces, quantizer, truth, quantized);
  const { mapping } = tm;
  const m = truth.alphabet.length;

  const mismatches: TransitionMismatch[] = [];
  let compared = 0;
  const realised = truth.transitions.map((row) => row.map(() => false));
  for (let q = 0; q < extracted.stateCount; q++) {
    if (mapping[q] < 0) continue;
    for (let s = 0; s < m; s++) {
      const next = extracted.transitions[q][s];
      if (next < 0) continue;
      compared++;
      const got = mapping[next];
      const expected = truth.transitions[mapping[q]][s];
      if (got >= 0 && got === expected) realised[mapping[q]][s] = true;
      else mismatches.push({ state: q, symbol: s, got, expected });
    }
  }
  const truthDefined = truth.transitions.flat().filter((t) => t >= 0).length;
  const truthRealised = realised.flat().filter(Boolean).length;

  // Isomorphism of behaviours: label both sides with truth labels and minimize, so that a network which splits one
  // truth state into several consistent clusters still counts as having found the automaton.
  const truthLabels = truth.stateLabels ?? Array.from({ length: truth.stateCount }, (_, t) => String(t));
  const mappedStates = mapping.flatMap((t, q) => (t >= 0 ? [q] : []));
  const local = new Map(mappedStates.map((q, i) => [q, i]));
  const restricted: Dfa = {
    stateCount: mappedStates.length,
    alphabet: extracted.alphabet,
    transitions: mappedStates.map((q) => extracted.transitions[q].map((t) => (t >= 0 ? local.get(t) ?? -1 : -1))),
    initial: extracted.initial >= 0 ? local.get(extracted.initial) ?? -1 : -1,
    stateLabels: mappedStates.map((q) => truthLabels[mapping[q]]),
  };
  const minExtracted = minimize(restricted).dfa;
  const minTruth = minimize(truth, { labels: truthLabels }).dfa;
  const iso = findIsomorphism(minExtracted, minTruth, { matchInitial: minExtracted.initial >= 0 && minTruth.initial >= 0 });

  return {
    ...tm,
    transitionMatch: compared > 0 ? (compared - mismatches.length) / compared : 0,
    comparedTransitions: compared,
    matchedTransitions: compared - mismatches.length,
    mismatches,
    truthCoverage: truthDefined > 0 ? truthRealised / truthDefined : 0,
    unmappedStates: extracted.stateCount - mappedStates.length,
    minimizedStates: { extracted: minExtracted.stateCount, truth: minTruth.stateCount },
    isomorphic: iso.isomorphic,
    isomorphism: iso.mapping,
  };
}
