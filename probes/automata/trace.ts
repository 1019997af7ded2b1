/**
 * Hidden-state traces and the two ways of walking them: through a quantizer (network states → cluster ids) and
 * through an automaton (a start state and symbols → predicted states). Everything else in probes/automata is
 * built on these two walks, so their alignment conventions live in one place.
 */
import { Dfa } from '../../lib/automata/types';
import { ConfigError } from '../../lib/util/errors';

/** A vector in hidden space; Float32Array from the network, plain arrays in hand-built tests. */
export type Vector = ArrayLike<number>;

/** One sequence processed by a network. */
export interface Trace {
  /** Symbol indices into the alphabet, one per step. */
  symbols: number[];
  /** Hidden vector after each symbol (same length as `symbols`). */
  states: Vector[];
  /** Hidden vector before the first symbol. Without it the first symbol's transition is unobservable. */
  initialState?: Vector;
  /** Ground-truth label of the start state (e.g. the input value when the input chooses the start state). */
  startLabel?: number;
  /** The network's output class after each symbol (same length as `symbols`). */
  outputs?: number[];
}

/**
 * A trace seen through a quantizer. Aligned so that `clusters[t]` is the state reached by reading `symbols[t]`
 * from `clusters[t-1]` (or from `start` for t = 0). When the trace has no `initialState`, its first state vector
 * becomes the start and the first symbol is dropped (`offset` = 1), because no transition into it was observed.
 */
export interface QuantizedTrace {
  start: number;
  symbols: number[];
  clusters: number[];
  /** Network outputs aligned with `clusters`, if the trace has them. */
  outputs?: number[];
  /** Output of the start state when it is a state vector of the trace (offset 1); undefined otherwise. */
  startOutput?: number;
  /** How many leading symbols of the original trace were dropped (0 or 1). */
  offset: number;
}

export interface QuantizerLike {
  assign(vector: Vector): number;
}

export function quantizeTrace(trace: Trace, quantizer: QuantizerLike): QuantizedTrace {
  const offset = trace.initialState ? 0 : 1;
  const start = quantizer.assign(trace.initialState ?? trace.states[0]);
  const clusters = trace.states.slice(offset).map((v) => quantizer.assign(v));
  return {
    start,
    symbols: trace.symbols.slice(offset),
    clusters,
    outputs: trace.outputs?.slice(offset),
    startOutput: offset === 1 ? trace.outputs?.[0] : undefined,
    offset,
  };
}

/** Every hidden vector of the traces (initial states first within each trace), e.g. to fit a quantizer. */
export function collectVectors(traces: readonly Trace[]): Vector[] {
  const out: Vector[] = [];
  for (const t of traces) {
    if (t.initialState) out.push(t.initialState);
    for (const v of t.states) out.push(v);
  }
  return out;
}

/**
 * States visited by `dfa` from `start` over `symbols`: result[t] is the state after symbols[t]. Once a transition is
 * undefined the run is dead and every later entry is -1 (an automaton that cannot continue predicts nothing).
 */
export function runDfa(dfa: Dfa, start: number, symbols: readonly number[]): number[] {
  const out: number[] = new Array(symbols.length);
  let q = start;
  for (let t = 0; t < symbols.length; t++) {
    q = q < 0 ? -1 : dfa.transitions[q][symbols[t]] ?? -1;
    out[t] = q;
  }
  return out;
}

/**
 * Start state of a ground-truth run: the automaton's own initial state, else the trace's `startLabel` (lookup tables
 * start in the state named by the input). -1 when neither is known.
 */
export function truthStart(truth: Dfa, trace: Trace): number {
  if (truth.initial >= 0) return truth.initial;
  const s = trace.startLabel;
  return s !== undefined && Number.isInteger(s) && s >= 0 && s < truth.stateCount ? s : -1;
}

/** Checks the shape of traces crossing the library boundary; throws ConfigError naming the bad field. */
export function validateTraces(traces: readonly Trace[], alphabetSize: number, field = 'traces'): void {
  if (!Array.isArray(traces) || traces.length === 0) throw new ConfigError(field, 'a non-empty array of traces', traces);
  let dim = -1;
  const checkVector = (v: Vector | undefined, f: string) => {
    if (!v || typeof v.length !== 'number' || v.length === 0) throw new ConfigError(f, 'a non-empty vector', v);
    if (dim < 0) dim = v.length;
    else if (v.length !== dim) throw new ConfigError(f, `a vector of length ${dim} like the others`, `length ${v.length}`);
  };
  traces.forEach((t: Trace, i: number) => {
    const f = `${field}[${i}]`;
    if (!t || !Array.isArray(t.symbols)) throw new ConfigError(`${f}.symbols`, 'an array of symbol indices', t?.symbols);
    if (!Array.isArray(t.states) || t.states.length !== t.symbols.length) {
      throw new ConfigError(`${f}.states`, `one vector per symbol (${t.symbols.length})`, `${t.states?.length} vectors`);
    }
    if (t.symbols.length === 0 && !t.initialState) throw new ConfigError(f, 'at least one symbol or an initialState', 'an empty trace');
    t.symbols.forEach((s: number, j: number) => {
      if (!Number.isInteger(s) || s < 0 || s >= alphabetSize) throw new ConfigError(`${f}.symbols[${j}]`, `an integer in [0, ${alphabetSize - 1}]`, s);
    });
    if (t.initialState) checkVector(t.initialState, `${f}.initialState`);
    t.states.forEach((v: Vector, j: number) => checkVector(v, `${f}.states[${j}]`));
    if (t.outputs && t.outputs.length !== t.symbols.length) {
      throw new ConfigError(`${f}.outputs`, `one output per symbol (${t.symbols.length})`, `${t.outputs.length} outputs`);
    }
  });
}
