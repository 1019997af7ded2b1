/**
 * End-to-end on synthetic "networks" with a known automaton (lookup-table-like: 8 states, 8 symbols, each a random
 * permutation). A network whose hidden state encodes the automaton state must be recovered exactly; a noisy one or a
 * memorising one must not be.
 */
import { Dfa } from '../../../lib/automata/types';
import { ConfigError } from '../../../lib/util/errors';
import { compareWithTruth } from '../../../probes/automata/compare';
import { fitAndExtract } from '../../../probes/automata/extract';
import { fidelity } from '../../../probes/automata/fidelity';
import { KMeansQuantizer } from '../../../probes/automata/quantize';
import { selectK } from '../../../probes/automata/select';
import { SyntheticTraceOptions, randomPermutationDfa, synthesizeTraces } from '../../../probes/automata/synthetic';
import { Trace } from '../../../probes/automata/trace';

const truth = randomPermutationDfa(8, 8, 1);
const kValues = [2, 4, 6, 7, 8, 9, 10, 12, 16];

function splits(options: Omit<SyntheticTraceOptions, 'count' | 'seed'>) {
  return {
    train: synthesizeTraces(truth, { ...options, count: 200, seed: 1 }),
    validation: synthesizeTraces(truth, { ...options, count: 100, seed: 2 }),
    test: synthesizeTraces(truth, { ...options, count: 100, seed: 3 }),
  };
}

function extractFixedK(train: Trace[], k: number) {
  const quantizer = new KMeansQuantizer({ k, seed: 0 });
  return { quantizer, extraction: fitAndExtract(train, quantizer, truth.alphabet) };
}

describe('a network that encodes the automaton state (small noise)', () => {
  const { train, validation, test: held } = splits({ length: 6, noise: 0.05 });
  const sel = selectK(train, validation, truth.alphabet, { kValues });
  const cmp = compareWithTruth(sel.extraction.dfa, sel.quantizer, held, truth);

  test('fidelity selects k = 8: fewer states cannot predict, more add nothing', () => {
    expect(sel.k).toBe(8);
    const at = (k: number) => sel.candidates.find((c) => c.k === k)!.fidelity.stepAgreement;
    expect(at(4)).toBeLessThan(0.5);
    expect(at(8)).toBeGreaterThan(0.99);
  });

  test('extraction has no conflicts and every transition observed', () => {
    const r = sel.extraction.report;
    expect(r.conflicts.total).toBe(0);
    expect(r.undefinedTransitions).toBe(0);
    expect(sel.extraction.dfa.initial).toBe(-1);
  });

  test('held-out fidelity ≈ 1 on steps and whole sequences', () => {
    const f = fidelity(sel.extraction.dfa, sel.quantizer, held, { kind: 'outputs', labels: sel.extraction.outputLabels! });
    expect(f.stepAgreement).toBeGreaterThan(0.99);
    expect(f.sequenceAgreement).toBeGreaterThan(0.95);
    const ft = fidelity(sel.extraction.dfa, sel.quantizer, held, { kind: 'truth', truth, labels: cmp.mapping });
    expect(ft.stepAgreement).toBeGreaterThan(0.99);
  });

  test('the automaton is isomorphic to the truth and every transition matches', () => {
    expect(cmp.isomorphic).toBe(true);
    expect(cmp.purity).toBeGreaterThan(0.99);
    expect(cmp.transitionMatch).toBe(1);
    expect(cmp.mismatches).toHaveLength(0);
    expect(cmp.truthCoverage).toBe(1);
    expect(new Set(cmp.mapping).size).toBe(8);
    // The isomorphism witness must agree with the co-occurrence mapping (both say which cluster is which value).
    for (let q = 0; q < 8; q++) for (let s = 0; s < 8; s++) expect(cmp.mapping[sel.extraction.dfa.transitions[q][s]]).toBe(truth.transitions[cmp.mapping[q]][s]);
  });

  test('selecting k against the truth automaton agrees', () => {
    const byTruth = selectK(train, validation, truth.alphabet, { kValues, target: { truth } });
    expect(byTruth.k).toBe(8);
  });
});

describe('a network that splits each state in two consistent copies', () => {
  // Odd steps live in a shifted copy of the embedding: 16 clusters, but the behaviour is still the 8-state automaton.
  const shift = (traces: Trace[]) =>
    traces.map((t) => ({ ...t, states: t.states.map((v, i) => (i % 2 === 0 ? Float32Array.from(v, (x) => x + 20) : v)) }));
  const { train, test: held } = splits({ length: 6, noise: 0.05 });
  const { quantizer, extraction } = extractFixedK(shift(train), 16);
  const cmp = compareWithTruth(extraction.dfa, quantizer, shift(held), truth);

  test('16 extracted states, conflict-free, minimizing to the 8-state truth', () => {
    expect(extraction.report.conflicts.total).toBe(0);
    expect(cmp.transitionMatch).toBe(1);
    expect(cmp.minimizedStates).toEqual({ extracted: 8, truth: 8 });
    expect(cmp.isomorphic).toBe(true);
  });
});

describe('networks without the automaton inside', () => {
  test('large noise: clusters no longer track states', () => {
    const { train, test: held } = splits({ length: 6, noise: 3 });
    const { quantizer, extraction } = extractFixedK(train, 8);
    const cmp = compareWithTruth(extraction.dfa, quantizer, held, truth);
    const f = fidelity(extraction.dfa, quantizer, held, { kind: 'outputs', labels: extraction.outputLabels! });
    expect(cmp.isomorphic).toBe(false);
    expect(cmp.transitionMatch).toBeLessThan(0.8);
    expect(f.stepAgreement).toBeLessThan(0.5);
    expect(extraction.report.conflicts.rate).toBeGreaterThan(0.3);
  });

  test('memorising network: hidden state depends on the whole prefix, outputs still correct', () => {
    const { train, validation, test: held } = splits({ length: 6, noise: 0.05, mode: 'memorize' });
    const sel = selectK(train, validation, truth.alphabet, { kValues });
    const cmp = compareWithTruth(sel.extraction.dfa, sel.quantizer, held, truth);
    const f = fidelity(sel.extraction.dfa, sel.quantizer, held, { kind: 'outputs', labels: sel.extraction.outputLabels! });
    expect(cmp.isomorphic).toBe(false);
    expect(cmp.transitionMatch).toBeLessThan(0.5);
    expect(f.stepAgreement).toBeLessThan(0.5);
    expect(sel.bestStepAgreement).toBeLessThan(0.5);
  });
});

describe('guards', () => {
  test("selectK with target 'outputs' needs outputs", () => {
    const { train, validation } = splits({ length: 3 });
    const bare = train.map(({ outputs: _o, ...t }) => t);
    expect(() => selectK(bare, validation, truth.alphabet, { kValues: [8] })).toThrow(ConfigError);
  });

  test('comparison needs matching alphabets and a quantizer of the automaton', () => {
    const { train } = splits({ length: 3 });
    const { quantizer, extraction } = extractFixedK(train, 8);
    const other: Dfa = { ...truth, alphabet: ['x'], transitions: truth.transitions.map((r) => [r[0]]) };
    expect(() => compareWithTruth(extraction.dfa, quantizer, train, other)).toThrow(ConfigError);
    expect(() => compareWithTruth(extraction.dfa, new KMeansQuantizer({ k: 3 }), train, truth)).toThrow(ConfigError);
  });
});
