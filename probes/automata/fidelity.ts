/**
 * Fidelity: does the extracted automaton, started from the network's (quantized) start state and fed the same
 * symbols, predict what the network does? Measured on held-out traces; the automaton never sees their later states.
 */
import { Dfa } from '../../lib/automata/types';
import { ConfigError } from '../../lib/util/errors';
import { QuantizerLike, QuantizedTrace, Trace, quantizeTrace, runDfa, truthStart } from './trace';

/**
 * What a predicted state is compared with:
 * - clusters: the network's own quantized state (labelling = identity). Degenerate for choosing k: k = 1 always scores 1.
 * - outputs: the network's output class; `labels[state]` is the class the automaton predicts in that state
 *   (usually `Extraction.outputLabels`, learned on the training traces).
 * - truth: the ground-truth automaton's state, run from `truthStart`; `labels[state]` is the truth state the
 *   extracted state stands for (usually `Comparison.mapping`).
 */
export type FidelityTarget =
  | { kind: 'clusters' }
  | { kind: 'outputs'; labels: readonly number[] }
  | { kind: 'truth'; truth: Dfa; labels: readonly number[] };

export interface FidelityReport {
  target: FidelityTarget['kind'];
  /** Agreeing steps / compared steps. A step is one symbol; the start state is given, not predicted. */
  stepAgreement: number;
  /** Traces whose every compared step agrees / traces with at least one compared step. */
  sequenceAgreement: number;
  steps: number;
  sequences: number;
  /** Compared steps at which the automaton had already hit an undefined transition (always counted as disagreeing). */
  deadSteps: number;
  /** Traces without a reference sequence (no outputs, or no known truth start). */
  skippedTraces: number;
}

export function fidelity(dfa: Dfa, quantizer: QuantizerLike, traces: readonly Trace[], target: FidelityTarget, quantized?: QuantizedTrace[]): FidelityReport {
  if (target.kind !== 'clusters' && !Array.isArray(target.labels)) throw new ConfigError('target.labels', 'an array mapping states to labels', target.labels);
  let steps = 0;
  let agree = 0;
  let sequences = 0;
  let sequencesAgree = 0;
  let dead = 0;
  let skipped = 0;
  traces.forEach((trace, i) => {
    const qt = quantized?.[i] ?? quantizeTrace(trace, quantizer);
    const reference = referenceSequence(trace, qt, target);
    if (!reference) {
      skipped++;
      return;
    }
    const predicted = runDfa(dfa, qt.start, qt.symbols);
    let compared = 0;
    let allAgree = true;
    for (let t = 0; t < predicted.length; t++) {
      // A reference of -1 (truth automaton undefined there, or an unknown output) gives nothing to compare with.
      if (reference[t] < 0) continue;
      compared++;
      const q = predicted[t];
      if (q < 0) dead++;
      const label = q < 0 ? -1 : target.kind === 'clusters' ? q : target.labels[q] ?? -1;
      if (label >= 0 && label === reference[t]) agree++;
      else allAgree = false;
    }
    if (compared === 0) return;
    steps += compared;
    sequences++;
    if (allAgree) sequencesAgree++;
  });
  return {
    target: target.kind,
    stepAgreement: steps > 0 ? agree / steps : 0,
    sequenceAgreement: sequences > 0 ? sequencesAgree / sequences : 0,
    steps,
    sequences,
    deadSteps: dead,
    skippedTraces: skipped,
  };
}

function referenceSequence(trace: Trace, qt: QuantizedTrace, target: FidelityTarget): readonly number[] | undefined {
  switch (target.kind) {
    case 'clusters':
      return qt.clusters;
    case 'outputs':
      return qt.outputs;
    case 'truth': {
      const start = truthStart(target.truth, trace);
      return start < 0 ? undefined : runDfa(target.truth, start, trace.symbols).slice(qt.offset);
    }
  }
}
