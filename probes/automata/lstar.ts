/**
 * Active learning with L* (Angluin 1987), in AALpy's roles: a SystemUnderLearning answers queries by being reset and
 * stepped, an EquivalenceOracle looks for counterexamples, `learnLStar` is the algorithm. The learned automaton is a
 * Moore machine: each state carries the output the system gives when in it.
 *
 * Counterexamples are processed the Maler–Pnueli way (every suffix becomes a column), which keeps the rows of the
 * table pairwise distinct, so the consistency check of the original algorithm is never needed.
 */
import { Dfa } from '../../lib/automata/types';
import { ComplensError } from '../../lib/util/errors';
import { requireInt } from '../../lib/util/validate';

export interface SystemUnderLearning {
  /**
   * Return to the initial state and give its output. Systems that say nothing before the first symbol (an RNN
   * before its first readout) should return a constant; the learner then treats the start as having that output.
   */
  reset(): number;
  /** Read one symbol and give the output of the state reached. */
  step(symbol: number): number;
}

/** A learned or hypothesised Moore machine. `dfa.initial` is a state, `outputs[state]` its output. */
export interface MooreMachine {
  dfa: Dfa;
  outputs: number[];
}

export interface EquivalenceOracle {
  readonly name: string;
  /** A word on which the system and the hypothesis give different outputs, or null when none was found. */
  findCounterexample(hypothesis: MooreMachine): number[] | null;
}

/** Outputs of a Moore machine along a word: [output at start, after symbol 1, ...]; -1 after an undefined transition. */
export function runMoore(machine: MooreMachine, word: readonly number[]): number[] {
  let q = machine.dfa.initial;
  const out = [q < 0 ? -1 : machine.outputs[q]];
  for (const s of word) {
    q = q < 0 ? -1 : machine.dfa.transitions[q][s] ?? -1;
    out.push(q < 0 ? -1 : machine.outputs[q]);
  }
  return out;
}

/** Membership queries with a prefix cache: one query of a word also answers all its prefixes. */
export class QueryCache {
  queries = 0;
  steps = 0;
  private readonly root: CacheNode = { output: undefined, children: new Map() };

  constructor(private readonly sul: SystemUnderLearning) {}

  /** Output after the whole word (the start output for the empty word). */
  output(word: readonly number[]): number {
    let node = this.root;
    let known = node.output !== undefined;
    for (const s of word) {
      const child = node.children.get(s);
      if (!child || child.output === undefined) {
        known = false;
        break;
      }
      node = child;
    }
    if (!known || node.output === undefined) this.query(word);
    return this.lookup(word);
  }

  private lookup(word: readonly number[]): number {
    let node = this.root;
    for (const s of word) node = node.children.get(s)!;
    return node.output!;
  }

  private query(word: readonly number[]): void {
    this.queries++;
    let node = this.root;
    node.output = this.sul.reset();
    for (const s of word) {
      this.steps++;
      const out = this.sul.step(s);
      let child = node.children.get(s);
      if (!child) {
        child = { output: undefined, children: new Map() };
        node.children.set(s, child);
      }
      child.output = out;
      node = child;
    }
  }
}

interface CacheNode {
  output: number | undefined;
  children: Map<number, CacheNode>;
}

export interface LStarOptions {
  /** Equivalence queries before giving up (the last hypothesis is returned with `converged` false). Default 100. */
  maxRounds?: number;
}

export interface LStarResult {
  machine: MooreMachine;
  /** True when the oracle found no counterexample to the returned machine. */
  converged: boolean;
  /** Equivalence queries asked. */
  rounds: number;
  /** Membership queries that reached the system (cache misses) and the symbols they fed it. */
  membershipQueries: number;
  membershipSteps: number;
  counterexamples: number[][];
}

export function learnLStar(sul: SystemUnderLearning, alphabet: readonly string[], oracle: EquivalenceOracle, options: LStarOptions = {}): LStarResult {
  const maxRounds = requireInt(options.maxRounds ?? 100, 'maxRounds', 1);
  const m = alphabet.length;
  const cache = new QueryCache(sul);
  const prefixes: number[][] = [[]];
  const suffixes: number[][] = [[]];
  const suffixKeys = new Set<string>(['']);
  const row = (u: readonly number[]) => suffixes.map((e) => cache.output([...u, ...e])).join(',');

  const counterexamples: number[][] = [];
  let rounds = 0;
  for (;;) {
    // Close the table: every one-symbol extension of a prefix must look like some prefix.
    let rows = prefixes.map(row);
    for (let i = 0; i < prefixes.length; i++) {
      for (let s = 0; s < m; s++) {
        const ext = [...prefixes[i], s];
        const r = row(ext);
        if (!rows.includes(r)) {
          prefixes.push(ext);
          rows.push(r);
        }
      }
    }
    rows = prefixes.map(row);
    const machine: MooreMachine = {
      dfa: {
        stateCount: prefixes.length,
        alphabet: [...alphabet],
        transitions: prefixes.map((u) => Array.from({ length: m }, (_, s) => rows.indexOf(row([...u, s])))),
        initial: 0,
      },
      outputs: prefixes.map((u) => cache.output(u)),
    };
    machine.dfa.stateLabels = machine.outputs.map(String);
    if (rounds >= maxRounds) return finish(machine, false);
    rounds++;
    const cex = oracle.findCounterexample(machine);
    if (!cex) return finish(machine, true);
    const truthOut = cex.map((_, i) => cache.output(cex.slice(0, i + 1)));
    const hypOut = runMoore(machine, cex).slice(1);
    if (cache.output([]) === machine.outputs[0] && truthOut.every((o, i) => o === hypOut[i])) {
      throw new ComplensError(`${oracle.name}: returned [${cex.join(' ')}], on which the system and the hypothesis agree`);
    }
    counterexamples.push(cex);
    for (let i = 0; i < cex.length; i++) {
      const e = cex.slice(i);
      const key = e.join(',');
      if (!suffixKeys.has(key)) {
        suffixKeys.add(key);
        suffixes.push(e);
      }
    }
  }

  function finish(machine: MooreMachine, converged: boolean): LStarResult {
    return { machine, converged, rounds, membershipQueries: cache.queries, membershipSteps: cache.steps, counterexamples };
  }
}
