/** Public API of the subroutine-composition odd-one-out tasks (after Lepori et al. 2023); see docs/tasks/subroutines.md. */
export { SubroutineTask, createSubroutineTask, SUBROUTINE_SPLITS } from './task';
export type { SubroutineSplit, SubroutineSplitName } from './task';
export { validateSubroutineSpec, SUBROUTINE_DEFAULTS, SUBROUTINE_VARIANTS, POSITION_CODES, SENTENCE_CODES } from './spec';
export type { SubroutineSpec, SubroutineSizes, SubroutineVariant, PositionCode, SentenceCode } from './spec';
export type { Item, ItemFamily } from './items';
export { makeProblems, itemRows, ITEMS_PER_PROBLEM, PROBLEM_KINDS } from './problems';
export type { ProblemKind, ProblemSet } from './problems';
export { visionFamily, isInside, isContact, randomScene, encodeScene, decodeScene, sceneSize, BOX_SIDES, COLORS, SHAPES } from './vision';
export type { Scene } from './vision';
export {
  languageFamily,
  sentenceEncoder,
  randomSentence,
  sentenceWords,
  sentenceTokens,
  sentenceOf,
  decodeSlots,
  LANGUAGE_VOCAB,
  NOUNS,
  VERBS,
  PREPOSITIONS,
  MAX_WORDS,
} from './language';
export type { Sentence } from './language';
export { oddOneOutAccuracy, subDiff, ablDiff, partitionsFor, CHANCE } from './metrics';
