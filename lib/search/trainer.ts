/**
 * Search trainers by name. A trainer turns a batch of (initSeed, dataSeed) members into trained weights; the search
 * records whatever it returns, so trainers are interchangeable. Worker threads and queue workers look trainers up
 * here by the name saved in search.json, so registering one here makes it available everywhere.
 *
 * 'reference' wraps lib/train/sequence.ts (one model at a time). The population trainer (lib/train/population)
 * trains many members in one batched model; `populationTrainerEntry` adapts its API. It is registered at the end of
 * this file, and `defaultTrainerName()` prefers it to 'reference' for every search it supports.
 */
import { RnnModel } from '../models/rnn';
import { trainSequenceModel } from '../train/sequence';
import { ComplensError } from '../util/errors';
import { SearchTrainer, TrainedMember } from './types';
import type { MemberResult as PopulationMemberResult, trainPopulation as populationTrain } from '../train/population/gru-trainer';

export interface TrainerEntry {
  train: SearchTrainer;
  /** How many members to hand it per call (a population trainer is fastest around 32; the reference trainer takes 1). */
  membersPerCall: number;
  description: string;
}

/**
 * The reference trainer: trainSequenceModel per member, weights copied to host, model disposed. A member whose loss
 * becomes non-finite is reported as 'diverged' (with its last weights) instead of failing the whole batch.
 */
export const referenceTrainer: SearchTrainer = async (task, members, config, callbacks = {}) => {
  const out: TrainedMember[] = [];
  for (let i = 0; i < members.length; i++) {
    const { initSeed, dataSeed } = members[i];
    const model = new RnnModel(config.model, initSeed);
    const started = Date.now();
    let lastStep = 0;
    try {
      let member: TrainedMember;
      const weights = () => {
        const w: Record<string, Float32Array> = {};
        for (const [name, v] of Object.entries(model.params)) w[name] = new Float32Array(v.dataSync());
        return w;
      };
      try {
        const result = await trainSequenceModel(model, task, { ...config.training, dataSeed }, {
          onProgress: (step, maxSteps, detail) => {
            lastStep = step;
            callbacks.onProgress?.({ member: i, step, maxSteps, detail });
          },
        });
        member = {
          weights: weights(),
          steps: result.steps,
          stoppedBecause: result.stoppedBecause,
          trainExactMatch: result.trainExactMatch,
          wallSeconds: result.wallSeconds,
          history: result.history,
        };
      } catch (err) {
        const m = err instanceof ComplensError ? /^training diverged at step (\d+)/.exec(err.message) : null;
        if (!m) throw err;
        member = { weights: weights(), steps: Number(m[1]) || lastStep, stoppedBecause: 'diverged', trainExactMatch: 0, wallSeconds: (Date.now() - started) / 1000 };
      }
      callbacks.onMemberDone?.(i, member);
      out.push(member);
    } finally {
      model.dispose();
    }
  }
  return out;
};

/** `trainPopulation`'s type: a type-only import, so the trainer module loads only where it is registered (below). */
export type PopulationTrainFn = typeof populationTrain;

/** Adapts `trainPopulation` to the search's trainer interface (single-layer, single-stream GRUs with plain Adam only). */
export function populationTrainerEntry(trainPopulation: PopulationTrainFn, membersPerCall = 32): TrainerEntry {
  const train: SearchTrainer = async (task, members, { model, training }, callbacks = {}) => {
    if ((model.cell !== 'gru' && model.cell !== 'tanh') || model.layout !== 'single' || model.numLayers !== 1) {
      throw new ComplensError(`trainer population: trains single-layer single-stream GRU and tanh RNNs only (this search: ${model.cell}, ${model.layout}, ${model.numLayers} layers); use --trainer reference`);
    }
    if (model.hiddenSize % 4 !== 0 || model.embedSize % 4 !== 0) {
      throw new ComplensError(`trainer population: --width and --embed must be multiples of 4 (got ${model.hiddenSize}, ${model.embedSize}); use --trainer reference`);
    }
    if (training.optimizer !== 'adam' || training.weightDecay !== 0 || training.gradClip !== 0 || training.auxWeight !== 0 || training.batchSize === 0) {
      throw new ComplensError('trainer population: supports minibatch Adam without weight decay, clipping or auxiliary loss; use --trainer reference');
    }
    const convert = (r: PopulationMemberResult): TrainedMember => ({
      weights: r.weights,
      steps: r.steps,
      stoppedBecause: r.stoppedBecause,
      trainExactMatch: r.trainExactMatch,
      wallSeconds: r.wallSeconds,
      history: r.history,
    });
    const result = await trainPopulation(
      task,
      members,
      {
        cell: model.cell,
        hiddenSize: model.hiddenSize,
        embedSize: model.embedSize,
        learningRate: training.learningRate,
        batchSize: training.batchSize,
        maxSteps: training.maxSteps,
        evalEvery: training.evalEvery,
        stopAtTrainAccuracy: training.stopAtTrainAccuracy,
        beta1: training.beta1,
        beta2: training.beta2,
        epsilon: training.epsilon,
      },
      {
        onProgress: (p) => callbacks.onProgress?.({ step: p.steps, maxSteps: p.total * training.maxSteps, detail: `${p.done}/${p.total} members done` }),
        onMemberDone: (r) => callbacks.onMemberDone?.(r.index, convert(r)),
      },
    );
    return result.members.map(convert);
  };
  return { train, membersPerCall, description: `lib/train/population, ${membersPerCall} models per call in one batched model` };
}

const trainers = new Map<string, TrainerEntry>([
  ['reference', { train: referenceTrainer, membersPerCall: 1, description: 'lib/train/sequence.ts, one model at a time' }],
]);

// The population trainer (lib/train/population): the default for every search it supports.
registerSearchTrainer('population', populationTrainerEntry(require('../train/population/gru-trainer').trainPopulation));

export function registerSearchTrainer(name: string, entry: TrainerEntry): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new ComplensError(`trainer name ${JSON.stringify(name)}: use lowercase letters, digits and -`);
  trainers.set(name, entry);
}

export function searchTrainerNames(): string[] {
  return [...trainers.keys()];
}

/** 'population' once it is registered, else 'reference'. */
export function defaultTrainerName(): string {
  return trainers.has('population') ? 'population' : 'reference';
}

export function searchTrainer(name: string): TrainerEntry {
  const entry = trainers.get(name);
  if (!entry) throw new ComplensError(`trainer ${JSON.stringify(name)} is not available here (known: ${searchTrainerNames().join(', ')})`);
  return entry;
}
