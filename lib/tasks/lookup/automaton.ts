/**
 * The task's ground-truth automaton: a compositional solution *is* this machine (seeds-A §A.5). Its state is the
 * current value, each table name is one symbol whose transition is the table itself, and runs start from the input
 * value, so there is no fixed initial state.
 */
import { Dfa } from '../../automata/types';
import { ConfigError } from '../../util/errors';
import { requireInt } from '../../util/validate';
import { isBijection, tableName, toBits } from './tables';

export function lookupAutomaton(tables: readonly (readonly number[])[], bits: number): Dfa {
  requireInt(bits, 'bits', 1);
  const size = 2 ** bits;
  tables.forEach((table, t) => {
    if (!isBijection(table, size)) throw new ConfigError(`tables[${t}]`, `a permutation of 0..${size - 1}`, table);
  });
  return {
    stateCount: size,
    alphabet: tables.map((_, t) => tableName(t)),
    // transitions are indexed [state][symbol], tables [symbol][state]: transpose.
    transitions: Array.from({ length: size }, (_, s) => tables.map((table) => table[s])),
    initial: -1,
    stateLabels: Array.from({ length: size }, (_, s) => toBits(s, bits)),
  };
}

/**
 * The states visited reading `symbols` from `start`: [start, s1, ..., sk]. An undefined transition (-1, possible in
 * extracted automata) leaves the run in -1 from there on, so partial automata can still be compared step by step.
 */
export function runAutomaton(dfa: Dfa, start: number, symbols: readonly number[]): number[] {
  requireInt(start, 'start', 0, dfa.stateCount - 1);
  const states = [start];
  let s = start;
  for (const [i, symbol] of symbols.entries()) {
    requireInt(symbol, `symbols[${i}]`, 0, dfa.alphabet.length - 1);
    s = s < 0 ? -1 : dfa.transitions[s][symbol];
    states.push(s);
  }
  return states;
}
