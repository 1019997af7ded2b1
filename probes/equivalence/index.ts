/** Algebraic-equivalence analysis (Xu et al., IJCAI 2024). See docs/instruments/equivalence.md. */
export { analyzeEquivalence } from './analyze';
export type { EquivalenceOptions } from './analyze';
export { arithmeticRelations } from './arithmetic';
export type { ArithmeticRelationOptions } from './arithmetic';
export { lookupRelations, lookupRelationsForTask, parseLookupPrompt, decodeLookupValue } from './lookup';
export type { LookupRelationOptions } from './lookup';
export { defaultRelations, registerRelations } from './relations';
export { representationCheck } from './representation';
export type { RepresentationOptions } from './representation';
export { scoreRelations, predictionOf } from './score';
export type { RelationScoring } from './score';
export { searchMappings, applyRules } from './search';
export type { SearchInput, SearchOptions } from './search';
export { equivalenceTable, equivalenceChartSpec } from './report';
export type { EquivalenceTable, ReportOptions } from './report';
export type {
  CandidateRelation,
  DiscoveredMapping,
  EquivalenceResult,
  FamilyScore,
  MappingSearchResult,
  PositionRule,
  Prediction,
  RelationScore,
  RepresentationCheck,
} from './types';
