/**
 * The hook system, in the TransformerLens spirit: model code passes every meaningful intermediate through
 * `rt.point(name, tensor)` (a no-op unless somebody listens), and callers observe or replace activations by name.
 *
 * Time is a tensor axis. Recurrent models call `point` once per time step with a [batch, features] tensor and the
 * step's position; the cache stacks those steps into [batch, time, features]. Hook functions see one step at a time
 * (with `ctx.position`) so that a patch at step t changes every later step, as it would in the real network.
 */
import * as tf from '@tensorflow/tfjs';
import { ComplensError } from '../util/errors';

export interface HookContext {
  /** The hook point's name, e.g. `cells.0.hook_h`. */
  name: string;
  /** Time step (recurrent models) or undefined for points that are not per-step. */
  position?: number;
}

/**
 * A hook reads an activation and may return a replacement of the same shape (for patching and ablation).
 * Returning nothing keeps the activation. Tensors a hook creates are disposed with the forward pass's scope.
 */
export type HookFn = (activation: tf.Tensor, ctx: HookContext) => tf.Tensor | void;

/** Hooks keyed by point name; a name may have several hooks, applied in order. */
export type HookMap<Name extends string = string> = Partial<Record<Name, HookFn | HookFn[]>>;

/** Runtime passed through a forward pass. `NO_HOOKS` is the shared no-op used when nobody listens. */
export class HookRuntime {
  private readonly steps = new Map<string, tf.Tensor[]>();
  private readonly hooks: Map<string, HookFn[]>;

  constructor(
    hooks: HookMap = {},
    private readonly cacheNames: ReadonlySet<string> = new Set(),
  ) {
    this.hooks = new Map(
      Object.entries(hooks)
        .filter((entry): entry is [string, HookFn | HookFn[]] => entry[1] !== undefined)
        .map(([name, fns]) => [name, Array.isArray(fns) ? fns : [fns]]),
    );
  }

  /** True when some hook or cache request listens at `name`; models may skip computing optional activations otherwise. */
  listens(name: string): boolean {
    return this.hooks.has(name) || this.cacheNames.has(name);
  }

  /** Pass an activation through the hook point `name`. Returns the (possibly replaced) activation. */
  point<T extends tf.Tensor>(name: string, activation: T, position?: number): T {
    let current: tf.Tensor = activation;
    const fns = this.hooks.get(name);
    if (fns) {
      for (const fn of fns) {
        const replaced = fn(current, { name, position });
        if (replaced) {
          if (!tf.util.arraysEqual(replaced.shape, current.shape)) {
            throw new ComplensError(`hook at ${name}: the replacement has shape [${replaced.shape}], expected [${current.shape}]`);
          }
          current = replaced;
        }
      }
    }
    if (this.cacheNames.has(name)) {
      const list = this.steps.get(name) ?? [];
      list.push(current);
      this.steps.set(name, list);
    }
    return current as T;
  }

  /**
   * Stacks the cached activations (per-step points on axis 1, time) and keeps them out of the enclosing tidy
   * scope, so they outlive the forward pass. Call once, inside the forward pass's scope; read them with `cached`.
   */
  seal(stepwise: ReadonlySet<string>): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, list] of this.steps) {
      out[name] = tf.keep(stepwise.has(name) || list.length > 1 ? tf.stack(list, 1) : list[0]);
    }
    this.steps.clear();
    return (this.sealed = out);
  }

  /** The activations cached by the last sealed forward pass. The caller owns (and disposes) them. */
  get cached(): Record<string, tf.Tensor> {
    return this.sealed;
  }

  private sealed: Record<string, tf.Tensor> = {};
}

export const NO_HOOKS = new HookRuntime();

/** What `runWithCache` returns: the model's output plus only the requested activations. Dispose with `disposeResult`. */
export interface CacheResult<Name extends string = string> {
  output: tf.Tensor;
  cache: Partial<Record<Name, tf.Tensor>>;
}

export function disposeResult(result: CacheResult<string>): void {
  result.output.dispose();
  for (const t of Object.values(result.cache)) (t as tf.Tensor | undefined)?.dispose();
}

/**
 * Runs `forward` with the given hooks and cache names inside one tidy scope, keeping only the output and the
 * requested activations: `tf.memory().numTensors` after disposing the result equals the count before the call.
 */
export function runHooked<Name extends string>(
  forward: (rt: HookRuntime) => tf.Tensor,
  options: { names?: readonly Name[]; hooks?: HookMap<Name>; known: readonly string[]; stepwise: ReadonlySet<string> },
): CacheResult<Name> {
  const requested = [...(options.names ?? []), ...Object.keys(options.hooks ?? {})];
  const unknown = requested.filter((n) => !options.known.includes(n));
  if (unknown.length) {
    throw new ComplensError(`unknown hook point(s) ${unknown.join(', ')}; this model has: ${options.known.join(', ')}`);
  }
  let cache: Record<string, tf.Tensor> = {};
  const output = tf.tidy(() => {
    const rt = new HookRuntime(options.hooks as HookMap, new Set(options.names ?? []));
    const out = forward(rt);
    cache = rt.seal(options.stepwise);
    return out;
  });
  // A cached tensor may be the output itself (e.g. hook_logits); give the caller a distinct handle to dispose.
  for (const [name, t] of Object.entries(cache)) if (t === output) cache[name] = output.clone();
  return { output, cache: cache as Partial<Record<Name, tf.Tensor>> };
}
