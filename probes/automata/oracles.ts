/**
 * Equivalence oracles for L*. Swappable, as in AALpy: a black-box random walk, and a white-box oracle that looks
 * inside the network's state space in the style of Weiss, Goldberg & Yahav (2018, "Extracting automata from recurrent
 * neural networks using queries and counterexamples").
 */
import { ComplensError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/random';
import { requireInt, requireNumber } from '../../lib/util/validate';
import { EquivalenceOracle, MooreMachine, SystemUnderLearning, runMoore } from './lstar';
import { nearest, squaredDistance } from './quantize';
import { Vector } from './trace';

export interface RandomWalkOptions {
  /** Symbols fed per equivalence query. Default 5000. */
  steps?: number;
  /** Chance of a reset before each symbol, which bounds the counterexample length. Default 0.1. */
  resetProbability?: number;
  seed?: number;
}

/** Walk the system and the hypothesis side by side on random symbols; the first differing output ends the walk. */
export class RandomWalkOracle implements EquivalenceOracle {
  readonly name = 'random-walk';
  /** Symbols fed to the system so far (over all queries). */
  stepsUsed = 0;
  private readonly steps: number;
  private readonly resetProbability: number;
  private readonly rng: Rng;

  constructor(private readonly sul: SystemUnderLearning, private readonly alphabetSize: number, options: RandomWalkOptions = {}) {
    requireInt(alphabetSize, 'alphabetSize', 1);
    this.steps = requireInt(options.steps ?? 5000, 'steps', 1);
    this.resetProbability = requireNumber(options.resetProbability ?? 0.1, 'resetProbability', 0, 1);
    this.rng = new Rng(options.seed ?? 0);
  }

  findCounterexample(hypothesis: MooreMachine): number[] | null {
    let word: number[] = [];
    let q = hypothesis.dfa.initial;
    if (this.sul.reset() !== hypothesis.outputs[q]) return [];
    for (let i = 0; i < this.steps; i++) {
      if (word.length > 0 && this.rng.next() < this.resetProbability) {
        word = [];
        q = hypothesis.dfa.initial;
        this.sul.reset();
      }
      const s = this.rng.int(this.alphabetSize);
      word.push(s);
      this.stepsUsed++;
      const out = this.sul.step(s);
      q = q < 0 ? -1 : hypothesis.dfa.transitions[q][s];
      if (q < 0 || out !== hypothesis.outputs[q]) return word;
    }
    return null;
  }
}

/** A network seen from inside: a pure transition function on hidden vectors plus a readout. */
export interface WhiteBoxSystem {
  initialState(): Vector;
  next(state: Vector, symbol: number): Vector;
  output(state: Vector): number;
}

/** The black-box view of a white-box system, for membership queries. */
export function sulFromSystem(system: WhiteBoxSystem): SystemUnderLearning {
  let h = system.initialState();
  return {
    reset: () => {
      h = system.initialState();
      return system.output(h);
    },
    step: (symbol) => {
      h = system.next(h, symbol);
      return system.output(h);
    },
  };
}

export interface WhiteBoxOptions {
  /** Network states visited per exploration before declaring "no counterexample". Default 20000. */
  maxVisits?: number;
  /** Partition refinements per equivalence query before giving up. Default 500. */
  maxRefinements?: number;
  /**
   * Steps to keep following a network state whose cell was already visited with the same hypothesis state.
   * 0 is Weiss et al.'s exploration (one representative per cell); it misses hypotheses that are wrong inside a
   * too-coarse cell, which this look-ahead catches at a cost of |alphabet|^lookahead per revisit. Default 2.
   */
  lookahead?: number;
}

/**
 * Explores the network breadth-first through an abstraction of its state space (a Voronoi partition: nearest of a
 * set of centres), in parallel with the hypothesis. When two network states in the same cell sit in different
 * hypothesis states, either the hypothesis is wrong — a suffix separating the two hypothesis states exposes it, and
 * that is the counterexample — or the network really distinguishes them and the cell is too coarse: it is split by
 * adding both vectors as centres (Weiss et al. split with an SVM; a Voronoi split is the simplest local refinement),
 * and the exploration restarts. The partition persists across queries, as in the paper.
 */
export class WhiteBoxOracle implements EquivalenceOracle {
  readonly name = 'white-box';
  /** Centres of the current partition of hidden space. */
  centres: Vector[] = [];
  refinements = 0;
  visits = 0;
  /** True when the last query stopped at a limit rather than completing the exploration. */
  exhausted = false;
  private readonly maxVisits: number;
  private readonly maxRefinements: number;
  private readonly lookahead: number;

  constructor(private readonly system: WhiteBoxSystem, private readonly alphabetSize: number, options: WhiteBoxOptions = {}) {
    requireInt(alphabetSize, 'alphabetSize', 1);
    this.maxVisits = requireInt(options.maxVisits ?? 20000, 'maxVisits', 1);
    this.maxRefinements = requireInt(options.maxRefinements ?? 500, 'maxRefinements', 0);
    this.lookahead = requireInt(options.lookahead ?? 2, 'lookahead', 0);
  }

  findCounterexample(hypothesis: MooreMachine): number[] | null {
    this.exhausted = false;
    const h0 = this.system.initialState();
    if (this.centres.length === 0) this.centres.push(h0);
    const q0 = hypothesis.dfa.initial;
    if (this.system.output(h0) !== hypothesis.outputs[q0]) return [];
    for (let refinement = 0; refinement <= this.maxRefinements; refinement++) {
      const result = this.explore(hypothesis, h0);
      if (result.kind !== 'refine') return result.kind === 'counterexample' ? result.word : null;
      this.refinements++;
      for (const v of result.split) if (nearest(this.centres, v).distance > 0) this.centres.push(v);
    }
    this.exhausted = true;
    return null;
  }

  private explore(hyp: MooreMachine, h0: Vector): ExploreResult {
    interface Visit {
      h: Vector;
      q: number;
      word: number[];
      /** Further steps allowed through already-visited cells. */
      budget: number;
    }
    const first: Visit = { h: h0, q: hyp.dfa.initial, word: [], budget: this.lookahead };
    const seen = new Map<number, Visit>([[this.cell(h0), first]]);
    const queue: Visit[] = [first];
    let visits = 0;
    while (queue.length > 0) {
      const { h, q, word, budget } = queue.shift()!;
      for (let s = 0; s < this.alphabetSize; s++) {
        if (++visits > this.maxVisits) {
          this.exhausted = true;
          return { kind: 'none' };
        }
        this.visits++;
        const h2 = this.system.next(h, s);
        const q2 = hyp.dfa.transitions[q][s] ?? -1;
        const w2 = [...word, s];
        if (q2 < 0 || this.system.output(h2) !== hyp.outputs[q2]) return { kind: 'counterexample', word: w2 };
        const c = this.cell(h2);
        const other = seen.get(c);
        if (!other) {
          const visit = { h: h2, q: q2, word: w2, budget: this.lookahead };
          seen.set(c, visit);
          queue.push(visit);
        } else if (other.q !== q2) {
          const cex = this.checkConflict(hyp, { h: h2, q: q2, word: w2 }, other);
          if (cex) return { kind: 'counterexample', word: cex };
          return { kind: 'refine', split: [h2, other.h] };
        } else if (budget > 0) {
          queue.push({ h: h2, q: q2, word: w2, budget: budget - 1 });
        }
      }
    }
    return { kind: 'none' };
  }

  /** Run both network states along a suffix separating their hypothesis states; a disagreement is a counterexample. */
  private checkConflict(hyp: MooreMachine, a: { h: Vector; q: number; word: number[] }, b: { h: Vector; q: number; word: number[] }): number[] | null {
    const suffix = separatingSuffix(hyp, a.q, b.q);
    if (!suffix) throw new ComplensError('WhiteBoxOracle: the hypothesis has two equivalent states; pass a minimal hypothesis');
    for (const v of [a, b]) {
      const hypOut = runMoore({ dfa: { ...hyp.dfa, initial: v.q }, outputs: hyp.outputs }, suffix);
      let h = v.h;
      for (let i = 0; i < suffix.length; i++) {
        h = this.system.next(h, suffix[i]);
        if (this.system.output(h) !== hypOut[i + 1]) return [...v.word, ...suffix.slice(0, i + 1)];
      }
    }
    if (squaredDistance(a.h, b.h) === 0) throw new ComplensError('WhiteBoxOracle: the system is not deterministic (one hidden state, two behaviours)');
    return null;
  }

  private cell(h: Vector): number {
    return nearest(this.centres, h).index;
  }
}

type ExploreResult = { kind: 'none' } | { kind: 'counterexample'; word: number[] } | { kind: 'refine'; split: Vector[] };

/** Shortest word on which two states of a Moore machine give different outputs (breadth-first over state pairs). */
export function separatingSuffix(machine: MooreMachine, p: number, q: number): number[] | null {
  // Shifted by one so that the dead state -1 gets a key too.
  const key = (a: number, b: number) => (a + 1) * (machine.dfa.stateCount + 1) + (b + 1);
  const seen = new Set([key(p, q)]);
  const queue: Array<[number, number, number[]]> = [[p, q, []]];
  while (queue.length > 0) {
    const [a, b, word] = queue.shift()!;
    const outA = a < 0 ? -1 : machine.outputs[a];
    const outB = b < 0 ? -1 : machine.outputs[b];
    if (outA !== outB) return word;
    if (a < 0 || b < 0) continue;
    for (let s = 0; s < machine.dfa.alphabet.length; s++) {
      const a2 = machine.dfa.transitions[a][s];
      const b2 = machine.dfa.transitions[b][s];
      if (a2 === b2) continue;
      if (!seen.has(key(a2, b2))) {
        seen.add(key(a2, b2));
        queue.push([a2, b2, [...word, s]]);
      }
    }
  }
  return null;
}
