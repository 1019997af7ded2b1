import { Dfa } from '../../../lib/automata/types';
import { Rng } from '../../../lib/util/random';
import { findIsomorphism } from '../../../probes/automata/isomorphism';
import { minimize } from '../../../probes/automata/minimize';
import { randomPermutationDfa } from '../../../probes/automata/synthetic';

/** Moore's naive refinement (signature = label + blocks of successors, iterated to a fixpoint): an independent oracle for Hopcroft. */
function naiveClasses(dfa: Dfa, labels: readonly string[] | undefined): number[] {
  const n = dfa.stateCount;
  let cls = Array.from({ length: n }, (_, q) => (labels ? labels[q] : ''));
  for (;;) {
    const sig = Array.from({ length: n }, (_, q) => JSON.stringify([cls[q], dfa.transitions[q].map((t) => (t < 0 ? '#sink' : cls[t]))]));
    const ids = new Map<string, number>();
    const next = sig.map((s) => {
      if (!ids.has(s)) ids.set(s, ids.size);
      return String(ids.get(s));
    });
    if (new Set(next).size === new Set(cls).size) return next.map(Number);
    cls = next;
  }
}

function samePartition(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) if ((a[i] === a[j]) !== (b[i] === b[j])) return false;
  return true;
}

describe('minimize (Hopcroft)', () => {
  test('the textbook example (a..f, accepting c,d,e) minimizes to {a,b}, {c,d,e}, {f}', () => {
    // a=0 b=1 c=2 d=3 e=4 f=5; alphabet 0/1
    const dfa: Dfa = {
      stateCount: 6,
      alphabet: ['0', '1'],
      transitions: [
        [1, 2],
        [0, 3],
        [4, 5],
        [4, 5],
        [4, 5],
        [5, 5],
      ],
      initial: 0,
      stateLabels: ['rej', 'rej', 'acc', 'acc', 'acc', 'rej'],
    };
    const { dfa: min, blockOf } = minimize(dfa);
    expect(min.stateCount).toBe(3);
    expect(blockOf[0]).toBe(blockOf[1]);
    expect(blockOf[2]).toBe(blockOf[3]);
    expect(blockOf[3]).toBe(blockOf[4]);
    expect(new Set([blockOf[0], blockOf[2], blockOf[5]]).size).toBe(3);
    expect(min.initial).toBe(blockOf[0]);
    expect(min.transitions[blockOf[0]]).toEqual([blockOf[0], blockOf[2]]);
    expect(min.transitions[blockOf[2]]).toEqual([blockOf[2], blockOf[5]]);
    expect(min.stateLabels![blockOf[2]]).toBe('acc');
  });

  test('duplicated equivalent states collapse back to the original automaton', () => {
    const base = randomPermutationDfa(6, 3, 11);
    const rng = new Rng(5);
    // Three copies of every state; each copy's transitions point at a random copy of the right target.
    const copies = 3;
    const n = base.stateCount * copies;
    const dup: Dfa = {
      stateCount: n,
      alphabet: base.alphabet,
      transitions: Array.from({ length: n }, (_, i) => base.transitions[i % base.stateCount].map((t) => t + base.stateCount * rng.int(copies))),
      initial: -1,
      stateLabels: Array.from({ length: n }, (_, i) => base.stateLabels![i % base.stateCount]),
    };
    const { dfa: min, blockOf } = minimize(dup);
    expect(min.stateCount).toBe(base.stateCount);
    for (let i = 0; i < n; i++) expect(blockOf[i]).toBe(blockOf[i % base.stateCount]);
    expect(findIsomorphism(min, base).isomorphic).toBe(true);
  });

  test('an already minimal automaton stays the same (up to numbering, which here is the identity)', () => {
    const dfa = randomPermutationDfa(8, 8, 3);
    const { dfa: min, blockOf } = minimize(dfa);
    expect(min.stateCount).toBe(8);
    expect(blockOf).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(min.transitions).toEqual(dfa.transitions);
  });

  test('agrees with naive Moore refinement on random partial labelled automata', () => {
    const rng = new Rng(42);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(12);
      const m = 1 + rng.int(3);
      const labelCount = 1 + rng.int(3);
      const dfa: Dfa = {
        stateCount: n,
        alphabet: Array.from({ length: m }, (_, s) => `s${s}`),
        transitions: Array.from({ length: n }, () => Array.from({ length: m }, () => (rng.next() < 0.15 ? -1 : rng.int(n)))),
        initial: -1,
        stateLabels: Array.from({ length: n }, () => `L${rng.int(labelCount)}`),
      };
      const naive = naiveClasses(dfa, dfa.stateLabels);
      const { dfa: min, blockOf } = minimize(dfa);
      expect(min.stateCount).toBe(new Set(naive).size);
      expect(samePartition(blockOf, naive)).toBe(true);
      // The quotient must simulate the original on every transition.
      for (let q = 0; q < n; q++) {
        for (let s = 0; s < m; s++) {
          const t = dfa.transitions[q][s];
          expect(min.transitions[blockOf[q]][s]).toBe(t < 0 ? -1 : blockOf[t]);
        }
        expect(min.stateLabels![blockOf[q]]).toBe(dfa.stateLabels![q]);
      }
    }
  });

  test('undefined transitions act as a sink: "no transition" is distinguishable from "a transition"', () => {
    const dfa: Dfa = {
      stateCount: 3,
      alphabet: ['a'],
      transitions: [[-1], [1], [-1]],
      initial: -1,
    };
    const { dfa: min, blockOf } = minimize(dfa);
    expect(min.stateCount).toBe(2);
    expect(blockOf[0]).toBe(blockOf[2]);
    expect(blockOf[0]).not.toBe(blockOf[1]);
    expect(min.transitions[blockOf[0]][0]).toBe(-1);
  });

  test('labels keep states apart; without labels a complete automaton collapses to one state', () => {
    const dfa = randomPermutationDfa(5, 2, 9);
    expect(minimize(dfa, { labels: null }).dfa.stateCount).toBe(1);
    const twoLabels = ['x', 'x', 'x', 'x', 'y'];
    const min = minimize(dfa, { labels: twoLabels }).dfa;
    expect(min.stateCount).toBeGreaterThan(1);
    expect(min.stateCount).toBe(new Set(naiveClasses(dfa, twoLabels)).size);
  });

  test('unreachable states are dropped when there is an initial state', () => {
    const dfa: Dfa = {
      stateCount: 4,
      alphabet: ['a'],
      transitions: [[1], [0], [3], [2]],
      initial: 0,
      stateLabels: ['p', 'q', 'r', 's'],
    };
    const { dfa: min, blockOf } = minimize(dfa);
    expect(min.stateCount).toBe(2);
    expect(blockOf[2]).toBe(-1);
    expect(blockOf[3]).toBe(-1);
    expect(minimize(dfa, { pruneUnreachable: false }).dfa.stateCount).toBe(4);
  });
});
