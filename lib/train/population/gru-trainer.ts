/**
 * The fast population trainer for the haystack search: trains many one-layer GRUs (or Elman tanh RNNs) with the reference trainer's
 * semantics (lib/train/sequence.ts: init from `new RnnModel(config, initSeed)`, minibatches from epochBatches
 * (dataSeed, epoch), mean answer cross-entropy under teacher forcing, tf.train.adam, greedy train exact match every
 * `evalEvery` steps, stop at `stopAtTrainAccuracy`) at a fraction of its cost.
 *
 * Members never share a matmul: each calls XNNPACK on its own weights, so members at different steps, buckets
 * and batch sizes need no grouping or padding. The population is a scheduling unit: `populationSize` members are
 * in flight round-robin, sharing one activation workspace, and a member that stops is replaced by the next
 * pending one. Results are identical for every population size (each member's arithmetic is independent).
 */
import { wasmHeap } from '../../backend/wasm-heap';
import { bucketize, epochBatches } from '../../data/batches';
import { initialValues } from '../../models/init';
import { rnnParamSpecs, RnnConfig } from '../../models/rnn';
import { EncodedExample, SequenceTask } from '../../tasks/types';
import { ComplensError } from '../../util/errors';
import { Rng } from '../../util/random';
import { AdamPowers, AdamState } from './adam';
import { timeMajorBatch } from './gru-batches';
import { GruMember, GruWorkspace, TimeMajorBatch } from './gru';
import { simdKernels } from '../../backend/simd/simd';

export interface PopulationMember {
  initSeed: number;
  dataSeed: number;
  /**
   * Warm start: continue from this state instead of `initialWeights(config, initSeed)` at step 0. The minibatch
   * order is a pure function of (dataSeed, step), so pausing a member at step s and resuming it from its returned
   * `state` (same dataSeed) reproduces the uninterrupted run bit for bit; a different dataSeed continues the same
   * model on another data order (a branch).
   */
  start?: MemberState;
  /** Pause this member once it has run this many steps in total (warm-start steps included); default maxSteps. */
  stopAtStep?: number;
}

/** Everything that continues a member's training: weights, Adam moments and powers, and its step count. */
export interface MemberState {
  weights: Record<string, Float32Array>;
  /** Adam's first and second moments under the RnnModel param names (absent: zero moments, fresh powers). */
  adam?: { m: Record<string, Float32Array>; v: Record<string, Float32Array> } & AdamPowers;
  step: number;
}

