/** Public API of the minGPT-style transformer. See docs/models/transformer.md. */
export { TRANSFORMER_PRESETS, headDim, transformerPreset, validateTransformerConfig } from './config';
export type { TransformerConfig, TransformerPreset } from './config';
export { BLOCK_HOOKS, TOP_HOOKS, getActName, hookDoc, hookShape, transformerHookPoints } from './hook-names';
export type { BlockActShort, BlockHookLeaf, HookDim, HookDoc, TopActShort, TopHookLeaf, TransformerHookName } from './hook-names';
export { causalMask, gelu, layerNorm } from './layers';
export { TransformerModel, createTransformer } from './model';
export { parameterCount, transformerParamSpecs } from './params';
