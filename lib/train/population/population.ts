/**
 * Many MLPs (seeds × data orders of one architecture) trained by the fast engine, each exactly as
 * `trainVectorModel(new MlpModel(config, initSeed), data, {...training, dataSeed})` would train it. Members never
 * share a matmul (each has its own weights; batching them would only add a gather), so the population is a loop
 * over members on one thread, with one model's memory at a time: what the GRU population trainer measured too
 * (population sizes 1–32 cost the same per model-step, docs/performance.md).
 */
import { MlpConfig, MlpModel } from '../../models/mlp';
import { ComplensError } from '../../util/errors';
import { trainVectorModel, VectorData, VectorTrainConfig, VectorTrainPoint } from '../vector';

export interface MlpPopulationMember {
  initSeed: number;
  dataSeed: number;
}

export interface MlpMemberResult extends MlpPopulationMember {
  /** Index into the `members` argument. */
  index: number;
  /** Trained weights under the MlpModel param names. */
  weights: Record<string, Float32Array>;
  history: VectorTrainPoint[];
  wallSeconds: number;
}

export interface MlpPopulationResult {
  members: MlpMemberResult[];
  totalSteps: number;
  wallSeconds: number;
  msPerModelStep: number;
}

export interface MlpPopulationOptions {
  /** Metrics at every history point of every member (the model holds that member's current weights). */
  evaluate?: (model: MlpModel, member: MlpPopulationMember, step: number) => Record<string, number>;
  onMemberDone?: (result: MlpMemberResult) => void;
}

/**
 * `data(member)`: the member's training data, a fixed set (minibatched by its dataSeed) or a generator of the
 * batch for each step (e.g. `task.trainStream(tasksPerStep, member.dataSeed)`).
 */
export async function trainMlpPopulation(
  config: MlpConfig,
  members: readonly MlpPopulationMember[],
  data: (member: MlpPopulationMember) => VectorData,
  training: Partial<VectorTrainConfig>,
  options: MlpPopulationOptions = {},
): Promise<MlpPopulationResult> {
  if (members.length === 0) throw new ComplensError('trainMlpPopulation: no members');
  const started = Date.now();
  const results: MlpMemberResult[] = [];
  let totalSteps = 0;
  for (const [index, member] of members.entries()) {
    const model = new MlpModel(config, member.initSeed);
    try {
      const r = await trainVectorModel(model, data(member), { ...training, dataSeed: member.dataSeed }, {
        engine: 'fast',
        evaluate: options.evaluate ? (m, step) => options.evaluate!(m as MlpModel, member, step) : undefined,
      });
      const weights = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array]));
      const result = { index, ...member, weights, history: r.history, wallSeconds: r.wallSeconds };
      results.push(result);
      totalSteps += r.steps;
      options.onMemberDone?.(result);
    } finally {
      model.dispose();
    }
  }
  const wallSeconds = (Date.now() - started) / 1000;
  return { members: results, totalSteps, wallSeconds, msPerModelStep: (1000 * wallSeconds) / totalSteps };
}
