/**
 * Types of the algebraic-equivalence analysis (Xu et al., IJCAI 2024): candidate relations that say what a model
 * answers on an out-of-distribution input, and the typed results of checking them against the model's outputs.
 */
import { EncodedExample } from '../../lib/tasks/types';

/**
 * What a relation predicts for one example: the answer tokens (compared with the model's greedy tokens exactly),
 * a value (compared with `relation.decode(modelTokens)`), or undefined when it makes no prediction for this input.
 */
export type Prediction = readonly number[] | number | undefined;

/**
 * A hypothesis about what the model computes on an OOD input: a map to the ID input whose answer it gives
 * (`representative`) or directly to a predicted output (`predict`).
 */
export interface CandidateRelation {
  /** Short unique name, e.g. "operands mod 10^3". */
  name: string;
  /** One sentence: what the model would be doing if this relation holds. */
  description: string;
  /** Relations of one family (e.g. every "seen partner" substitution) are also scored together: explained by any member. */
  family?: string;
  /**
   * The predicted output. When absent, the prediction is the target of `representative(example)`.
   */
  predict?(example: EncodedExample): Prediction;
  /** Decodes the model's answer tokens to the value `predict` returns (required when it returns numbers). */
  decode?(tokens: readonly number[], example: EncodedExample): number | undefined;
  /**
   * The in-distribution input this relation maps the example to (the paper's (a mod 1000, b mod 1000)). Used for
   * the representation check: the hidden state of the OOD input should be close to the representative's.
   */
  representative?(example: EncodedExample): EncodedExample | undefined;
  /** True for the relation that is the correct answer (it is scored, but it does not make an output "unexplained" if it misses). */
  isTruth?: boolean;
}

export interface RelationScore {
  /** 1 = explains the most outputs. */
  rank: number;
  name: string;
  description: string;
  family: string;
  /** OOD outputs the relation explains (its prediction equals the model's output). */
  explained: number;
  /** explained / all OOD examples. */
  fraction: number;
  /** Examples for which it made a prediction. */
  predicted: number;
  /** explained / predicted (NaN when it predicted nothing). */
  precision: number;
  /**
   * Chance level: the fraction it would explain if the model's outputs were randomly permuted across the examples
   * (exact expectation). A relation is informative only well above this.
   */
  baseline: number;
  isTruth: boolean;
}

export interface FamilyScore {
  family: string;
  relations: number;
  /** Outputs explained by at least one member. */
  explained: number;
  fraction: number;
}

/** Xu et al.'s representation-level check (B.7: 0.43 vs 21.0 for the released adder). */
export interface RepresentationCheck {
  hook: string;
  /** 'last-prompt' or an explicit input position. */
  position: 'last-prompt' | number;
  /** The relation whose representatives were used. */
  relation: string;
  /** OOD examples with a representative. */
  count: number;
  /** Mean Euclidean distance between h(OOD input) and h(its representative). */
  meanToRepresentative: number;
  /** Mean distance between h(OOD input) and h(a random ID input). */
  meanToRandom: number;
  /** meanToRepresentative / meanToRandom. */
  ratio: number;
  /** Mean norm of h over the OOD inputs (for scale). */
  meanNorm: number;
}

/** One position of a discovered input mapping: what token the ID preimage has there, given the OOD token. */
export interface PositionRule {
  position: number;
  kind: 'keep' | 'constant' | 'map';
  /** For 'constant': the token every OOD token seen here maps to. */
  value?: number;
  /** For 'constant' and 'map': [OOD token, ID token] pairs, for the tokens seen at this position. */
  map?: [number, number][];
}

/** A position-wise input mapping found by the automatic search, for unexplained outputs of one prompt length. */
export interface DiscoveredMapping {
  promptLength: number;
  /** Unexplained examples of this prompt length. */
  examples: number;
  /** Of those, how many have at least one ID input producing the same output. */
  withPreimage: number;
  /** Examples the mapping sends to an ID input that produces the same output as the model did. */
  support: number;
  /** support / examples. */
  fraction: number;
  /** Mean number of ID inputs per unexplained output (how ambiguous the preimages are). */
  meanPreimages: number;
  rules: PositionRule[];
  /** Readable summary, e.g. "pos 1: 1..9→0; pos 6: 1..9→0; the rest kept". */
  description: string;
}

export interface MappingSearchResult {
  /** Unexplained examples searched. */
  examples: number;
  /** One mapping per prompt length, best support first. */
  mappings: DiscoveredMapping[];
  /** The mapping with the most support, if it supports at least `minSupport` (default 2) examples. */
  best?: DiscoveredMapping;
}

export interface EquivalenceResult {
  kind: 'equivalence';
  task: string;
  split: string;
  idSplit: string;
  /** OOD examples analysed. */
  count: number;
  /** Fraction whose whole answer is right. */
  exactAccuracy: number;
  /** Ranked by explained outputs (ties: fewer predictions first, then name). */
  relations: RelationScore[];
  families: FamilyScore[];
  /** The top-ranked relation, when it explains at least one output (it is the truth when the model is mostly right). */
  best?: RelationScore;
  /** Outputs no candidate (truth included) explains. */
  unexplained: { count: number; fraction: number; indices: number[] };
  /** Relations that made no prediction on this split (e.g. substitutions whose partner is never seen). */
  notApplicable: string[];
  representation?: RepresentationCheck;
  search?: MappingSearchResult;
}
