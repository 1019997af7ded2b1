/**
 * Hopcroft's partition-refinement minimization for labelled (Moore-style) partial DFAs.
 *
 * Extracted automata have no accepting states; what distinguishes states is their label (output class, truth value).
 * So the initial partition is "same label", and without labels every state is equivalent (the result has one state
 * per block of the sink-completion, usually a single state) — pass labels when the states should mean something.
 * Undefined transitions (-1) go to an implicit sink in a block of its own, so "no transition" is distinguishable
 * from "a transition", and the sink is dropped again (back to -1) in the result.
 */
import { Dfa } from '../../lib/automata/types';
import { ConfigError } from '../../lib/util/errors';

export interface MinimizeOptions {
  /**
   * Labels of the initial partition (states with different labels never merge). Default: `dfa.stateLabels`;
   * `null` ignores labels.
   */
  labels?: readonly string[] | null;
  /** Drop states unreachable from the initial state first. Only applies when `initial` ≥ 0. Default true. */
  pruneUnreachable?: boolean;
}

export interface Minimization {
  dfa: Dfa;
  /** blockOf[originalState] = state of the minimized DFA, or -1 when the state was pruned as unreachable. */
  blockOf: number[];
}

export function minimize(dfa: Dfa, options: MinimizeOptions = {}): Minimization {
  const labels = options.labels === undefined ? dfa.stateLabels : options.labels ?? undefined;
  if (labels && labels.length !== dfa.stateCount) throw new ConfigError('labels', `one label per state (${dfa.stateCount})`, `${labels.length} labels`);
  const n = dfa.stateCount;
  const m = dfa.alphabet.length;
  const kept = options.pruneUnreachable === false || dfa.initial < 0 ? Array.from({ length: n }, (_, q) => q) : reachable(dfa);
  const local = new Map(kept.map((q, i) => [q, i]));
  const sink = kept.length;
  const size = sink + 1;
  const delta = (i: number, s: number): number => {
    if (i === sink) return sink;
    const t = dfa.transitions[kept[i]][s];
    return t === undefined || t < 0 ? sink : local.get(t) ?? sink;
  };

  // Predecessor lists per symbol: Hopcroft walks transitions backwards from each splitter.
  const inverse: number[][][] = Array.from({ length: m }, () => Array.from({ length: size }, () => []));
  for (let i = 0; i < size; i++) for (let s = 0; s < m; s++) inverse[s][delta(i, s)].push(i);

  const blockOf = new Int32Array(size);
  const blocks: number[][] = [];
  const byLabel = new Map<string, number>();
  for (let i = 0; i < sink; i++) {
    const key = labels ? labels[kept[i]] : '';
    let b = byLabel.get(key);
    if (b === undefined) {
      b = blocks.length;
      byLabel.set(key, b);
      blocks.push([]);
    }
    blocks[b].push(i);
    blockOf[i] = b;
  }
  blockOf[sink] = blocks.length;
  blocks.push([sink]);

  // With a multi-block initial partition every block must start as a splitter (not "all but one").
  const work = blocks.map((_, b) => b);
  const inWork = blocks.map(() => true);
  const marked = new Uint8Array(size);
  while (work.length > 0) {
    const a = work.pop()!;
    inWork[a] = false;
    const splitter = blocks[a].slice();
    for (let s = 0; s < m; s++) {
      const touched = new Map<number, number[]>();
      for (const q of splitter) {
        for (const p of inverse[s][q]) {
          if (marked[p]) continue;
          marked[p] = 1;
          const b = blockOf[p];
          const list = touched.get(b);
          if (list) list.push(p);
          else touched.set(b, [p]);
        }
      }
      for (const [b, hit] of touched) {
        for (const p of hit) marked[p] = 0;
        if (hit.length === blocks[b].length) continue;
        const hitSet = new Set(hit);
        const fresh = blocks.length;
        blocks[b] = blocks[b].filter((p) => !hitSet.has(p));
        blocks.push(hit);
        for (const p of hit) blockOf[p] = fresh;
        if (inWork[b]) {
          work.push(fresh);
          inWork.push(true);
        } else {
          // Hopcroft's "smaller half" rule: refining by one half is enough, giving the n log n bound.
          const smaller = hit.length <= blocks[b].length ? fresh : b;
          inWork.push(smaller === fresh);
          if (smaller === b) inWork[b] = true;
          work.push(smaller);
        }
      }
    }
  }

  // Number blocks by their smallest original state so the result does not depend on refinement order.
  const real = blocks.map((members, b) => ({ b, members })).filter(({ members }) => members.length > 0 && members[0] !== sink);
  const least = (members: number[]) => members.reduce((a, b) => Math.min(a, b), Infinity);
  real.sort((x, y) => least(x.members) - least(y.members));
  const newIndex = new Map(real.map(({ b }, i) => [b, i]));
  const stateOf = (i: number) => newIndex.get(blockOf[i]) ?? -1;
  const transitions = real.map(({ members }) => {
    const rep = members[0];
    return Array.from({ length: m }, (_, s) => stateOf(delta(rep, s)));
  });
  const result: Dfa = {
    stateCount: real.length,
    alphabet: [...dfa.alphabet],
    transitions,
    initial: dfa.initial < 0 ? -1 : stateOf(local.get(dfa.initial)!),
  };
  if (labels) result.stateLabels = real.map(({ members }) => labels[kept[members[0]]]);
  const originalToNew = new Array<number>(n).fill(-1);
  kept.forEach((q, i) => (originalToNew[q] = stateOf(i)));
  return { dfa: result, blockOf: originalToNew };
}

/** States reachable from the initial state, in increasing order. */
export function reachable(dfa: Dfa): number[] {
  const seen = new Uint8Array(dfa.stateCount);
  const queue = [dfa.initial];
  seen[dfa.initial] = 1;
  while (queue.length > 0) {
    const q = queue.shift()!;
    for (const t of dfa.transitions[q]) {
      if (t >= 0 && !seen[t]) {
        seen[t] = 1;
        queue.push(t);
      }
    }
  }
  return Array.from({ length: dfa.stateCount }, (_, q) => q).filter((q) => seen[q]);
}
