/**
 * Choosing the number of states by fidelity: for each candidate k, fit the quantizer and extract on the training
 * traces, then score fidelity on validation traces. The chosen k is the smallest whose step agreement is within
 * `tolerance` of the best — more states than that only fit noise (or memorise) without predicting better.
 */
import { Dfa } from '../../lib/automata/types';
import { ConfigError } from '../../lib/util/errors';
import { requireInt, requireNumber } from '../../lib/util/validate';
import { truthMapping } from './compare';
import { Extraction, extractDfa } from './extract';
import { FidelityReport, FidelityTarget, fidelity } from './fidelity';
import { KMeansQuantizer, Quantizer } from './quantize';
import { Trace, collectVectors, quantizeTrace, validateTraces } from './trace';

export interface SelectKOptions {
  /** Candidate numbers of states, e.g. [2, 3, ..., 16]. */
  kValues: readonly number[];
  /** Absolute slack on validation step agreement. Default 0.01. */
  tolerance?: number;
  /**
   * Labels compared with: the network's outputs (default; labels = majority output per state on training traces)
   * or a ground-truth automaton (labels = majority truth state per state on training traces). Cluster identity is
   * not offered: it is trivially perfect at k = 1.
   */
  target?: 'outputs' | { truth: Dfa };
  /** Builds the quantizer for a candidate k. Default: k-means with 5 restarts and `seed`. */
  makeQuantizer?: (k: number) => Quantizer;
  /** Seed of the default k-means. Default 0. */
  seed?: number;
}

export interface KCandidate {
  k: number;
  fidelity: FidelityReport;
  conflictRate: number;
}

export interface KSelection {
  k: number;
  quantizer: Quantizer;
  extraction: Extraction;
  /** Validation fidelity of the chosen k. */
  fidelity: FidelityReport;
  /** Every candidate in the order tried. */
  candidates: KCandidate[];
  /** Best validation step agreement over all candidates; the chosen k is within `tolerance` of it. */
  bestStepAgreement: number;
}

export function selectK(train: readonly Trace[], validation: readonly Trace[], alphabet: readonly string[], options: SelectKOptions): KSelection {
  validateTraces(train, alphabet.length, 'train');
  validateTraces(validation, alphabet.length, 'validation');
  if (!Array.isArray(options.kValues) || options.kValues.length === 0) throw new ConfigError('kValues', 'a non-empty array of integers', options.kValues);
  const kValues = [...options.kValues].map((k, i) => requireInt(k, `kValues[${i}]`, 1)).sort((a, b) => a - b);
  const tolerance = requireNumber(options.tolerance ?? 0.01, 'tolerance', 0, 1);
  const target = options.target ?? 'outputs';
  if (target === 'outputs' && !train.every((t) => t.outputs)) throw new ConfigError('train[].outputs', "outputs on every trace when target is 'outputs'", 'traces without outputs');
  const seed = options.seed ?? 0;
  const make = options.makeQuantizer ?? ((k: number) => new KMeansQuantizer({ k, seed }));
  const vectors = collectVectors(train);

  const runs = kValues.map((k) => {
    const quantizer = make(k).fit(vectors);
    const walked = train.map((t) => quantizeTrace(t, quantizer));
    const extraction = extractDfa(train, quantizer, alphabet, { quantized: walked });
    const fidelityTarget: FidelityTarget =
      target === 'outputs'
        ? { kind: 'outputs', labels: extraction.outputLabels ?? [] }
        : { kind: 'truth', truth: target.truth, labels: truthMapping(train, quantizer, target.truth, walked).mapping };
    const report = fidelity(extraction.dfa, quantizer, validation, fidelityTarget);
    return { k, quantizer, extraction, fidelity: report };
  });
  const best = Math.max(...runs.map((r) => r.fidelity.stepAgreement));
  const chosen = runs.find((r) => r.fidelity.stepAgreement >= best - tolerance)!;
  return {
    k: chosen.k,
    quantizer: chosen.quantizer,
    extraction: chosen.extraction,
    fidelity: chosen.fidelity,
    bestStepAgreement: best,
    candidates: runs.map((r) => ({ k: r.k, fidelity: r.fidelity, conflictRate: r.extraction.report.conflicts.rate })),
  };
}
