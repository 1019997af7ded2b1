import { ComplensError } from '../../../lib/util/errors';
import { findIsomorphism } from '../../../probes/automata/isomorphism';
import { EquivalenceOracle, MooreMachine, QueryCache, SystemUnderLearning, learnLStar, runMoore } from '../../../probes/automata/lstar';
import { minimize } from '../../../probes/automata/minimize';
import { RandomWalkOracle, WhiteBoxOracle, separatingSuffix, sulFromSystem } from '../../../probes/automata/oracles';
import { embeddedMooreSystem, randomMooreMachine } from '../../../probes/automata/synthetic';

/** A black-box SUL backed by a known Moore machine, counting resets. */
function machineSul(machine: MooreMachine): SystemUnderLearning & { resets: number } {
  let q = machine.dfa.initial;
  return {
    resets: 0,
    reset() {
      this.resets++;
      q = machine.dfa.initial;
      return machine.outputs[q];
    },
    step(s: number) {
      q = machine.dfa.transitions[q][s];
      return machine.outputs[q];
    },
  };
}

/** The minimal machine with the same behaviour: what L* must find (states labelled by their outputs). */
const target = (machine: MooreMachine) => minimize(machine.dfa, { labels: machine.outputs.map(String) }).dfa;

describe('learnLStar', () => {
  // Two output classes over 10 states: most states are told apart only by longer suffixes.
  const machines = [randomMooreMachine(10, 3, 2, 1), randomMooreMachine(12, 2, 2, 7), randomMooreMachine(6, 4, 3, 3)];

  test.each(machines.map((m, i) => [i, m] as const))('random-walk oracle learns machine %i exactly', (_i, machine) => {
    const sul = machineSul(machine);
    const result = learnLStar(sul, machine.dfa.alphabet, new RandomWalkOracle(sul, machine.dfa.alphabet.length, { steps: 20000, seed: 1 }));
    expect(result.converged).toBe(true);
    const want = target(machine);
    expect(result.machine.dfa.stateCount).toBe(want.stateCount);
    expect(findIsomorphism(result.machine.dfa, want).isomorphic).toBe(true);
    expect(result.membershipQueries).toBeGreaterThan(0);
  });

  test.each(machines.map((m, i) => [i, m] as const))('white-box oracle learns machine %i exactly through noisy hidden states', (_i, machine) => {
    const system = embeddedMooreSystem(machine, { dim: 12, noise: 0.05, seed: 4 });
    const oracle = new WhiteBoxOracle(system, machine.dfa.alphabet.length);
    const result = learnLStar(sulFromSystem(system), machine.dfa.alphabet, oracle);
    expect(result.converged).toBe(true);
    expect(oracle.exhausted).toBe(false);
    expect(findIsomorphism(result.machine.dfa, target(machine)).isomorphic).toBe(true);
  });

  test('counterexamples from both oracles really separate system and hypothesis', () => {
    const machine = randomMooreMachine(10, 3, 2, 1);
    // A deliberately wrong one-state hypothesis that always says the initial output.
    const wrong: MooreMachine = {
      dfa: { stateCount: 1, alphabet: machine.dfa.alphabet, transitions: [[0, 0, 0]], initial: 0 },
      outputs: [machine.outputs[0]],
    };
    const system = embeddedMooreSystem(machine, { seed: 2 });
    for (const oracle of [new RandomWalkOracle(machineSul(machine), 3, { seed: 5 }), new WhiteBoxOracle(system, 3)]) {
      const cex = oracle.findCounterexample(wrong)!;
      expect(cex).not.toBeNull();
      expect(runMoore(machine, cex)).not.toEqual(runMoore(wrong, cex));
    }
  });

  test('a lying oracle is caught instead of looping', () => {
    const machine = randomMooreMachine(4, 2, 2, 1);
    const liar: EquivalenceOracle = { name: 'liar', findCounterexample: () => [] };
    expect(() => learnLStar(machineSul(machine), machine.dfa.alphabet, liar)).toThrow(ComplensError);
  });

  test('maxRounds stops early with converged false', () => {
    const machine = randomMooreMachine(10, 3, 2, 1);
    const sul = machineSul(machine);
    const r = learnLStar(sul, machine.dfa.alphabet, new RandomWalkOracle(sul, 3, { seed: 1 }), { maxRounds: 1 });
    // The first hypothesis of a 9-state behaviour is wrong, so the single equivalence query finds a counterexample.
    expect(r.rounds).toBe(1);
    expect(r.counterexamples).toHaveLength(1);
    expect(r.converged).toBe(false);
  });
});

describe('QueryCache', () => {
  test('a query answers its prefixes without touching the system again', () => {
    const machine = randomMooreMachine(5, 2, 3, 2);
    const sul = machineSul(machine);
    const cache = new QueryCache(sul);
    const word = [0, 1, 1, 0];
    const full = runMoore(machine, word);
    expect(cache.output(word)).toBe(full[4]);
    for (let i = 0; i <= word.length; i++) expect(cache.output(word.slice(0, i))).toBe(full[i]);
    expect(cache.queries).toBe(1);
    expect(sul.resets).toBe(1);
    cache.output([0, 1, 1, 0, 1]);
    expect(cache.queries).toBe(2);
  });
});

describe('separatingSuffix', () => {
  test('finds the shortest word telling two states apart, null for equivalent ones', () => {
    // 0 -a-> 1 -a-> 2 (output 1); 0,1 output 0; b loops everywhere. 0 and 1 differ only after "a a" vs "a".
    const m: MooreMachine = {
      dfa: { stateCount: 4, alphabet: ['a', 'b'], transitions: [[1, 0], [2, 1], [2, 2], [3, 3]], initial: 0 },
      outputs: [0, 0, 1, 0],
    };
    expect(separatingSuffix(m, 0, 1)).toEqual([0]);
    expect(separatingSuffix(m, 0, 3)).toEqual([0, 0]);
    expect(separatingSuffix(m, 3, 3)).toBeNull();
  });
});
