/** Public API of the MLP models (task-family regressors/classifiers and odd-one-out item encoders). */
export { MLP_ACTIVATIONS, MLP_DEFAULTS, MLP_HEADS, bodyInputSize, validateMlpConfig } from './config';
export type { MlpActivation, MlpConfig, MlpHead } from './config';
export { mlpActName, mlpHookPoints } from './hook-names';
export type { MlpHookName } from './hook-names';
export { MlpModel, mlpParamSpecs } from './model';
