export * from './config';
export * from './hook-names';
export { RnnModel, rnnParamSpecs } from './model';
