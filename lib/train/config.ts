/** Training configuration for sequence models, validated at the boundary. */
import { requireInt, requireNumber, requireObject, requireOneOf } from '../util/validate';

export interface SequenceTrainConfig {
  optimizer: 'adam' | 'adamw';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (AdamW) on maskable weight matrices only; 0 disables it. */
  weightDecay: number;
  /** Minibatch size; 0 means full batch (one step = every training example, one forward per length bucket). */
  batchSize: number;
  maxSteps: number;
  /** Steps between checks of the stopping rule (train exact match, by greedy decoding). */
  evalEvery: number;
  /**
   * The stopping rule is checked on a fixed seeded sample of at most this many training examples (greedy decoding
   * of a large training split every few steps would dominate the run); final metrics use every example.
   */
  evalSampleSize: number;
  /** Stop once train exact match reaches this (1 = 100%); set above 1 to always run maxSteps. */
  stopAtTrainAccuracy: number;
  /** Seed of the data order (minibatch composition and order), independent of the initialisation seed. */
  dataSeed: number;
  /**
   * Weight of the auxiliary automaton-state loss (Liška et al. Experiment 1): a linear readout of the model's
   * state hook must predict the task automaton's state at each position where it is defined. 0 disables it.
   */
  auxWeight: number;
  /**
   * How the auxiliary loss ties the state hook to the automaton state: 'readout' trains a linear softmax readout
   * (the state must be linearly decodable); 'codes' pulls the hidden vector itself toward a fixed random ±0.9 code
   * per automaton state (mean squared error), so equal automaton states get equal hidden states.
   */
  auxTarget: 'readout' | 'codes';
  /** Clip gradients to this global norm; 0 disables clipping. */
  gradClip: number;
  /**
   * Training-time dropout rate (minGPT's 0.1 for Xu et al.'s arithmetic models), given to `forward` as
   * `ForwardOptions.dropout` with a per-step seed derived from dataSeed, so runs stay deterministic. Models without
   * dropout sites (the RNN) ignore it; 0 disables it.
   */
  dropout: number;
}

export const TRAIN_DEFAULTS: SequenceTrainConfig = {
  optimizer: 'adam',
  learningRate: 3e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  batchSize: 32,
  maxSteps: 6000,
  evalEvery: 100,
  evalSampleSize: 1024,
  stopAtTrainAccuracy: 1,
  dataSeed: 0,
  auxWeight: 0,
  auxTarget: 'readout',
  gradClip: 0,
  dropout: 0,
};

/** The optimizer fields every trainer's config shares, validated the same way (sequence and vector trainers). */
export function validateOptimizerFields(o: Record<string, unknown>, field: string) {
  return {
    optimizer: requireOneOf(o.optimizer, `${field}.optimizer`, ['adam', 'adamw'] as const),
    learningRate: requireNumber(o.learningRate, `${field}.learningRate`, 1e-8, 10),
    beta1: requireNumber(o.beta1, `${field}.beta1`, 0, 0.999999),
    beta2: requireNumber(o.beta2, `${field}.beta2`, 0, 0.999999),
    epsilon: requireNumber(o.epsilon, `${field}.epsilon`, 0, 1),
    weightDecay: requireNumber(o.weightDecay, `${field}.weightDecay`, 0, 10),
  };
}

export function validateTrainConfig(json: unknown, field = 'training'): SequenceTrainConfig {
  const o = { ...TRAIN_DEFAULTS, ...requireObject(json, field) } as Record<string, unknown>;
  return {
    ...validateOptimizerFields(o, field),
    batchSize: requireInt(o.batchSize, `${field}.batchSize`, 0),
    maxSteps: requireInt(o.maxSteps, `${field}.maxSteps`, 1),
    evalEvery: requireInt(o.evalEvery, `${field}.evalEvery`, 1),
    evalSampleSize: requireInt(o.evalSampleSize, `${field}.evalSampleSize`, 1),
    stopAtTrainAccuracy: requireNumber(o.stopAtTrainAccuracy, `${field}.stopAtTrainAccuracy`, 0, 2),
    dataSeed: requireInt(o.dataSeed, `${field}.dataSeed`, 0),
    auxWeight: requireNumber(o.auxWeight, `${field}.auxWeight`, 0, 1000),
    auxTarget: requireOneOf(o.auxTarget, `${field}.auxTarget`, ['readout', 'codes'] as const),
    gradClip: requireNumber(o.gradClip, `${field}.gradClip`, 0, 1e6),
    dropout: requireNumber(o.dropout, `${field}.dropout`, 0, 0.95),
  };
}
