import { Dfa } from '../../../lib/automata/types';
import { ConfigError } from '../../../lib/util/errors';
import { extractDfa } from '../../../probes/automata/extract';
import { fidelity } from '../../../probes/automata/fidelity';
import { Quantizer } from '../../../probes/automata/quantize';
import { Trace } from '../../../probes/automata/trace';

/** Hand-built traces use 1-d "hidden vectors" whose value is the cell, so every count below can be read off by eye. */
class ExactQuantizer implements Quantizer {
  readonly method = 'exact';
  constructor(readonly k: number) {}
  fit(): this {
    return this;
  }
  assign(v: ArrayLike<number>): number {
    return v[0];
  }
}

const v = (c: number) => [c];
const trace = (start: number | undefined, steps: Array<[number, number]>, outputs?: number[]): Trace => ({
  symbols: steps.map(([s]) => s),
  states: steps.map(([, c]) => v(c)),
  initialState: start === undefined ? undefined : v(start),
  outputs,
});

describe('extractDfa', () => {
  // Alphabet a=0, b=1. Observations of (0,a): →1 three times, →2 once. (1,b): →0 twice, →2 twice (tie).
  const traces: Trace[] = [
    trace(0, [[0, 1], [1, 0]]),
    trace(0, [[0, 1], [1, 2]]),
    trace(0, [[0, 1], [1, 0]]),
    trace(0, [[0, 2]]),
    trace(1, [[1, 2]]),
  ];
  const ex = extractDfa(traces, new ExactQuantizer(3), ['a', 'b']);

  test('majority transitions, ties to the lowest state, unobserved → -1', () => {
    expect(ex.dfa.transitions).toEqual([
      [1, -1],
      [-1, 0],
      [-1, -1],
    ]);
    // Runs start in 0 and in 1: the start is chosen by the input.
    expect(ex.dfa.initial).toBe(-1);
    expect(ex.dfa.stateLabels).toBeUndefined();
  });

  test('conflict counts per transition and in total', () => {
    const r = ex.report;
    expect(r.observations).toBe(8);
    expect(r.conflicts.perTransition).toEqual([
      [1, 0],
      [0, 2],
      [0, 0],
    ]);
    expect(r.conflicts.total).toBe(3);
    expect(r.conflicts.transitions).toBe(2);
    expect(r.conflicts.rate).toBeCloseTo(3 / 8);
    expect(r.observedTransitions).toBe(2);
    // never observed: (0,b), (1,a), (2,a), (2,b)
    expect(r.undefinedTransitions).toBe(4);
    expect(r.startCounts).toEqual([4, 1, 0]);
    expect(ex.counts[0][0]).toEqual({ 1: 3, 2: 1 });
    expect(ex.counts[1][1]).toEqual({ 0: 2, 2: 2 });
  });

  test('without an initial state the first symbol is unobservable; several starts give initial -1', () => {
    const e = extractDfa([trace(undefined, [[0, 1], [1, 2]]), trace(undefined, [[0, 2], [1, 0]])], new ExactQuantizer(3), ['a', 'b']);
    expect(e.report.observations).toBe(2);
    expect(e.dfa.initial).toBe(-1);
    expect(e.dfa.transitions[1][1]).toBe(2);
    expect(e.dfa.transitions[2][1]).toBe(0);
    expect(e.dfa.transitions[0]).toEqual([-1, -1]);
  });

  test('majority outputs label the states', () => {
    const e = extractDfa(
      [trace(0, [[0, 1], [0, 2]], [5, 6]), trace(0, [[0, 1], [0, 2]], [5, 7]), trace(0, [[0, 1]], [4])],
      new ExactQuantizer(3),
      ['a'],
    );
    // state 1 saw outputs 5,5,4 → 5; state 2 saw 6,7 → tie → 6; state 0 never emitted → unknown
    expect(e.outputLabels).toEqual([-1, 5, 6]);
    expect(e.dfa.stateLabels).toEqual(['?', '5', '6']);
  });

  test('bad traces are rejected with the field named', () => {
    expect(() => extractDfa([{ symbols: [0, 1], states: [v(0)] }], new ExactQuantizer(2), ['a', 'b'])).toThrow(ConfigError);
    expect(() => extractDfa([{ symbols: [2], states: [v(0)] }], new ExactQuantizer(2), ['a', 'b'])).toThrow(/traces\[0\]\.symbols\[0\]/);
  });
});

describe('fidelity', () => {
  // 0 -a-> 1 -a-> 0 ; 0 -b-> 0 ; 1 -b-> undefined
  const dfa: Dfa = { stateCount: 2, alphabet: ['a', 'b'], transitions: [[1, 0], [0, -1]], initial: 0 };
  const q = new ExactQuantizer(2);
  const agreeing = trace(0, [[0, 1], [0, 0], [1, 0]], [7, 8, 8]);
  const deviating = trace(0, [[0, 1], [0, 1], [1, 1]], [7, 8, 7]); // network stays in 1 after the second a
  const dying = trace(1, [[1, 0], [0, 0]], [8, 8]); // automaton has no (1,b): dead from the first step

  test('cluster target: steps and whole sequences', () => {
    const f = fidelity(dfa, q, [agreeing, deviating, dying], { kind: 'clusters' });
    // agreeing: 3/3; deviating: predicted 1,0,0 vs 1,1,1 → 1/3; dying: 0/2
    expect(f.steps).toBe(8);
    expect(f.stepAgreement).toBeCloseTo(4 / 8);
    expect(f.sequences).toBe(3);
    expect(f.sequenceAgreement).toBeCloseTo(1 / 3);
    expect(f.deadSteps).toBe(2);
  });

  test('output target goes through the labelling', () => {
    // state 0 → output 8, state 1 → output 7
    const f = fidelity(dfa, q, [agreeing, deviating], { kind: 'outputs', labels: [8, 7] });
    // agreeing predicted states 1,0,0 → 7,8,8 = outputs; deviating 7,8,8 vs 7,8,7 → 2/3
    expect(f.stepAgreement).toBeCloseTo(5 / 6);
    expect(f.sequenceAgreement).toBeCloseTo(1 / 2);
    const noOutputs = fidelity(dfa, q, [{ ...agreeing, outputs: undefined }], { kind: 'outputs', labels: [8, 7] });
    expect(noOutputs.skippedTraces).toBe(1);
    expect(noOutputs.steps).toBe(0);
  });

  test('truth target runs the truth automaton from the start label', () => {
    const truth: Dfa = { stateCount: 2, alphabet: ['a', 'b'], transitions: [[1, 0], [0, 1]], initial: -1 };
    const t = { ...deviating, startLabel: 0 };
    // truth from 0 over a,a,b: 1,0,0. extracted predicted states 1,0,0 mapped identically.
    const f = fidelity(dfa, q, [t, { ...agreeing, startLabel: undefined }], { kind: 'truth', truth, labels: [0, 1] });
    expect(f.stepAgreement).toBe(1);
    expect(f.skippedTraces).toBe(1);
  });
});

describe('extractDfa guards', () => {
  test('a quantizer whose cells exceed its k is reported, not silently indexed', () => {
    const t = trace(0, [[0, 5]]);
    expect(() => extractDfa([t], new ExactQuantizer(3), ['a'])).toThrow(/outside \[0, 3\)/);
  });
});
