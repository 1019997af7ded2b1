/**
 * Synthetic automata and fake "networks" with known answers, for testing the extraction pipeline and for sanity
 * checks before pointing it at a real model: if extraction fails here, it will not be trusted there.
 */
import { Dfa } from '../../lib/automata/types';
import { Rng } from '../../lib/util/random';
import { requireInt, requireNumber } from '../../lib/util/validate';
import { MooreMachine } from './lstar';
import { WhiteBoxSystem } from './oracles';
import { nearest } from './quantize';
import { Trace, Vector } from './trace';

/** Lookup-table-like automaton: each symbol permutes the states; no initial state (the input picks the start). */
export function randomPermutationDfa(states: number, symbols: number, seed: number): Dfa {
  requireInt(states, 'states', 1);
  requireInt(symbols, 'symbols', 1);
  const rng = new Rng(seed);
  const perms = Array.from({ length: symbols }, () => rng.permutation(states));
  return {
    stateCount: states,
    alphabet: Array.from({ length: symbols }, (_, s) => `t${s + 1}`),
    transitions: Array.from({ length: states }, (_, q) => perms.map((p) => p[q])),
    initial: -1,
    stateLabels: Array.from({ length: states }, (_, q) => String(q)),
  };
}

/** A random complete Moore machine with initial state 0 (not necessarily minimal or fully reachable). */
export function randomMooreMachine(states: number, symbols: number, outputClasses: number, seed: number): MooreMachine {
  const rng = new Rng(seed);
  const outputs = Array.from({ length: states }, () => rng.int(outputClasses));
  const dfa: Dfa = {
    stateCount: states,
    alphabet: Array.from({ length: symbols }, (_, s) => `a${s}`),
    transitions: Array.from({ length: states }, () => Array.from({ length: symbols }, () => rng.int(states))),
    initial: 0,
    stateLabels: outputs.map(String),
  };
  return { dfa, outputs };
}

export interface SyntheticTraceOptions {
  count: number;
  /** Symbols per trace. */
  length: number;
  /** Hidden size. Default 32. */
  dim?: number;
  /** Standard deviation of the Gaussian noise added to every coordinate. Default 0.05 (embeddings have unit scale). */
  noise?: number;
  /** Seed of the sequences and the noise. */
  seed: number;
  /**
   * Seed of the state embedding. Keep it fixed across calls so train and validation traces come from the same
   * "network". Default 0.
   */
  embeddingSeed?: number;
  /**
   * 'state': the hidden vector encodes the automaton state (a compositional network).
   * 'memorize': it encodes the whole prefix read so far (a look-up of the sequence, no state structure), while the
   * outputs are still correct — the network a behavioural test alone cannot tell apart.
   */
  mode?: 'state' | 'memorize';
}

/**
 * Traces of a fake network running `dfa`. The start state is `dfa.initial` or, without one, uniform (recorded as
 * `startLabel`); outputs are the automaton's state after each symbol.
 */
export function synthesizeTraces(dfa: Dfa, options: SyntheticTraceOptions): Trace[] {
  const count = requireInt(options.count, 'count', 1);
  const length = requireInt(options.length, 'length', 1);
  const dim = requireInt(options.dim ?? 32, 'dim', 1);
  const noise = requireNumber(options.noise ?? 0.05, 'noise', 0);
  const embeddingSeed = options.embeddingSeed ?? 0;
  const mode = options.mode ?? 'state';
  const rng = new Rng(options.seed);
  const point = (label: string) => {
    const r = Rng.derive(embeddingSeed, label);
    return Array.from({ length: dim }, () => r.normal());
  };
  const stateEmbedding = Array.from({ length: dfa.stateCount }, (_, q) => point(`state-${q}`));
  const noisy = (base: number[]) => Float32Array.from(base, (x) => x + noise * rng.normal());

  return Array.from({ length: count }, () => {
    const start = dfa.initial >= 0 ? dfa.initial : rng.int(dfa.stateCount);
    const symbols: number[] = [];
    const states: Float32Array[] = [];
    const outputs: number[] = [];
    const embed = (q: number) => (mode === 'state' ? stateEmbedding[q] : point(`prefix-${start}:${symbols.join(',')}`));
    const initialState = noisy(embed(start));
    let q = start;
    for (let t = 0; t < length; t++) {
      const s = rng.int(dfa.alphabet.length);
      const next = dfa.transitions[q][s];
      if (next < 0) break;
      q = next;
      symbols.push(s);
      states.push(noisy(embed(q)));
      outputs.push(q);
    }
    return { symbols, states, initialState, outputs, ...(dfa.initial < 0 ? { startLabel: start } : {}) };
  });
}

/**
 * A white-box "network" for a Moore machine: each state is a random point, each step adds fresh noise (so the same
 * automaton state has many hidden vectors), and the state is decoded by the nearest point.
 */
export function embeddedMooreSystem(machine: MooreMachine, options: { dim?: number; noise?: number; seed?: number } = {}): WhiteBoxSystem {
  const dim = options.dim ?? 16;
  const noise = options.noise ?? 0.05;
  const seed = options.seed ?? 0;
  const points = Array.from({ length: machine.dfa.stateCount }, (_, q) => {
    const r = Rng.derive(seed, `moore-state-${q}`);
    return Array.from({ length: dim }, () => r.normal());
  });
  const rng = Rng.derive(seed, 'moore-noise');
  const decode = (h: Vector) => nearest(points, h).index;
  const emit = (q: number) => Float32Array.from(points[q], (x) => x + noise * rng.normal());
  return {
    initialState: () => Float32Array.from(points[machine.dfa.initial]),
    next: (h, s) => emit(machine.dfa.transitions[decode(h)][s]),
    output: (h) => machine.outputs[decode(h)],
  };
}
