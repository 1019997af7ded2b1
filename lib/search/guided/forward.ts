/**
 * The guided search's view of a member between rounds: greedy answers (as RnnModel.generate) and the hidden state at
 * every prompt position, from the host weights the population trainer returns. It runs RnnModel itself (the tfjs
 * cell definitions of lib/models/rnn/cells.ts) with the weights as parameter overrides, so the GRU has one
 * definition per semantics: tfjs ops here and in every instrument, the heap kernels in the population trainer.
 */
import * as tf from '@tensorflow/tfjs';
import { evaluationBatches } from '../../data/batches';
import { disposeResult } from '../../hooks';
import { RnnModel } from '../../models/rnn';
import { RnnConfig } from '../../models/rnn/config';
import { EncodedExample } from '../../tasks/types';

export interface HostRnnDims {
  cell: 'gru' | 'tanh';
  vocabSize: number;
  embedSize: number;
  hiddenSize: number;
}

export interface HostRun {
  /** Greedy answer tokens per example (as many as its target). */
  answers: Int32Array[];
  /** Hidden state after each prompt position: states[i][t * H + j]. */
  states: Float32Array[];
}

/** One model per shape: its own initial weights are never used (every call overrides them all). */
const models = new Map<string, RnnModel>();

function modelFor(dims: HostRnnDims): RnnModel {
  const config: RnnConfig = { arch: 'rnn', cell: dims.cell, layout: 'single', vocabSize: dims.vocabSize, embedSize: dims.embedSize, hiddenSize: dims.hiddenSize, numLayers: 1 };
  const key = JSON.stringify(config);
  let model = models.get(key);
  if (!model) models.set(key, (model = new RnnModel(config, 0)));
  return model;
}

export class HostRnn {
  private readonly model: RnnModel;

  constructor(readonly dims: HostRnnDims, private readonly weights: Record<string, Float32Array>) {
    this.model = modelFor(dims);
    for (const [name, p] of Object.entries(this.model.params)) {
      const n = p.shape.reduce((a, b) => a * b, 1);
      const w = weights[name];
      if (!w || w.length !== n) throw new Error(`HostRnn: weight ${name} has ${w?.length ?? 'no'} values, expected ${n}`);
    }
  }

  /** Runs every example: hidden states over the prompt, then greedy decoding of `target.length` tokens. */
  run(examples: readonly EncodedExample[]): HostRun {
    const H = this.dims.hiddenSize;
    const answers: Int32Array[] = new Array(examples.length);
    const states: Float32Array[] = new Array(examples.length);
    const params = Object.fromEntries(Object.entries(this.model.params).map(([name, p]) => [name, tf.tensor(this.weights[name], p.shape)]));
    try {
      for (const { batch, indices } of evaluationBatches(examples)) {
        const answer = this.model.generate(batch, { params });
        const Tt = batch.length - batch.promptLength;
        const result = this.model.runWithCache(batch, { names: [this.model.stateHook], params });
        const tensor = result.cache[this.model.stateHook]!;
        const T = tensor.shape[1] as number;
        const data = tensor.dataSync() as Float32Array;
        disposeResult(result);
        indices.forEach((index, row) => {
          answers[index] = answer.slice(row * Tt, row * Tt + examples[index].target.length);
          states[index] = data.slice(row * T * H, (row * T + batch.promptLength) * H);
        });
      }
    } finally {
      tf.dispose(Object.values(params));
    }
    return { answers, states };
  }
}

/** Fraction of examples whose whole greedy answer equals the target. */
export function exactMatchOf(examples: readonly EncodedExample[], answers: readonly Int32Array[]): number {
  if (examples.length === 0) return NaN;
  let right = 0;
  examples.forEach((ex, i) => {
    if (ex.target.every((t, j) => answers[i][j] === t)) right++;
  });
  return right / examples.length;
}

/** Fraction of answer tokens equal to the target's (greedy, so later tokens follow the model's own earlier ones). */
export function tokenAccuracyOf(examples: readonly EncodedExample[], answers: readonly Int32Array[]): number {
  let right = 0;
  let total = 0;
  examples.forEach((ex, i) => {
    ex.target.forEach((t, j) => {
      if (answers[i][j] === t) right++;
      total++;
    });
  });
  return total ? right / total : NaN;
}
