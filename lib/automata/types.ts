/**
 * A deterministic finite automaton, shared by the tasks (their ground-truth automata) and by the automaton
 * extraction instruments (probes/automata). Plain data so it serialises to JSON as is.
 */
export interface Dfa {
  /** Number of states; states are 0..stateCount-1. */
  stateCount: number;
  /** Input symbols, e.g. ["t1", ..., "t8"]; symbol indices refer to this list. */
  alphabet: string[];
  /** transitions[state][symbol] = next state, or -1 where undefined. */
  transitions: number[][];
  /** Start state, or -1 when runs start from a state chosen by the input (as in lookup tables). */
  initial: number;
  /** Optional label of each state (e.g. the intermediate value it stands for); used to compare automata. */
  stateLabels?: string[];
}
