/**
 * What every sequence model shares once it has a forward pass with hook points: `forward`, `runWithCache`,
 * `runWithHooks`, `generate` and `dispose` all reduce to one `run(batch, mode, params, hooks, dropout)`. Subclasses
 * (RNN, transformer) write `run` and their own config, params and hook names; the hook plumbing lives here once.
 */
import * as tf from '@tensorflow/tfjs';
import { CacheResult, HookMap, HookRuntime, NO_HOOKS, runHooked } from '../hooks';
import { DecodeMode, DropoutOptions, ForwardOptions, ParamSpec, Params, SequenceBatch, SequenceModel } from './types';

export abstract class HookedSequenceModel<Config, HookName extends string> implements SequenceModel<Config, HookName> {
  readonly kind = 'sequence' as const;
  abstract readonly config: Config;
  abstract readonly params: Record<string, tf.Variable>;
  abstract readonly paramSpecs: readonly ParamSpec[];
  abstract readonly hookPoints: readonly HookName[];
  /** Hooks called once per time step (stacked on a time axis when cached). */
  abstract readonly stepwiseHooks: ReadonlySet<HookName>;
  abstract readonly stateHook: HookName;
  abstract readonly vocabSize: number;

  /** The forward pass, logits at the answer positions; callers own the tidy scope. */
  protected abstract run(batch: SequenceBatch, mode: DecodeMode, override: Params | undefined, rt: HookRuntime, dropout?: DropoutOptions): tf.Tensor3D;

  /** The dropout `forward` applies for these options; models without dropout sites ignore the option. */
  protected trainingDropout(_options: ForwardOptions, _mode: DecodeMode): DropoutOptions | undefined {
    return undefined;
  }

  /**
   * Logits at the answer positions [B, targetLength, V]. With `options.hooks`, the activations it caches are
   * sealed (kept past this call) and readable as `options.hooks.cached`; the caller disposes them.
   */
  forward(batch: SequenceBatch, options: ForwardOptions = {}): tf.Tensor3D {
    const rt = options.hooks ?? NO_HOOKS;
    const mode = options.mode ?? 'teacher';
    const dropout = this.trainingDropout(options, mode);
    return tf.tidy(() => {
      const out = this.run(batch, mode, options.params, rt, dropout);
      if (rt !== NO_HOOKS) rt.seal(this.stepwiseHooks);
      return out;
    });
  }

  runWithCache(
    batch: SequenceBatch,
    options: { names: readonly HookName[]; hooks?: HookMap<HookName>; mode?: DecodeMode; params?: Params },
  ): CacheResult<HookName> {
    return runHooked((rt) => this.run(batch, options.mode ?? 'teacher', options.params, rt), {
      names: options.names,
      hooks: options.hooks,
      known: this.hookPoints,
      stepwise: this.stepwiseHooks,
    });
  }

  runWithHooks(batch: SequenceBatch, hooks: HookMap<HookName>, options: { mode?: DecodeMode; params?: Params } = {}): tf.Tensor3D {
    return runHooked((rt) => this.run(batch, options.mode ?? 'teacher', options.params, rt), {
      hooks,
      known: this.hookPoints,
      stepwise: this.stepwiseHooks,
    }).output as tf.Tensor3D;
  }

  generate(batch: SequenceBatch, options: { params?: Params } = {}): Int32Array {
    const ids = tf.tidy(() => tf.argMax(this.run(batch, 'greedy', options.params, NO_HOOKS), 2));
    const out = Int32Array.from(ids.dataSync());
    ids.dispose();
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}
