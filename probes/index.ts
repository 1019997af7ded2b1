/**
 * The instruments half of complens's public API: activation datasets, linear probes, PCA, automaton extraction,
 * equivalence, subnetworks, charts and the verdict. Each instrument's own index is its curated surface; the few
 * names two instruments share are resolved here explicitly.
 */
export * from './activations';
export * from './linear';
export * from './pca';
export * from './charts';
export * from './automata';
export * from './equivalence';
export * from './subnetworks';
export * from './verdict';

// Names two instruments both export: meanSd is one function (lib/util/stats); the table type is the linear probes'.
export { meanSd } from './linear';
export type { ResultTable } from './linear';
export { tableRows as tableSubnetworkRows } from './subnetworks';
export type { TableOptions as ActivationTableOptions } from './activations';
