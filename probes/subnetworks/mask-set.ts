/**
 * MaskSet: trainable mask scores s, one same-shape tensor per covered weight tensor, wrapped around a model by name
 * (no fork of the model code). Continuous sparsification (Savarese et al. 2020; Lepori et al. 2023, D.6):
 *   training:   W ⊙ σ(β·s)          (`softParams(beta)`, differentiable in s)
 *   evaluation: W ⊙ 1[s > 0]        (`hardMask()`, `maskedParams(mode)`)
 * The model's weights are only read, never written.
 */
import * as tf from '@tensorflow/tfjs';
import { AnyModel, ParamSpec, Params } from '../../lib/models/types';
import { ComplensError } from '../../lib/util/errors';
import { BinaryMask } from './binary-mask';
import { PenaltyKind } from './config';
import { AblationMode, maskedParams, MaskedParamsOptions } from './modes';
import { selectTensors, SelectOptions } from './patterns';

export interface ScoreValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

let counter = 0;

export class MaskSet {
  readonly model: AnyModel;
  /** The covered tensors' specs, in the model's parameter order. */
  readonly specs: readonly ParamSpec[];
  /** The scores s, keyed by the covered tensor's name. */
  readonly scores: Readonly<Record<string, tf.Variable>>;
  private disposed = false;

  private constructor(model: AnyModel, specs: ParamSpec[], scores: Record<string, tf.Variable>) {
    this.model = model;
    this.specs = specs;
    this.scores = scores;
  }

  /**
   * Scores for the tensors chosen by name pattern (default: every maskable tensor), all set to `initScore`
   * (default 0.05, the paper's most frequent choice). Dispose the set when done.
   */
  static create(model: AnyModel, options: SelectOptions & { initScore?: number } = {}): MaskSet {
    const specs = selectTensors(model.paramSpecs, options);
    const s0 = options.initScore ?? 0.05;
    const scores: Record<string, tf.Variable> = {};
    for (const spec of specs) {
      const initial = tf.fill(spec.shape, s0, 'float32');
      scores[spec.name] = tf.variable(initial, true, `mask.${spec.name}_${counter++}`);
      initial.dispose();
    }
    return new MaskSet(model, specs, scores);
  }

  /** A set whose scores reproduce a binary mask (+s0 where kept, −s0 where removed), e.g. to fine-tune a saved mask. */
  static fromBinary(model: AnyModel, mask: BinaryMask, s0 = 0.05): MaskSet {
    const set = MaskSet.create(model, { include: mask.names.map((n) => new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)), allowUnmaskable: true });
    for (const t of mask.tensors) {
      const values = Float32Array.from(t.bits, (b) => (b ? s0 : -s0));
      const tensor = tf.tensor(values, t.shape, 'float32');
      set.scores[t.name].assign(tensor);
      tensor.dispose();
    }
    return set;
  }

  get names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Mask entries in total. */
  get size(): number {
    return this.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  get variables(): tf.Variable[] {
    return this.specs.map((s) => this.scores[s.name]);
  }

  /** The soft masks σ(β·s), keyed by tensor name (new tensors: call inside a tidy or gradient scope). */
  softMasks(beta: number): Params {
    this.check();
    const out: Params = {};
    for (const spec of this.specs) out[spec.name] = tf.sigmoid(tf.mul(this.scores[spec.name], beta));
    return out;
  }

  /**
   * W ⊙ σ(β·s) for every covered tensor (new tensors: call inside a tidy or gradient scope). Pass `soft` (from
   * `softMasks(beta)`) to reuse the sigmoids that `penalty` also needs.
   */
  softParams(beta: number, soft?: Params): Params {
    this.check();
    const m = soft ?? this.softMasks(beta);
    const out: Params = {};
    for (const spec of this.specs) out[spec.name] = tf.mul(this.model.params[spec.name], m[spec.name]);
    return out;
  }

  /** The sparsity term before λ: Σ σ(β·s) over every entry ('sum', the paper) or its mean ('mean'). `soft` as in softParams. */
  penalty(beta: number, kind: PenaltyKind = 'sum', soft?: Params): tf.Scalar {
    this.check();
    return tf.tidy(() => {
      const m = soft ?? this.softMasks(beta);
      let total: tf.Scalar = tf.scalar(0);
      for (const spec of this.specs) total = tf.add(total, tf.sum(m[spec.name]));
      return kind === 'mean' ? tf.div(total, this.size) : total;
    });
  }

  /** The evaluation mask 1[s > 0]. */
  hardMask(): BinaryMask {
    return BinaryMask.fromScores(this.scoreValues());
  }

  /** The override for an ablation mode under the current hard mask (the caller disposes it; see modes.ts). */
  maskedParams(mode: AblationMode, options: MaskedParamsOptions = {}): Params {
    return maskedParams(this.model, this.hardMask(), mode, options);
  }

  /** Copies of the current scores in host memory. */
  scoreValues(): ScoreValues[] {
    this.check();
    return this.specs.map((s) => ({ name: s.name, shape: [...s.shape], values: Float32Array.from(this.scores[s.name].dataSync() as Float32Array) }));
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of Object.values(this.scores)) v.dispose();
    this.disposed = true;
  }

  private check(): void {
    if (this.disposed) throw new ComplensError('MaskSet: used after dispose()');
  }
}
