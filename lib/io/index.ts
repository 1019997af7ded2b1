/** Checkpoint directories, safetensors import/export and the name maps that translate external state dicts. */
export {
  saveCheckpoint, loadCheckpoint, readCheckpointMeta, complensVersion,
  CHECKPOINT_FORMAT, SUPPORTED_CHECKPOINT_FORMATS, MANIFEST_FILE, META_FILE, WEIGHTS_FILE,
} from './checkpoint';
export type { Checkpoint, CheckpointMeta, CheckpointMetaInput, LoadOptions, ManifestEntry } from './checkpoint';
export { setTrustEdited, integrityOf, WASM_HEAP_MAX_BYTES, WASM_TENSOR_BUDGET_BYTES } from './integrity';
export type { IntegrityHashes } from './integrity';
export {
  readSafetensors, writeSafetensors, encodeSafetensors, importSafetensors, exportSafetensors, halfToFloat, MAX_HEADER_BYTES,
} from './safetensors';
export type { SafetensorsContents, SafetensorsEntry, ReadSafetensorsOptions, ImportResult, TensorSource } from './safetensors';
export { applyNameMap, rnnNameMap, gptNameMap, inferGptConfig, extraRules, transpose2d, reshape, MapShapeError, MAX_LAYER_INDEX } from './name-maps';
export { importTorchCheckpoint, saveImported, exportTorchCheckpoint, TORCH_FORMATS } from './torch';
export type { TorchFormat, TorchImportOptions, TorchImport, ImportProvenance, TorchExportOptions, TorchExport } from './torch';
export type {
  NameMap, MapRule, MapContext, MapOutcome, Side, ExtraMapping, TensorTransform, RnnCell, RnnMapOptions, GptMapOptions, GptConfig,
} from './name-maps';
export { compareToExpected, nonFiniteReport, numel } from './weights';
export type { HostTensor, ExpectedTensor } from './weights';
export * from './model-checkpoint';