export interface PopulationConfig {
  /** 'gru' (the standard workload) or 'tanh' (Elman). */
  cell: 'gru' | 'tanh';
  hiddenSize: number;
  embedSize: number;
  learningRate: number;
  batchSize: number;
  maxSteps: number;
  evalEvery: number;
  stopAtTrainAccuracy: number;
  /** Members in flight at once (default 32; any value gives the same results). */
  populationSize?: number;
  /** Return each member's Adam state in `MemberResult.state` (for warm starts; default false). */
  returnState?: boolean;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface MemberPoint {
  step: number;
  /** Mean training loss since the previous point. */
  loss: number;
  trainExactMatch: number;
}

export interface MemberResult {
  /** Index into the `members` argument. */
  index: number;
  initSeed: number;
  dataSeed: number;
  /** Trained weights under the RnnModel param names: assign them to `new RnnModel(config, seed)`. */
  weights: Record<string, Float32Array>;
  steps: number;
  /**
   * 'diverged': the loss became non-finite (the reference trainer throws there instead). 'maxSteps' also when the
   * member paused at its `stopAtStep` (then `steps < maxSteps`).
   */
  stoppedBecause: 'accuracy' | 'maxSteps' | 'diverged';
  trainExactMatch: number;
  history: MemberPoint[];
  /** Seconds from this member's first step to its last, while sharing the thread with the population. */
  wallSeconds: number;
  /** With `returnState`: the state to warm-start from (`steps` = state.step). */
  state?: MemberState;
}

export interface PopulationProgress {
  done: number;
  total: number;
  /** Training steps run so far, all members together. */
  steps: number;
  elapsedSeconds: number;
}

export interface PopulationCallbacks {
  onProgress?: (progress: PopulationProgress) => void;
  onMemberDone?: (result: MemberResult) => void;
}

export interface PopulationResult {
  /** In the order of the `members` argument. */
  members: MemberResult[];
  totalSteps: number;
  wallSeconds: number;
  msPerModelStep: number;
}

/** The RnnModel config the population trains (for `new RnnModel(modelConfig(...), initSeed)`). */
export function populationModelConfig(task: SequenceTask, config: Pick<PopulationConfig, 'cell' | 'hiddenSize' | 'embedSize'>): RnnConfig {
  return { arch: 'rnn', cell: config.cell, layout: 'single', vocabSize: task.vocab.length, embedSize: config.embedSize, hiddenSize: config.hiddenSize, numLayers: 1 };
}

/** Exactly RnnModel's initial weights for `seed`, without creating tensors (same specs, same streams). */
export function initialWeights(modelConfig: RnnConfig, seed: number): Record<string, Float32Array> {
  return Object.fromEntries(rnnParamSpecs(modelConfig).map((s) => [s.name, initialValues(s, Rng.derive(seed, s.name))]));
}

interface Slot {
  index: number;
  stopAt: number;
  member: GruMember;
  adam: AdamState;
  step: number;
  epochOrder: number[][];
  epochOfOrder: number;
  lossSum: number;
  lossCount: number;
  history: MemberPoint[];
  trainExactMatch: number;
  started: number;
}

export async function trainPopulation(
  task: SequenceTask,
  members: readonly PopulationMember[],
  config: PopulationConfig,
  callbacks: PopulationCallbacks = {},
): Promise<PopulationResult> {
  validate(config);
  const train = task.split(task.splitNames()[0]).examples;
  if (train.length === 0) throw new ComplensError(`task ${task.kind}: the training split is empty`);
  const modelConfig = populationModelConfig(task, config);
  const hyper = { learningRate: config.learningRate, beta1: config.beta1 ?? 0.9, beta2: config.beta2 ?? 0.999, epsilon: config.epsilon ?? 1e-8 };
  const batchesPerEpoch = epochBatches(train, config.batchSize, 0, 0).length;
  const evalChunks = evaluationChunks(train, Math.max(config.batchSize, 64));
  const heap = wasmHeap();
  const maxInputs = Math.max(...train.map((e) => e.prompt.length + e.target.length - 1));
  const maxTargets = Math.max(...train.map((e) => e.target.length));
  const ws = new GruWorkspace(heap, simdKernels(heap), {
    vocabSize: modelConfig.vocabSize, embedSize: config.embedSize, hiddenSize: config.hiddenSize,
    maxRows: Math.max(config.batchSize, ...evalChunks.map((c) => c.batch.rows)), maxInputs, maxTargets,
  });
  const P = Math.max(1, Math.min(config.populationSize ?? 32, members.length));
  const pool = Array.from({ length: P }, () => new GruMember(ws, modelConfig));
  const results: MemberResult[] = new Array(members.length);
  const started = Date.now();
  let next = 0;
  let done = 0;
  let totalSteps = 0;
  let lastYield = Date.now();

  const start = (member: GruMember): Slot | undefined => {
    if (next >= members.length) return undefined;
    const index = next++;
    const { start: warm, stopAtStep } = members[index];
    member.load(warm ? warm.weights : initialWeights(modelConfig, members[index].initSeed));
    if (warm?.adam) member.loadMoments(warm.adam.m, warm.adam.v);
    const adam = new AdamState(hyper, warm?.adam);
    const stopAt = Math.min(config.maxSteps, stopAtStep ?? config.maxSteps);
    return { index, stopAt, member, adam, step: warm?.step ?? 0, epochOrder: [], epochOfOrder: -1, lossSum: 0, lossCount: 0, history: [], trainExactMatch: 0, started: Date.now() };
  };
  const finish = (slot: Slot, stoppedBecause: MemberResult['stoppedBecause']) => {
    const { index } = slot;
    const result: MemberResult = {
      index, initSeed: members[index].initSeed, dataSeed: members[index].dataSeed, weights: slot.member.read(), steps: slot.step,
      stoppedBecause, trainExactMatch: slot.trainExactMatch, history: slot.history, wallSeconds: (Date.now() - slot.started) / 1000,
    };
    if (config.returnState) {
      result.state = { weights: result.weights, adam: { ...slot.member.readMoments(), ...slot.adam.powers() }, step: slot.step };
    }
    results[index] = result;
    done++;
    callbacks.onMemberDone?.(result);
  };

  try {
    let slots = pool.map(start).filter((s): s is Slot => s !== undefined);
    while (slots.length > 0) {
      const running: Slot[] = [];
      for (const slot of slots) {
        let outcome: ReturnType<typeof stepMember>;
        if (slot.step >= slot.stopAt) {
          // A warm start at or beyond its pause step (or maxSteps) returns at once, untrained.
          outcome = 'maxSteps';
        } else {
          outcome = stepMember(slot, train, config, batchesPerEpoch, members[slot.index].dataSeed, evalChunks);
          totalSteps++;
        }
        if (outcome === 'running') {
          running.push(slot);
        } else {
          finish(slot, outcome);
          const replacement = start(slot.member);
          if (replacement) running.push(replacement);
        }
      }
      slots = running;
      if (Date.now() - lastYield > 200) {
        // Let timers and I/O (progress output, workers' messages) run between population steps.
        callbacks.onProgress?.({ done, total: members.length, steps: totalSteps, elapsedSeconds: (Date.now() - started) / 1000 });
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
  } finally {
    for (const m of pool) m.dispose();
    ws.dispose();
  }
  const wallSeconds = (Date.now() - started) / 1000;
  callbacks.onProgress?.({ done, total: members.length, steps: totalSteps, elapsedSeconds: wallSeconds });
  return { members: results, totalSteps, wallSeconds, msPerModelStep: totalSteps ? (wallSeconds * 1000) / totalSteps : 0 };
}

/** One training step of one member (and its scheduled evaluation); returns why it stopped, if it did. */
function stepMember(
  slot: Slot,
  train: readonly EncodedExample[],
  config: PopulationConfig,
  batchesPerEpoch: number,
  dataSeed: number,
  evalChunks: EvalChunk[],
): 'running' | MemberResult['stoppedBecause'] {
  const epoch = Math.floor(slot.step / batchesPerEpoch);
  if (epoch !== slot.epochOfOrder) {
    slot.epochOrder = epochBatches(train, config.batchSize, dataSeed, epoch);
    slot.epochOfOrder = epoch;
  }
  const m = slot.member;
  const loss = m.lossAndGrads(timeMajorBatch(train, slot.epochOrder[slot.step % batchesPerEpoch]));
  if (!Number.isFinite(loss)) return 'diverged';
  slot.adam.step(m.kernels, m.params, m.grads, m.m, m.v, m.size);
  m.markWeightsChanged();
  slot.lossSum += loss;
  slot.lossCount++;
  slot.step++;
  // Also at a pause (stopAtStep), so a paused member reports a current train exact match; pauses at multiples of
  // evalEvery leave the history exactly as in an uninterrupted run.
  if (slot.step % config.evalEvery === 0 || slot.step === slot.stopAt) {
    slot.trainExactMatch = exactMatch(m, evalChunks);
    slot.history.push({ step: slot.step, loss: slot.lossSum / slot.lossCount, trainExactMatch: slot.trainExactMatch });
    slot.lossSum = 0;
    slot.lossCount = 0;
    if (slot.trainExactMatch >= config.stopAtTrainAccuracy) return 'accuracy';
  }
  return slot.step >= slot.stopAt ? 'maxSteps' : 'running';
}

interface EvalChunk {
  batch: TimeMajorBatch;
}

/** The training split as greedy-evaluation batches (by length bucket, at most `rows` rows each). */
function evaluationChunks(examples: readonly EncodedExample[], rows: number): EvalChunk[] {
  const chunks: EvalChunk[] = [];
  for (const bucket of bucketize(examples)) {
    for (let i = 0; i < bucket.indices.length; i += rows) chunks.push({ batch: timeMajorBatch(examples, bucket.indices.slice(i, i + rows)) });
  }
  return chunks;
}

/** Fraction of examples whose whole greedy answer is right (evaluateExamples' exactMatch). */
function exactMatch(m: GruMember, chunks: EvalChunk[]): number {
  let right = 0;
  let total = 0;
  for (const { batch } of chunks) {
    const pred = m.predict(batch);
    const answers = batch.labels.length / batch.rows;
    for (let b = 0; b < batch.rows; b++) {
      let ok = true;
      for (let j = 0; j < answers && ok; j++) ok = pred[j * batch.rows + b] === batch.labels[j * batch.rows + b];
      if (ok) right++;
    }
    total += batch.rows;
  }
  return right / total;
}

function validate(c: PopulationConfig): void {
  const bad = (field: string, why: string) => new ComplensError(`population.${field}: ${why}`);
  if (c.cell !== 'gru' && c.cell !== 'tanh') throw bad('cell', `the population trainer implements 'gru' and 'tanh', got ${JSON.stringify(c.cell)}`);
  for (const f of ['hiddenSize', 'embedSize', 'batchSize', 'maxSteps', 'evalEvery'] as const) {
    if (!Number.isInteger(c[f]) || c[f] < 1) throw bad(f, `expected a positive integer, got ${c[f]}`);
  }
  if (c.hiddenSize % 4 !== 0) throw bad('hiddenSize', `must be a multiple of 4 (SIMD lanes), got ${c.hiddenSize}`);
  if (c.embedSize % 4 !== 0) throw bad('embedSize', `must be a multiple of 4 (SIMD lanes), got ${c.embedSize}`);
  if (!(c.learningRate > 0)) throw bad('learningRate', `expected > 0, got ${c.learningRate}`);
  if (c.populationSize !== undefined && (!Number.isInteger(c.populationSize) || c.populationSize < 1)) throw bad('populationSize', `expected a positive integer, got ${c.populationSize}`);
}
