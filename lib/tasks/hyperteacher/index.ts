/** Public API of the hyperteacher task family (Redhardt et al. 2025); see docs/tasks/hyperteacher.md. */
export { Hyperteacher, createHyperteacher, rowLatents, lastSampleRows, HT_SPLITS } from './task';
export type { HyperteacherBatch, HtSplit } from './task';
export { validateHyperteacherSpec, HYPERTEACHER_DEFAULTS, HT_WEIGHTS, HT_ENCODINGS, HT_SUPPORTS, MAX_COMBINATIONS, MAX_MODULES } from './spec';
export type { HyperteacherSpec, HtWeights, HtEncoding, HtSupport } from './spec';
export { countCombinations, enumerateCombinations, comboModules, moduleUsage, isCompositional, isConnected } from './combinations';
export { splitCombinations, MAX_SPLIT_ATTEMPTS } from './support';
export type { CombinationSplit } from './support';
export { initTeacher, teacherForward, sampleInputs, truncatedNormal, varianceScaling, TEACHER_SCALE, TRUNCATED_NORMAL_STD } from './teacher';
export type { TeacherWeights } from './teacher';
export { sampleLatent, DISCRETE_WEIGHTS } from './latents';
export { makeEncoder, randomOrthogonal, tokenCode, intervalShuffle, INTERVALS } from './encoding';
export type { LatentEncoder } from './encoding';
export { r2ByTask } from './metrics';
export type { R2Result } from './metrics';
