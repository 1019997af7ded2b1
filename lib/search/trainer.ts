/**
 * Search trainers by name. A trainer turns a batch of (initSeed, dataSeed) members into trained weights; the search
 * records whatever it returns, so trainers are interchangeable. Worker threads, child processes and queue workers
 * look trainers up here by the name saved in search.json, so registering one here makes it available everywhere.
 *
 * 'reference' wraps lib/train/sequence.ts (one model at a time). The population trainer (lib/search/population)
 * trains many members in one batched model; to make it the default, register it with the one line marked below:
 * `defaultTrainerName()` prefers 'population' as soon as it is registered.
 */
import { RnnModel } from '../models/rnn';
import { trainSequenceModel } from '../train/sequence';
import { ComplensError } from '../util/errors';
import { SearchTrainer, TrainedMember } from './types';

export interface TrainerEntry {
  train: SearchTrainer;
  /** How many members to hand it per call (a population trainer is fastest around 32; the reference trainer takes 1). */
  membersPerCall: number;
  description: string;
}

/** The reference trainer: trainSequenceModel per member, weights copied to host, model disposed. */
export const referenceTrainer: SearchTrainer = async (task, members, config, callbacks = {}) => {
  const out: TrainedMember[] = [];
  for (let i = 0; i < members.length; i++) {
    const { initSeed, dataSeed } = members[i];
    const model = new RnnModel(config.model, initSeed);
    try {
      const result = await trainSequenceModel(model, task, { ...config.training, dataSeed }, {
        onProgress: (step, maxSteps, detail) => callbacks.onProgress?.({ member: i, step, maxSteps, detail }),
      });
      const weights: Record<string, Float32Array> = {};
      for (const [name, v] of Object.entries(model.params)) weights[name] = new Float32Array(v.dataSync());
      const member: TrainedMember = {
        weights,
        steps: result.steps,
        stoppedBecause: result.stoppedBecause,
        trainExactMatch: result.trainExactMatch,
        wallSeconds: result.wallSeconds,
        history: result.history,
      };
      callbacks.onMemberDone?.(i, member);
      out.push(member);
    } finally {
      model.dispose();
    }
  }
  return out;
};

const trainers = new Map<string, TrainerEntry>([
  ['reference', { train: referenceTrainer, membersPerCall: 1, description: 'lib/train/sequence.ts, one model at a time' }],
]);

// ── The population trainer: uncomment this one line when lib/search/population lands (adapt the entry if its API differs). ──
// trainers.set('population', { train: require('./population').trainPopulation, membersPerCall: 32, description: 'lib/search/population, 32 models per batched step' });

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
