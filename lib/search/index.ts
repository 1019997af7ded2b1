/** Public API of the haystack search (seeds-A §A.6); see docs/search.md. */
export { runSearch, batchJobs, allJobs } from './runner';
export type { RunSearchOptions, RunSearchResult, SearchPlan } from './runner';
export {
  buildSearchConfig, readSearchConfig, saveOrCheckSearchConfig, searchId, searchTask, searchModelConfig, canonicalJson,
  RETENTION_DEFAULTS, SEARCH_CONFIG_FILE,
} from './config';
export type { SearchConfig, SearchConfigInput, RetentionSettings, SearchModelSettings } from './config';
export { parseSeedList, planJobs, MAX_SEED, MAX_SEEDS } from './seeds';
export type { JobPlan } from './seeds';
export { ResultsStore, readStoreFile } from './store';
export type { StoreReadReport } from './store';
export { SearchRecorder, storeFile, checkpointDir, RESULTS_FILE, CHECKPOINTS_DIR, CHECKPOINT_INDEX } from './recorder';
export type { CheckpointIndex } from './recorder';
export { Retention, mightKeep, RETENTION_CATEGORIES } from './retention';
export type { RetentionCategory, RetentionSnapshot } from './retention';
export { trainAndEvaluate, summarizeCurve, disposeEvalModels } from './member';
export { referenceTrainer, populationTrainerEntry, registerSearchTrainer, searchTrainer, searchTrainerNames, defaultTrainerName } from './trainer';
export type { TrainerEntry } from './trainer';
export { RandomTaskCodesTask, chanceBaselines, validateRandomTaskCodesSpec } from './baselines';
export type { ChanceBaseline, RandomTaskCodesSpec } from './baselines';
export { summarizeSearch, writeSearchSummary, formatSummaryMarkdown, histogramSpec, renderSvg, PAPER_REFERENCE } from './summary';
export type { SearchSummary, RegimeSummary, ControlSummary, PaperComparisonRow } from './summary';
export { searchTable, rowsTable, flattenRow } from './table';
export { ThreadPool, resolveWorkerCount } from './pool/pool';
export { runQueueCoordinator } from './queue/coordinator';
export { runQueueWorker } from './queue/worker';
export { QUEUE_NAME, queueJobId, validateRedisUrl } from './queue/connection';
export { acquireOutLock } from '../experiments/lock';
export * from './types';
