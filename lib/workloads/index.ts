/** Workloads: the registry (lib/workloads/registry.ts), the entry type, and the shared sequence and vector parts. */
export * from './types';
export { DEFAULT_WORKLOAD, findWorkload, extendWorkload, getWorkload, registerWorkload, trainJob, unreadableSplits, workloadNames, workloadOf, workloadOfJob } from './registry';
export { sequenceOut, sequenceWorkload, resolveSequenceJob, validateSequenceModel } from './sequence';
export type { SequenceEvaluation, SequenceWorkloadEntry, SequenceWorkloadParts } from './sequence';
export { vectorWorkload } from './vector';
export type { EvaluationRow, VectorWorkloadEntry, VectorWorkloadParts } from './vector';
export {
  VECTOR_JOB_DEFAULTS, VECTOR_WORKLOADS, defaultVectorOut, evaluateSavedVectorModel, evaluateVectorModel, evaluationRows, flattenEvaluation,
  isVectorWorkload, resolveVectorJob, taskOfJob, trainVectorJob, vectorWorkloadOf,
} from './vector-jobs';
export type { VectorEvalOptions, VectorEvaluation, VectorWorkload } from './vector-jobs';
export * from './hyperteacher/evaluate';
export * from './subroutines/evaluate';
export { setJobField, withDefaults } from './job';
export { lookupWorkload } from './lookup';
export { arithmeticWorkload } from './arithmetic';
export { hyperteacherWorkload } from './hyperteacher';
export { subroutinesWorkload } from './subroutines';
