/** PCA views of activations: projections on ml-pca and vega-lite scatter specs. See docs/instruments/probes.md. */
export { pcaProject, pcaTransform } from './project';
export type { PcaOptions, PcaProjection } from './project';
export { pcaScatterSpec, projectionRows } from './scatter';
export type { PcaScatterOptions } from './scatter';
