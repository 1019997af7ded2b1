/**
 * Recurrent sequence models (tanh RNN, GRU, LSTM; single-stream or encoder–decoder) reading a token prompt and
 * emitting the answer one token per step. Tokens enter as one-hot rows times the embedding matrix: the wasm
 * backend has no gradient kernel for gather, and for small vocabularies the matmul is faster anyway.
 */
import * as tf from '@tensorflow/tfjs';
import { HookRuntime } from '../../hooks';
import { HookedSequenceModel } from '../hooked-sequence';
import { initParams, weight } from '../init';
import { DecodeMode, ParamSpec, Params, SequenceBatch } from '../types';
import { CellState, cellStep, CellWeights } from './cells';
import { gateCount, RnnConfig, validateRnnConfig } from './config';
import { RnnHookName, rnnHookPoints, RnnPrefix, rnnPrefixes } from './hook-names';

export function rnnParamSpecs(config: RnnConfig): ParamSpec[] {
  const { hiddenSize: H, embedSize: E, vocabSize: V, numLayers } = config;
  const G = gateCount(config.cell);
  // PyTorch's default: every recurrent weight and bias uniform in ±1/√H.
  const k = 1 / Math.sqrt(H);
  const specs: ParamSpec[] = [];
  for (const prefix of rnnPrefixes(config)) {
    specs.push({ name: `${prefix}embed.W_E`, shape: [V, E], init: 'normal', scale: 1, maskable: false });
    for (let l = 0; l < numLayers; l++) {
      const p = `${prefix}cells.${l}.`;
      specs.push(
        { name: `${p}W_ih`, shape: [l === 0 ? E : H, G * H], init: 'uniform', scale: k, maskable: true },
        { name: `${p}W_hh`, shape: [H, G * H], init: 'uniform', scale: k, maskable: true },
        { name: `${p}b_ih`, shape: [G * H], init: 'uniform', scale: k, maskable: false },
        { name: `${p}b_hh`, shape: [G * H], init: 'uniform', scale: k, maskable: false },
      );
    }
  }
  specs.push(
    { name: 'unembed.W_U', shape: [H, V], init: 'uniform', scale: k, maskable: true },
    { name: 'unembed.b_U', shape: [V], init: 'uniform', scale: k, maskable: false },
  );
  return specs;
}

export class RnnModel extends HookedSequenceModel<RnnConfig, RnnHookName> {
  readonly config: RnnConfig;
  readonly params: Record<string, tf.Variable>;
  readonly paramSpecs: readonly ParamSpec[];
  readonly hookPoints: readonly RnnHookName[];
  readonly stepwiseHooks: ReadonlySet<RnnHookName>;
  readonly stateHook: RnnHookName;

  constructor(config: RnnConfig, seed: number) {
    super();
    this.config = validateRnnConfig(config);
    this.paramSpecs = rnnParamSpecs(this.config);
    this.params = initParams(this.paramSpecs, seed);
    const points = rnnHookPoints(this.config);
    this.hookPoints = points.all;
    this.stepwiseHooks = points.stepwise;
    const top = this.config.numLayers - 1;
    this.stateHook = (this.config.layout === 'single' ? `cells.${top}.hook_h` : `encoder.cells.${top}.hook_h`) as RnnHookName;
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** The forward pass; callers wrap it in a tidy scope. */
  protected run(batch: SequenceBatch, mode: DecodeMode, override: Params | undefined, rt: HookRuntime): tf.Tensor3D {
    checkBatch(batch, this.config.vocabSize);
    const { batchSize: B, promptLength: Tp, length } = batch;
    const inputs = length - 1; // the last target token is never read
    const w = (name: string) => weight(this.params, override, name);
    const layers = this.config.numLayers;
    let state: CellState[] = Array.from({ length: layers }, () => this.zeroState(B));
    const logits: tf.Tensor2D[] = [];
    let previous: tf.Tensor1D | undefined;

    const step = (prefix: RnnPrefix, t: number, position: number) => {
      const onehot =
        mode === 'greedy' && previous && t >= Tp ? (tf.oneHot(previous, this.config.vocabSize).toFloat() as tf.Tensor2D) : tokenOneHot(batch, t, this.config.vocabSize);
      let x = rt.point(`${prefix}hook_embed`, tf.matMul(onehot, w(`${prefix}embed.W_E`)) as tf.Tensor2D, position);
      state = state.map((s, l) => {
        const next = cellStep(this.config.cell, this.cellWeights(prefix, l, w), x, s, rt, `${prefix}cells.${l}.`, position);
        x = next.h;
        return next;
      });
      return x;
    };
    const emit = (h: tf.Tensor2D) => {
      const out = tf.add(tf.matMul(h, w('unembed.W_U')), w('unembed.b_U')) as tf.Tensor2D;
      logits.push(out);
      if (mode === 'greedy') previous = tf.argMax(out, 1) as tf.Tensor1D;
    };

    if (this.config.layout === 'single') {
      for (let t = 0; t < inputs; t++) {
        const h = step('', t, t);
        if (t >= Tp - 1) emit(h);
      }
    } else {
      for (let t = 0; t < Tp; t++) step('encoder.', t, t);
      // The decoder starts from the encoder's final state and first reads the prompt's last token (the '.' marker).
      for (let t = Tp - 1; t < inputs; t++) emit(step('decoder.', t, t - (Tp - 1)));
    }
    return rt.point('hook_logits', tf.stack(logits, 1) as tf.Tensor3D);
  }

  private zeroState(B: number): CellState {
    const H = this.config.hiddenSize;
    return this.config.cell === 'lstm' ? { h: tf.zeros([B, H]), c: tf.zeros([B, H]) } : { h: tf.zeros([B, H]) };
  }

  private cellWeights(prefix: RnnPrefix, layer: number, w: (n: string) => tf.Tensor): CellWeights {
    const p = `${prefix}cells.${layer}.`;
    return { W_ih: w(`${p}W_ih`), W_hh: w(`${p}W_hh`), b_ih: w(`${p}b_ih`), b_hh: w(`${p}b_hh`) };
  }
}

function tokenOneHot(batch: SequenceBatch, t: number, vocab: number): tf.Tensor2D {
  const data = new Float32Array(batch.batchSize * vocab);
  for (let b = 0; b < batch.batchSize; b++) data[b * vocab + batch.tokens[b * batch.length + t]] = 1;
  return tf.tensor2d(data, [batch.batchSize, vocab]);
}

function checkBatch(batch: SequenceBatch, vocab: number): void {
  const { batchSize, length, promptLength, tokens } = batch;
  if (tokens.length !== batchSize * length) {
    throw new Error(`SequenceBatch: tokens has ${tokens.length} entries, expected batchSize × length = ${batchSize * length}`);
  }
  if (promptLength < 1 || promptLength >= length) throw new Error(`SequenceBatch: promptLength ${promptLength} must be in [1, ${length - 1}]`);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] < 0 || tokens[i] >= vocab) throw new Error(`SequenceBatch: token ${tokens[i]} at index ${i} is outside the vocabulary (size ${vocab})`);
  }
}
