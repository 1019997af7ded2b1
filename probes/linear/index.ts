/**
 * Linear probes: sklearn-style estimators (ridge, multinomial logistic), cross-validation splitters, control
 * tasks and selectivity, the Redhardt et al. module-decoding protocol, and result tables/charts.
 * See docs/instruments/probes.md.
 */
export { LinearProbe } from './probe';
export type { LinearProbeOptions, ProbeKind, ProbeTargets, ProbePrediction } from './probe';
export { denseRows, toMatrix } from './features';
export type { DenseRows, Features } from './features';
export type { ClassLabels, RegressionTargets } from './targets';
export { KFold, GroupKFold } from './splitters';
export type { Splitter, Split, GroupKey } from './splitters';
export { crossValidate, makeSplits } from './cross-validate';
export type { CrossValidateOptions, CrossValidationResult, Estimator } from './cross-validate';
export { controlTask, probeWithControls } from './controls';
export type { ControlResult, FoldScores, ProbeWithControlsOptions } from './controls';
export { MajorityClassifier } from './majority';
export { decodeModuleWeights } from './module-decoding';
export type { ModuleDecodingLayer, ModuleDecodingOptions, ModuleDecodingResult, ModuleDecodingSolver } from './module-decoding';
export { fitCgRidge, predictCgRidge } from './cg-ridge';
export { toTable, toRows } from './table';
export type { ProbeResult, ResultTable, Tags } from './table';
export { selectivityHeatmap } from './selectivity-heatmap';
export type { SelectivityCell } from './selectivity-heatmap';
export { accuracy, r2, meanSd } from './metrics';
export { multinomialObjective } from './logistic';
export { NotFittedError, ProbeInputError } from './errors';
export { probeDataset } from './dataset-probe';
export type { DatasetProbeRow, DatasetProbeOptions } from './dataset-probe';
