/**
 * The data model of the haystack search (seeds-A §A.6): a job is one model to train (init seed × data-order seed ×
 * training regime × variant), a row is what the results store keeps about it, and a trainer is the pluggable function
 * that turns a batch of jobs into trained weights.
 */
import type { LookupRegime } from '../tasks/lookup';
import type { SequenceTask } from '../tasks/types';
import type { RnnConfig } from '../models/rnn';
import type { SequenceTrainConfig } from '../train/config';

/** 'haystack': the lookup task itself. 'random-task-codes': the §A.7 control (see baselines.ts), kept in its own store. */
export const SEARCH_VARIANTS = ['haystack', 'random-task-codes'] as const;
export type SearchVariant = (typeof SEARCH_VARIANTS)[number];

/** The split whose exact match is the headline "zero-shot" number (held-out compositions of trained tables). */
export const ZERO_SHOT_SPLIT = 'heldout_compositions';

/** One model to train. `key` identifies its row: (initSeed, dataSeed, regime); the variant selects the store. */
export interface SearchJob {
  variant: SearchVariant;
  initSeed: number;
  dataSeed: number;
  regime: LookupRegime;
  key: string;
}

/** "i12-d7-atomic+composed": the row key, also the checkpoint folder name and part of the queue job id. */
export function rowKey(initSeed: number, dataSeed: number, regime: LookupRegime): string {
  return `i${initSeed}-d${dataSeed}-${regime}`;
}

export function makeJob(variant: SearchVariant, initSeed: number, dataSeed: number, regime: LookupRegime): SearchJob {
  return { variant, initSeed, dataSeed, regime, key: rowKey(initSeed, dataSeed, regime) };
}

/** Exact match, token accuracy and size of one evaluated split. */
export interface SplitMetrics {
  em: number;
  tok: number;
  n: number;
}

/** A compact training curve: where train exact match first crossed 50/90/100%, the last loss, ≤ 12 (step, loss, train EM) points. */
export interface CurveSummary {
  stepsTo50: number | null;
  stepsTo90: number | null;
  stepsTo100: number | null;
  finalLoss: number | null;
  points: [number, number, number][];
}

/** One line of the results store (JSONL). Rows are immutable once written. */
export interface SearchRow {
  /** Row format version. */
  v: 1;
  key: string;
  variant: SearchVariant;
  initSeed: number;
  dataSeed: number;
  regime: LookupRegime;
  /** Exact match on heldout_compositions (the zero-shot accuracy). */
  zeroShot: number;
  /** Every split of the task, the training split included. */
  splits: Record<string, SplitMetrics>;
  train: {
    steps: number;
    /** 'diverged': the loss became non-finite; such a model keeps no checkpoint. */
    stoppedBecause: StopReason;
    trainExactMatch: number;
    wallSeconds: number;
    evalSeconds: number;
    /** null when the trainer reports no history (the population trainer may not). */
    curve: CurveSummary | null;
  };
  trainer: string;
  /** host/pid/thread that trained it. */
  worker: string;
  finishedAt: string;
  /** tf.memory().numTensors in the training process after this member: flat over a search if nothing leaks. */
  numTensors: number;
}

export type StopReason = 'accuracy' | 'maxSteps' | 'diverged';

/** One point of a training curve (the reference trainer's TrainPoint has these fields and more). */
export interface CurvePoint {
  step: number;
  loss: number;
  trainExactMatch: number;
}

/** What a trainer is asked to train: one entry per model. */
export interface TrainMemberSpec {
  initSeed: number;
  dataSeed: number;
}

/** A trained model as a trainer returns it: host weights under the RnnModel parameter names. */
export interface TrainedMember {
  weights: Record<string, Float32Array>;
  steps: number;
  stoppedBecause: StopReason;
  trainExactMatch: number;
  wallSeconds: number;
  history?: CurvePoint[];
}

export interface SearchTrainerConfig {
  /** The full model config (vocabSize from the task). */
  model: RnnConfig;
  /** Training settings shared by all members; each member's dataSeed overrides `dataSeed`. */
  training: SequenceTrainConfig;
}

export interface SearchTrainerCallbacks {
  onProgress?: (info: { member?: number; step: number; maxSteps: number; detail?: string }) => void;
  /** Called as each member finishes (index into `members`), so results can be recorded before the batch ends. */
  onMemberDone?: (index: number, member: TrainedMember) => void;
}

/**
 * A trainer: trains `members` (same task, same config, own seeds) and returns them in order. It may report members
 * early through `onMemberDone`; members it never reported are taken from the returned array.
 */
export type SearchTrainer = (
  task: SequenceTask,
  members: TrainMemberSpec[],
  config: SearchTrainerConfig,
  callbacks?: SearchTrainerCallbacks,
) => Promise<TrainedMember[]>;

/** A trained and evaluated member on its way to the store; weights travel only when a checkpoint may be kept. */
export interface MemberOutcome {
  job: SearchJob;
  row: SearchRow;
  weights?: Record<string, Float32Array>;
}
