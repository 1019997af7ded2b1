/**
 * The minGPT-style decoder-only transformer as a SequenceModel. It reads the single stream prompt ++ target[0..-2]
 * under a causal mask and returns logits at the answer positions. Dropout (minGPT's sites) applies only when
 * `forward` is given `options.dropout` in teacher mode, i.e. in training; its masks are seeded, so a training run
 * stays deterministic. Evaluation, generation and the hook APIs never drop.
 */
import * as tf from '@tensorflow/tfjs';
import { HookRuntime, NO_HOOKS } from '../../hooks';
import { ComplensError } from '../../util/errors';
import { HookedSequenceModel } from '../hooked-sequence';
import { initParams, weight } from '../init';
import { DecodeMode, DropoutOptions, ForwardOptions, ParamSpec, Params, SequenceBatch } from '../types';
import { TransformerConfig, validateTransformerConfig } from './config';
import { transformerPass } from './forward';
import { TransformerHookName, transformerHookPoints } from './hook-names';
import { transformerParamSpecs } from './params';

export class TransformerModel extends HookedSequenceModel<TransformerConfig, TransformerHookName> {
  readonly config: TransformerConfig;
  readonly params: Record<string, tf.Variable>;
  readonly paramSpecs: readonly ParamSpec[];
  readonly hookPoints: readonly TransformerHookName[];
  /** Empty: time is already an axis of every activation. */
  readonly stepwiseHooks: ReadonlySet<TransformerHookName> = new Set();
  /** The last block's output; its time axis is the input positions, aligned with `positionLabels`. */
  readonly stateHook: TransformerHookName;

  constructor(config: TransformerConfig, seed: number) {
    super();
    this.config = validateTransformerConfig(config);
    this.paramSpecs = transformerParamSpecs(this.config);
    this.params = initParams(this.paramSpecs, seed);
    this.hookPoints = transformerHookPoints(this.config);
    this.stateHook = `blocks.${this.config.nLayers - 1}.hook_resid_post`;
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Dropout applies in training only (teacher mode); evaluation, generation and the hook APIs never drop. */
  protected override trainingDropout(options: ForwardOptions, mode: DecodeMode): DropoutOptions | undefined {
    const dropout = options.dropout && options.dropout.rate > 0 ? options.dropout : undefined;
    if (dropout) {
      if (!(dropout.rate < 1)) throw new ComplensError(`forward: dropout.rate must be in [0, 1), got ${dropout.rate}`);
      if (!Number.isFinite(dropout.seed)) throw new ComplensError(`forward: dropout.seed must be a finite number, got ${dropout.seed}`);
      if (mode !== 'teacher') throw new ComplensError("forward: dropout is a training option and needs mode 'teacher' (greedy decoding never drops)");
    }
    return dropout;
  }

  /** Callers own the tidy scope. */
  protected run(batch: SequenceBatch, mode: DecodeMode, override: Params | undefined, rt: HookRuntime, dropout?: DropoutOptions): tf.Tensor3D {
    this.check(batch);
    const w = (name: string) => weight(this.params, override, name);
    const { batchSize: B, length, promptLength } = batch;
    const T = length - 1; // the last target token is never read
    const tokens = inputTokens(batch);
    const pass = (position?: number) => transformerPass(this.config, w, { tokens, B, T, answerStart: promptLength - 1, position }, rt);
    if (mode === 'teacher') return dropout ? transformerPass(this.config, w, { tokens, B, T, answerStart: promptLength - 1, dropout }, rt) : pass();

    // Greedy: one full-length pass per answer token. Positions not yet decoded hold 0; under the causal mask they
    // cannot affect the position being decoded. Hooks act on every pass (so a patch steers the decoded tokens);
    // the activations cached by the earlier passes are dropped, and the cache reflects the final pass only.
    for (let b = 0; b < B; b++) tokens.fill(0, b * T + promptLength, (b + 1) * T);
    const answers = length - promptLength;
    for (let j = 0; j < answers - 1; j++) {
      const decoded = tf.tidy(() => {
        const logits = pass(promptLength - 1 + j);
        const next = tf.argMax(tf.squeeze(tf.slice(logits, [0, j, 0], [B, 1, this.config.vocabSize]), [1]), 1);
        // After the argmax: a cached tensor may be `logits` itself.
        if (rt !== NO_HOOKS) for (const t of Object.values(rt.seal(this.stepwiseHooks))) t.dispose();
        return next;
      });
      const ids = decoded.dataSync();
      decoded.dispose();
      for (let b = 0; b < B; b++) tokens[b * T + promptLength + j] = ids[b];
    }
    return pass(length - 2);
  }

  private check(batch: SequenceBatch): void {
    const { batchSize, length, promptLength, tokens } = batch;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ComplensError(`SequenceBatch: batchSize ${batchSize} must be a positive integer`);
    if (tokens.length !== batchSize * length) {
      throw new ComplensError(`SequenceBatch: tokens has ${tokens.length} entries, expected batchSize × length = ${batchSize * length}`);
    }
    if (promptLength < 1 || promptLength >= length) throw new ComplensError(`SequenceBatch: promptLength ${promptLength} must be in [1, ${length - 1}]`);
    if (length - 1 > this.config.maxLength) {
      throw new ComplensError(`SequenceBatch: ${length - 1} input positions exceed the transformer's maxLength ${this.config.maxLength} (block size)`);
    }
    const V = this.config.vocabSize;
    for (let i = 0; i < tokens.length; i++) {
      if (!(tokens[i] >= 0 && tokens[i] < V)) throw new ComplensError(`SequenceBatch: token ${tokens[i]} at index ${i} is outside the vocabulary (size ${V})`);
    }
  }
}

/** The model's input: each row without its last token, [B, length − 1] row-major (a fresh copy, safe to overwrite). */
function inputTokens(batch: SequenceBatch): Int32Array {
  const { batchSize: B, length } = batch;
  const T = length - 1;
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) out.set(batch.tokens.subarray(b * length, b * length + T), b * T);
  return out;
}

export function createTransformer(config: TransformerConfig, seed: number): TransformerModel {
  return new TransformerModel(config, seed);
}
