/** Fast MLP training on the wasm heap: trainVectorModel's 'fast' engine and populations of MLPs (docs/performance.md). */
export { trainMlpPopulation } from './population';
export type { MlpPopulationMember, MlpMemberResult, MlpPopulationResult, MlpPopulationOptions } from './population';
export { fastVectorUnsupported } from './fast-vector';
export { fastMlpUnsupported, MlpMember } from './mlp';
export { trainVectorJobsParallel } from './parallel';
export type { ParallelJobsOptions } from './parallel';
// The GRU/tanh population trainer (the haystack's engine) and the batched matmul over the backend's SIMD kernels.
export { trainPopulation, initialWeights, populationModelConfig } from './gru-trainer';
export type { PopulationConfig, PopulationMember, MemberState, MemberResult, MemberPoint, PopulationResult, PopulationProgress, PopulationCallbacks } from './gru-trainer';
export { batchMatMul } from '../../backend/simd/kernels';
export type { MatMulEngine } from '../../backend/simd/kernels';
