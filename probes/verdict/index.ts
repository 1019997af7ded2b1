export * from './types';
export * from './lookup';
export * from './report';
export * from './validation';
export * from './arithmetic';
export * from './judge';
export * from './arithmetic-report';
export * from './hyperteacher';
