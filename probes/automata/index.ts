/**
 * Automaton extraction from recurrent hidden states (passive: quantize → extract → minimize → fidelity → compare)
 * and active learning (L* with swappable equivalence oracles). See docs/instruments/automata.md.
 */
export type { Dfa } from '../../lib/automata/types';
export * from './trace';
export * from './quantize';
export * from './extract';
export * from './fidelity';
export * from './select';
export * from './minimize';
export * from './isomorphism';
export * from './compare';
export * from './lstar';
export * from './oracles';
export * from './export';
export * from './synthetic';
export * from './lookup-model';
export * from './registry';
