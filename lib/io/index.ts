/** Checkpoint directories, safetensors import/export and the name maps that translate external state dicts. */
export {
  saveCheckpoint, loadCheckpoint, readCheckpointMeta, complensVersion,
  CHECKPOINT_FORMAT, SUPPORTED_CHECKPOINT_FORMATS, MANIFEST_FILE, META_FILE, WEIGHTS_FILE,
} from './checkpoint';
export type { Checkpoint, CheckpointMeta, CheckpointMetaInput, ManifestEntry } from './checkpoint';
export {
  readSafetensors, writeSafetensors, encodeSafetensors, importSafetensors, exportSafetensors, halfToFloat, MAX_HEADER_BYTES,
} from './safetensors';
export type { SafetensorsContents, SafetensorsEntry, ReadSafetensorsOptions, ImportResult, TensorSource } from './safetensors';
export { applyNameMap, rnnNameMap, gptNameMap, inferGptConfig, extraRules, transpose2d, reshape, MapShapeError } from './name-maps';
export type {
  NameMap, MapRule, MapContext, MapOutcome, Side, ExtraMapping, TensorTransform, RnnCell, RnnMapOptions, GptMapOptions, GptConfig,
} from './name-maps';
export { compareToExpected, nonFiniteReport, numel } from './weights';
export type { HostTensor, ExpectedTensor } from './weights';
export * from './model-checkpoint';
