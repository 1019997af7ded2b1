/**
 * Public API of the subnetwork instrument: continuous-sparsification masks wrapped around a model's named weights,
 * ablation modes, mask algebra, the "Break It Down" subroutine protocol and per-table subnetworks of lookup RNNs.
 * See docs/instruments/subnetworks.md.
 */
export { globToRegExp, matchesPattern, selectTensors } from './patterns';
export type { NamePattern, SelectOptions } from './patterns';
export { BinaryMask, iouMatrix } from './binary-mask';
export type { MaskTensor, TensorSparsity, BinaryMaskJson } from './binary-mask';
export { MaskSet } from './mask-set';
export type { ScoreValues } from './mask-set';
export { ABLATION_MODES, maskedParams, withMaskedParams, disposeParams, effectiveMask, sampledBits } from './modes';
export type { AblationMode, MaskedParamsOptions } from './modes';
export { MASK_TRAIN_DEFAULTS, PENALTY_KINDS, BETA_SCHEDULES, validateMaskTrainConfig, betaAt, betaSchedule } from './config';
export type { MaskTrainConfig, PenaltyKind, BetaScheduleKind } from './config';
export { trainMask, vectorMaskData, sequenceMaskData, vectorMaskLoss, sequenceMaskLoss } from './train';
export type { MaskData, MaskLoss, MaskTrainPoint, MaskTrainResult, MaskTrainOptions } from './train';
export { vectorScorer, sequenceScorer, argmaxAccuracy, evaluateModes, accuracyOf, meanSd } from './evaluate';
export type { Scorer, ModeAccuracy } from './evaluate';
export { subroutineAnalysis, subroutineSets, summarize, untrainedCopy, trainSubroutineMask, DEFAULT_ANALYSIS_MODES } from './subroutine-analysis';
export type {
  Subroutine, NetworkKind, SetRole, SubroutineTaskLike, SubroutineAnalysisConfig, SubroutineAnalysisInput, SubroutineRun,
  SubroutineSummary, SubroutineAnalysisResult, Stat,
} from './subroutine-analysis';
export { subroutineMaskSearch, maskGrid, maskQuality } from './mask-search';
export type { SubroutineMaskSearchInput, MaskSearchRow, SubroutineMaskSearchResult } from './mask-search';
export { tableSubnetworks, TABLE_SET_ROLES } from './table-subnetworks';
export type { TableSetRole, RoleAccuracy, TableSubnetworkConfig, TableSubnetwork, TableSubnetworksResult } from './table-subnetworks';
export {
  subroutineRunRows, subroutineAccuracyRows, subroutineSummaryRows, sparsityRows, subroutineTables, accuracyByModeSpec, sparsityByLayerSpec,
  tableRows, tableAccuracyRows, tableIouRows, tableTables, tableDropSpec, tableIouSpec,
} from './report';
export type { ResultTable } from './report';
export { registerAblation, tablesFromTarget } from './registry';
export type { AblationOutput, AblationRequest, AnyWorkloadAblation, OutputBlock, WorkloadAblation } from './registry';
