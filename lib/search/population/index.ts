/** The fast population trainer for the haystack search (see docs/performance.md). */
export { trainPopulation, initialWeights, populationModelConfig } from './trainer';
export type { PopulationConfig, PopulationMember, MemberState, MemberResult, MemberPoint, PopulationResult, PopulationProgress, PopulationCallbacks } from './trainer';
export { batchMatMul } from './kernels';
export type { MatMulEngine } from './kernels';
