/** Workloads: the registry (lib/workloads/registry.ts), the entry type, and the shared sequence and vector parts. */
export * from './types';
export { DEFAULT_WORKLOAD, findWorkload, getWorkload, registerWorkload, trainJob, unreadableSplits, workloadNames, workloadOf, workloadOfJob } from './registry';
export { sequenceOut, sequenceWorkload, resolveSequenceJob, validateSequenceModel } from './sequence';
export type { SequenceEvaluation, SequenceWorkloadEntry, SequenceWorkloadParts } from './sequence';
export { vectorWorkload } from './vector';
export type { VectorWorkloadEntry, VectorWorkloadParts } from './vector';
export { setJobField, withDefaults } from './job';
export { lookupWorkload } from './lookup';
export { arithmeticWorkload } from './arithmetic';
export { hyperteacherWorkload } from './hyperteacher';
export { subroutinesWorkload } from './subroutines';
