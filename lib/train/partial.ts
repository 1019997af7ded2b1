/**
 * A run's resumable state on disk, shared by the sequence and vector trainers: model weights, optimizer slots
 * (Adam's moments and iteration count), optional auxiliary tensors, the step and the history, in a checkpoint
 * folder `.<out>.partial` next to the final checkpoint. The identity (task, model, training config, seed) is
 * stored with it, so a re-run of a different job refuses the state instead of continuing it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, META_FILE, readCheckpointMeta, saveCheckpoint } from '../io/checkpoint';
import { ComplensError } from '../util/errors';

/** Everything needed to continue a run exactly where it stopped. */
export interface PartialState<Point> {
  step: number;
  history: Point[];
  optimizer: { name: string; tensor: tf.Tensor }[];
  aux?: Record<string, tf.Tensor>;
}

export interface PartialIdentity {
  task: unknown;
  model: unknown;
  training: unknown;
  seed: number;
}

/** Where a run's resumable state lives: next to the checkpoint, so a re-run of the same command finds it. */
export function partialDir(out: string): string {
  return path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.partial`);
}

/** Writes the state atomically (saveCheckpoint) and disposes the state's tensors. */
export function writePartial<Point>(dir: string, params: Record<string, tf.Variable>, state: PartialState<Point>, identity: PartialIdentity): void {
  const weights: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(params)) weights[`model/${name}`] = v;
  // Adam's iteration counter is an int32 scalar; checkpoints hold float32, which represents it exactly.
  const slots = state.optimizer.map((slot) => (slot.tensor.dtype === 'float32' ? slot.tensor : slot.tensor.toFloat()));
  slots.forEach((t, i) => (weights[`optimizer/${i}`] = t));
  for (const [name, t] of Object.entries(state.aux ?? {})) weights[`aux/${name}`] = t;
  saveCheckpoint(dir, {
    weights,
    meta: {
      model: identity.model,
      task: identity.task,
      training: { config: identity.training },
      seeds: { init: identity.seed },
      extra: { step: state.step, history: state.history, optimizerNames: state.optimizer.map((s) => s.name) },
    },
  });
  tf.dispose([...state.optimizer.map((s) => s.tensor), ...slots]);
  tf.dispose(Object.values(state.aux ?? {}));
}

/**
 * The saved state of exactly this job, with the model weights already assigned to `params`; undefined when none is
 * saved. A state of a different job is an error. The caller disposes the returned tensors.
 */
export function readPartial<Point>(dir: string, params: Record<string, tf.Variable>, identity: PartialIdentity): PartialState<Point> | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const { meta, weights } = loadCheckpoint(dir);
  const same =
    JSON.stringify(meta.model) === JSON.stringify(identity.model) &&
    JSON.stringify(meta.task) === JSON.stringify(identity.task) &&
    JSON.stringify((meta.training as { config?: unknown }).config) === JSON.stringify(identity.training) &&
    (meta.seeds as { init?: number }).init === identity.seed;
  if (!same) {
    tf.dispose(Object.values(weights));
    throw new ComplensError(`${dir}: a partial run of a different job is saved here; pass --fresh to discard it or choose another --out`);
  }
  const extra = meta.extra as { step: number; history: Point[]; optimizerNames: string[] };
  for (const [name, v] of Object.entries(params)) v.assign(weights[`model/${name}`]);
  const optimizer = extra.optimizerNames.map((name, i) => ({ name, tensor: weights[`optimizer/${i}`] }));
  const aux = Object.fromEntries(Object.entries(weights).filter(([k]) => k.startsWith('aux/')).map(([k, v]) => [k.slice(4), v]));
  for (const [name, t] of Object.entries(weights)) if (name.startsWith('model/')) t.dispose();
  return { step: extra.step, history: extra.history, optimizer, aux: Object.keys(aux).length ? aux : undefined };
}

/**
 * The resumable part of every job: continue from a saved partial run of exactly this job under `out` (unless
 * `fresh`), and hand the trainer a saver for new states; none when the job has no `out`. The caller saves the
 * checkpoint and then removes the partial run (removePartial).
 */
export async function trainResumably<Point, R>(
  out: string | undefined,
  params: Record<string, tf.Variable>,
  identity: PartialIdentity,
  options: { fresh?: boolean; log?: (line: string) => void },
  train: (resume: PartialState<Point> | undefined, onSaveState: ((state: PartialState<Point>) => void) | undefined) => Promise<R>,
): Promise<R> {
  const dir = out === undefined ? undefined : partialDir(out);
  const resume = dir && !options.fresh ? readPartial<Point>(dir, params, identity) : undefined;
  if (resume) options.log?.(`resuming from step ${resume.step} (${dir})`);
  try {
    return await train(resume, dir ? (state) => writePartial(dir, params, state, identity) : undefined);
  } finally {
    disposePartial(resume);
  }
}

/**
 * The `training` section of the checkpoint in `dir` when it was made by exactly `job` (complens.json `extra.job`),
 * for a finished job to be reused instead of retrained; undefined when there is none, it is unreadable, or another
 * job made it.
 */
export function savedTrainingOf(dir: string, job: unknown): Record<string, unknown> | undefined {
  if (!fs.existsSync(path.join(dir, META_FILE))) return undefined;
  try {
    const meta = readCheckpointMeta(dir);
    return JSON.stringify(meta.extra?.job) === JSON.stringify(job) ? (meta.training as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a finished job's partial run, once its checkpoint is saved. */
export function removePartial(out: string): void {
  fs.rmSync(partialDir(out), { recursive: true, force: true });
}

/** Disposes the tensors of a state returned by readPartial once the trainer has copied them. */
export function disposePartial<Point>(state: PartialState<Point> | undefined): void {
  if (state) tf.dispose([...state.optimizer.map((s) => s.tensor), ...Object.values(state.aux ?? {})]);
}

// tfjs's Adam keeps the running products β1^t and β2^t in private variables that getWeights() leaves out; its
// setWeights() recomputes them as pow(β, t), which differs from the product in the last bit after a few dozen steps.
// Saving and restoring them keeps a resumed run bit-identical (tfjs pinned to 4.22.0; see docs/performance.md).
const ACC_BETAS = ['accBeta1', 'accBeta2'] as const;
type AdamInternals = Record<(typeof ACC_BETAS)[number], tf.Variable | undefined>;

/** The optimizer's slots, cloned, plus Adam's running β products: what a resumed run needs. */
export async function optimizerSlots(optimizer: tf.Optimizer): Promise<{ name: string; tensor: tf.Tensor }[]> {
  const slots = (await optimizer.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
  const internals = optimizer as unknown as AdamInternals;
  for (const key of ACC_BETAS) if (internals[key]) slots.push({ name: `__${key}`, tensor: internals[key]!.clone() });
  return slots;
}

/** Restores slots saved by optimizerSlots (the β products after setWeights, which would overwrite them). */
export async function restoreOptimizer(optimizer: tf.Optimizer, slots: readonly { name: string; tensor: tf.Tensor }[]): Promise<void> {
  await optimizer.setWeights(slots.filter((s) => !s.name.startsWith('__')).map((s) => ({ name: s.name, tensor: s.tensor })));
  const internals = optimizer as unknown as AdamInternals;
  for (const key of ACC_BETAS) {
    const saved = slots.find((s) => s.name === `__${key}`);
    if (saved && internals[key]) internals[key]!.assign(saved.tensor.reshape(internals[key]!.shape));
  }
}
