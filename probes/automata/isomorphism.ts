/**
 * DFA isomorphism: a bijection of states that preserves every transition (undefined ↔ undefined), labels (when both
 * automata have them) and the initial state (when both have one). Symbols are matched by index, not by name.
 *
 * Search: pair two states, propagate the pairing along all transitions (which, in a connected automaton, fixes the
 * whole bijection), and backtrack over the candidate partner of the next unpaired state. With an initial state, or
 * with distinct labels, there is at most one candidate and no real search happens.
 */
import { Dfa } from '../../lib/automata/types';
import { ComplensError } from '../../lib/util/errors';

export interface IsomorphismOptions {
  /** Require paired states to have equal labels (only when both automata have `stateLabels`). Default true. */
  respectLabels?: boolean;
  /** Require initial ↔ initial when both have one; when only one does they are not isomorphic. Default true. */
  matchInitial?: boolean;
  /** Limit on tried pairings before giving up with an error (the worst case is exponential). Default 1e6. */
  maxBranches?: number;
}

export interface Isomorphism {
  isomorphic: boolean;
  /** mapping[stateOfA] = stateOfB, when isomorphic. */
  mapping?: number[];
  /** Why not, when that is cheap to say (size, alphabet, initial state); otherwise "no bijection". */
  reason?: string;
}

export function findIsomorphism(a: Dfa, b: Dfa, options: IsomorphismOptions = {}): Isomorphism {
  if (a.stateCount !== b.stateCount) return { isomorphic: false, reason: `state counts differ (${a.stateCount} vs ${b.stateCount})` };
  if (a.alphabet.length !== b.alphabet.length) return { isomorphic: false, reason: `alphabet sizes differ (${a.alphabet.length} vs ${b.alphabet.length})` };
  const matchInitial = options.matchInitial ?? true;
  if (matchInitial && (a.initial < 0) !== (b.initial < 0)) return { isomorphic: false, reason: 'only one automaton has an initial state' };
  const useLabels = (options.respectLabels ?? true) && a.stateLabels !== undefined && b.stateLabels !== undefined;
  const maxBranches = options.maxBranches ?? 1e6;
  const n = a.stateCount;
  const m = a.alphabet.length;
  const map = new Int32Array(n).fill(-1);
  const inv = new Int32Array(n).fill(-1);
  const next = (d: Dfa, q: number, s: number) => d.transitions[q][s] ?? -1;

  // Returns false on contradiction; `trail` records what to undo.
  const propagate = (p0: number, q0: number, trail: number[]): boolean => {
    const stack: Array<[number, number]> = [[p0, q0]];
    while (stack.length > 0) {
      const [p, q] = stack.pop()!;
      if (map[p] === q) continue;
      if (map[p] !== -1 || inv[q] !== -1) return false;
      if (useLabels && a.stateLabels![p] !== b.stateLabels![q]) return false;
      map[p] = q;
      inv[q] = p;
      trail.push(p);
      for (let s = 0; s < m; s++) {
        const ta = next(a, p, s);
        const tb = next(b, q, s);
        if (ta < 0 !== tb < 0) return false;
        if (ta >= 0) stack.push([ta, tb]);
      }
    }
    return true;
  };
  const undo = (trail: number[]) => {
    for (const p of trail) {
      inv[map[p]] = -1;
      map[p] = -1;
    }
  };

  let branches = 0;
  const search = (): boolean => {
    let p = 0;
    while (p < n && map[p] !== -1) p++;
    if (p === n) return true;
    for (let q = 0; q < n; q++) {
      if (inv[q] !== -1) continue;
      if (++branches > maxBranches) throw new ComplensError(`findIsomorphism: gave up after ${maxBranches} pairings (highly symmetric automata); raise maxBranches`);
      const trail: number[] = [];
      if (propagate(p, q, trail) && search()) return true;
      undo(trail);
    }
    return false;
  };

  if (matchInitial && a.initial >= 0 && !propagate(a.initial, b.initial, [])) return { isomorphic: false, reason: 'no bijection from the initial states' };
  return search() ? { isomorphic: true, mapping: Array.from(map) } : { isomorphic: false, reason: 'no bijection' };
}
