/**
 * The library half of complens's public API (the package entry point `index.ts` adds the instruments from
 * `probes/`). Modules whose own index is already a curated surface are re-exported whole; elsewhere only what a
 * researcher calls is listed, so refactoring internals never changes what `import … from 'complens'` offers.
 * Nothing here may import `probes/` or `cli/` (dependency direction cli → probes → lib).
 */

// Backend: pick tfjs-node / wasm / cpu once, and describe it in logs and checkpoints.
export { initBackend, backendInfo, backendHeader } from './backend';
export type { BackendName, BackendInfo } from './backend';

// Tasks: the registry and the four families.
export { createTask, createSequenceTask, registerTask, taskKinds, validateTaskSpec } from './tasks/registry';
export type { TaskEntry } from './tasks/registry';
export { isSequenceTask } from './tasks/types';
export type { EncodedExample, TaskSplit, TaskBase, SequenceTask } from './tasks/types';
export * from './tasks/lookup';
export * from './tasks/arithmetic';
export * from './tasks/hyperteacher';
export * from './tasks/subroutines';
export type { Dfa } from './automata/types';

// Models: the registry, the interfaces and the three architectures.
export { createModel, registerArchitecture, architectureNames, validateModelConfig } from './models/registry';
export type { ArchitectureEntry } from './models/registry';
export type {
  Params, SequenceBatch, DecodeMode, ForwardOptions, DropoutOptions, ParamSpec, ModelBase, SequenceModel, VectorBatch,
  VectorModel, AnyModel,
} from './models/types';
export * from './models/rnn';
export * from './models/transformer';
export * from './models/mlp';

// Hooks: named intermediate activations (runWithCache / runWithHooks are methods of every model).
export { HookRuntime, NO_HOOKS, disposeResult, runHooked } from './hooks';
export type { HookContext, HookFn, HookMap, CacheResult } from './hooks';

// Data batches.
export { makeBatch, evaluationBatches, epochBatches, bucketize } from './data/batches';
export type { Bucket } from './data/batches';

// Checkpoints, safetensors import/export and PyTorch name maps.
export * from './io';

// Training and evaluation.
export { TRAIN_DEFAULTS, validateTrainConfig } from './train/config';
export type { SequenceTrainConfig } from './train/config';
export { trainSequenceModel } from './train/sequence';
export type { TrainPoint, TrainResult, TrainOptions, TrainState } from './train/sequence';
export { trainAndSave, taskFromConfig, modelFromConfig } from './train/job';
export type { TrainJob, SplitResult, JobResult, JobOptions } from './train/job';
export { evaluateExamples, answerLoss } from './train/evaluate';
export type { SplitEvaluation } from './train/evaluate';
export { VECTOR_TRAIN_DEFAULTS, VECTOR_ENGINES, DEFAULT_VECTOR_ENGINE, trainVectorModel, predictVectors, validateVectorTrainConfig } from './train/vector';
export type {
  VectorTrainConfig, VectorData, LabelledVectors, VectorTrainResult, VectorTrainOptions, VectorTrainPoint, VectorTrainState, VectorEngine,
} from './train/vector';
export { runVectorJob, resolveVectorJobOf } from './train/vector-job';
export type { VectorTrainJob, VectorJobResult, VectorJobOptions, VectorJobTraining, ResolvedVectorJob, VectorObjective } from './train/vector-job';
export { trainMlpPopulation, trainVectorJobsParallel } from './train/population';
export type { MlpPopulationMember, MlpMemberResult, MlpPopulationResult, ParallelJobsOptions } from './train/population';

// Workloads: one registry entry per workload (task family, defaults, training, evaluation, sweep, bench), the
// vector jobs by name (trainVectorJob, evaluateVectorModel, …) and the hyperteacher and subroutine evaluations.
export * from './workloads';

// Haystack search over seeds.
export {
  runSearch, buildSearchConfig, readSearchConfig, parseSeedList, readStoreFile, storeFile, checkpointDir, summarizeSearch,
  writeSearchSummary, chanceBaselines, RandomTaskCodesTask, CHECKPOINTS_DIR, CHECKPOINT_INDEX, RESULTS_FILE, ThreadPool,
  resolveWorkerCount,
} from './search';
export type {
  RunSearchOptions, RunSearchResult, SearchPlan, SearchConfig, SearchConfigInput, RetentionSettings, SearchModelSettings,
  RetentionCategory, CheckpointIndex, StoreReadReport, SearchSummary, RegimeSummary, ControlSummary, PaperComparisonRow,
  ChanceBaseline, RandomTaskCodesSpec, SearchRow, SplitMetrics, CurveSummary, StopReason, SearchTrainer, SearchJob,
  MemberOutcome,
} from './search';

// Experiments on run folders (docs/experiments.md): the resumable folder format and sweeps. Verdict validation,
// which needs the verdict, is exported by probes/ (runVerdictValidation).
export { RunFolder, readRunManifest, RUN_FORMAT, RUN_MANIFEST, RUN_RESULTS } from './experiments/run-dir';
export type { RunManifest, OpenRunOptions, LegacyRun } from './experiments/run-dir';
export type { RowSchema } from './experiments/store';
export { runSweep, gridPoints } from './experiments/sweep';
export type { SweepOptions, SweepResults, SweepRow, SweepGrid, SweepSettings } from './experiments/sweep';

// The population trainer (many one-layer RNNs at once: the haystack's engine). lib/search registers it with a
// run-time require(); this static import also lets tslab, which compiles only statically imported files, load it.
export { trainPopulation, initialWeights, populationModelConfig } from './train/population';
export type { PopulationConfig, PopulationMember, MemberResult, PopulationResult } from './train/population';

// Reports and notebook display.
export * from './report';
export { showChart, showTable, showText, showNote } from './report/notebook';
export type { NotebookDisplay, ShowChartOptions, ShowTableOptions } from './report/notebook';

// Errors a caller can act on, and the seeded random source.
export { ComplensError, UsageError, ConfigError, FileFormatError } from './util/errors';
export { Rng } from './util/random';
export { packageRoot } from './util/package-root';
