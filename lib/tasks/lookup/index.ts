/** Public API of the lookup-table composition task (Liška et al. 2018); see docs/tasks/lookup.md. */
export { LookupTask, createLookupTask, lookupTaskFromSample, lookupSpecFromSeed } from './task';
export type { LookupTaskOptions, LookupSeedOptions } from './task';
export { validateLookupSpec, LOOKUP_REGIMES, MAX_TABLES } from './spec';
export type { LookupSpec, LookupRegime } from './spec';
export {
  generateTables,
  toBits,
  fromBits,
  tableName,
  tableIndex,
  isBijection,
  trajectory,
  PUBLIC_TABLES,
  PUBLIC_BITS,
  MAX_BITS,
} from './tables';
export type { GenerateTablesOptions } from './tables';
export {
  LOOKUP_SPLIT_NAMES,
  isLookupSplitName,
  compositionName,
  formatRowKey,
  parseRowKey,
  compareRows,
  compareCompositions,
} from './rows';
export type { LookupRow, LookupDataset, LookupSplitName } from './rows';
export { formatLookupLine, formatLookupTsv, parseLookupTsv } from './tsv';
export type { ParsedLookupLine, ParsedLookupFile, ParseLookupOptions } from './tsv';
export { readLookupSample, writeLookupSample, inferTables } from './sample';
export type { ReadLookupSampleOptions } from './sample';
export { lookupDataDir, resolveSampleDir, PUBLIC_SAMPLES } from './paths';
export { splitFromSample, explicitSplitOf, validateExplicitSplit, resolveSplitRows, buildLookupDataset } from './splits';
export type { ExplicitSplit, LookupSplitSpec } from './splits';
export { generateSplitRows, validateGeneratedSplit, chains, DEFAULT_LONGER_FRACTIONS } from './generate';
export type { GeneratedSplit, ResolvedGeneratedSplit } from './generate';
export {
  encodeLookupRow,
  lookupVocab,
  lookupTokenIds,
  lookupTargetLength,
  LOOKUP_ENCODINGS,
  EOS,
  END_OF_PROMPT,
} from './encoding';
export type { LookupEncoding } from './encoding';
export { lookupAutomaton, runAutomaton } from './automaton';
export { randomWellformedAccuracy, randomOutputAccuracy } from './baselines';
