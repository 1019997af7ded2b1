/** Fast MLP training on the wasm heap: trainVectorModel's 'fast' engine and populations of MLPs (docs/performance.md). */
export { trainMlpPopulation } from './population';
export type { MlpPopulationMember, MlpMemberResult, MlpPopulationResult, MlpPopulationOptions } from './population';
export { fastVectorUnsupported } from './fast-vector';
export { fastMlpUnsupported, MlpMember } from './mlp';
export { trainVectorJobsParallel } from './parallel';
export type { ParallelJobsOptions } from './parallel';
