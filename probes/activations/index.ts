/** Activation datasets: model activations per (example, position) with ground truth. See docs/instruments/activations.md. */
export { collectActivations, streamActivations, activationChunks, DEFAULT_CHUNK_SIZE } from './collect';
export { ActivationDataset } from './dataset';
export type { ActivationColumns, ActivationRow, ActivationTable, FeatureMatrix, HookInfo, LabelColumn, LabelKind, TableOptions } from './dataset';
export { writeActivationStream, writeArrow, writeCSV, toRecordBatch, formatFloat32 } from './export';
export type { ArrowOptions, StreamWriteResult } from './export';
export { hookTimeAxis, hookLayout } from './time-axis';
export type { HookLayout } from './time-axis';
export type { ActivationOptions, PositionSelector, TimeAxis, VectorExample } from './types';
