import { Dfa } from '../../../lib/automata/types';
import { Rng } from '../../../lib/util/random';
import { findIsomorphism } from '../../../probes/automata/isomorphism';
import { randomMooreMachine, randomPermutationDfa } from '../../../probes/automata/synthetic';

/** Rename states by a permutation: the result is isomorphic by construction, with `perm` as the witness. */
function relabel(dfa: Dfa, perm: number[]): Dfa {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, q) => (inv[p] = q));
  return {
    ...dfa,
    transitions: inv.map((q) => dfa.transitions[q].map((t) => (t < 0 ? -1 : perm[t]))),
    initial: dfa.initial < 0 ? -1 : perm[dfa.initial],
    stateLabels: dfa.stateLabels ? inv.map((q) => dfa.stateLabels![q]) : undefined,
  };
}

describe('findIsomorphism', () => {
  test('finds the renaming of a permuted copy (no initial state, no labels)', () => {
    const a = { ...randomPermutationDfa(8, 8, 1), stateLabels: undefined };
    const perm = new Rng(2).permutation(8);
    const b = relabel(a, perm);
    const iso = findIsomorphism(a, b);
    expect(iso.isomorphic).toBe(true);
    // Verify the returned bijection independently rather than trusting the flag.
    const map = iso.mapping!;
    expect(new Set(map).size).toBe(8);
    for (let q = 0; q < 8; q++) for (let s = 0; s < 8; s++) expect(b.transitions[map[q]][s]).toBe(map[a.transitions[q][s]]);
  });

  test('with an initial state the search follows it', () => {
    const { dfa } = randomMooreMachine(7, 3, 2, 4);
    const perm = new Rng(3).permutation(7);
    const iso = findIsomorphism(dfa, relabel(dfa, perm));
    expect(iso.isomorphic).toBe(true);
  });

  test('one changed transition breaks it', () => {
    const a = randomPermutationDfa(6, 3, 5);
    const b = relabel(a, new Rng(1).permutation(6));
    b.transitions = b.transitions.map((row) => [...row]);
    // Send one transition somewhere else (no longer a permutation, so certainly not isomorphic).
    b.transitions[0][1] = b.transitions[0][1] === b.transitions[1][1] ? b.transitions[2][1] : b.transitions[1][1];
    expect(findIsomorphism(a, b).isomorphic).toBe(false);
  });

  test('labels must match when respected, and may be ignored', () => {
    const a = randomPermutationDfa(4, 2, 8);
    const b = { ...a, stateLabels: ['x', 'y', 'z', 'w'] };
    expect(findIsomorphism(a, b).isomorphic).toBe(false);
    expect(findIsomorphism(a, b, { respectLabels: false }).isomorphic).toBe(true);
  });

  test('undefined must meet undefined; sizes and initial presence must agree', () => {
    const a: Dfa = { stateCount: 2, alphabet: ['a'], transitions: [[1], [-1]], initial: -1 };
    const b: Dfa = { stateCount: 2, alphabet: ['a'], transitions: [[1], [0]], initial: -1 };
    const c: Dfa = { stateCount: 2, alphabet: ['a'], transitions: [[-1], [0]], initial: -1 };
    expect(findIsomorphism(a, b).isomorphic).toBe(false);
    expect(findIsomorphism(a, c)).toEqual({ isomorphic: true, mapping: [1, 0] });
    expect(findIsomorphism(a, { ...c, stateCount: 3, transitions: [[-1], [0], [2]] }).isomorphic).toBe(false);
    expect(findIsomorphism({ ...a, initial: 0 }, c).isomorphic).toBe(false);
    expect(findIsomorphism({ ...a, initial: 0 }, c, { matchInitial: false }).isomorphic).toBe(true);
  });

  test('several components need backtracking over start pairings', () => {
    // Two disjoint cycles of lengths 2 and 3, listed in different orders.
    const a: Dfa = { stateCount: 5, alphabet: ['a'], transitions: [[1], [0], [3], [4], [2]], initial: -1 };
    const b: Dfa = { stateCount: 5, alphabet: ['a'], transitions: [[1], [2], [0], [4], [3]], initial: -1 };
    expect(findIsomorphism(a, b).isomorphic).toBe(true);
    const c: Dfa = { stateCount: 5, alphabet: ['a'], transitions: [[1], [2], [3], [4], [0]], initial: -1 };
    expect(findIsomorphism(a, c).isomorphic).toBe(false);
  });
});
