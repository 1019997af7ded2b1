/**
 * Model-level checkpoints: a model plus the task it was trained on, saved so that loading rebuilds both and
 * checks every weight against the architecture's own parameter list.
 */
import * as path from 'path';
import { mlpParamSpecs, validateMlpConfig } from '../models/mlp';
import { createModel, validateModelConfig } from '../models/registry';
import { rnnParamSpecs, validateRnnConfig } from '../models/rnn';
import { transformerParamSpecs, validateTransformerConfig } from '../models/transformer';
import { AnyModel } from '../models/types';
import { createTask } from '../tasks/registry';
import { TaskBase } from '../tasks/types';
import { ComplensError, FileFormatError } from '../util/errors';
import { CheckpointMeta, loadCheckpoint, LoadOptions, MANIFEST_FILE, META_FILE, saveCheckpoint } from './checkpoint';
import { MAX_READ_BYTES } from './files';
import { memoryProblem } from './integrity';
import { compareToExpected, ExpectedTensor, numel } from './weights';

/**
 * The parameter shapes a validated config implies, per architecture: pure arithmetic, so a checkpoint can be compared
 * with its config and sized before any model exists. Architectures registered elsewhere (without an entry here) are
 * compared after the model is built, as before.
 */
const PARAM_SHAPES: Record<string, (config: unknown) => ExpectedTensor[]> = {
  rnn: (c) => rnnParamSpecs(validateRnnConfig(c, 'model')),
  transformer: (c) => transformerParamSpecs(validateTransformerConfig(c, 'model')),
  mlp: (c) => mlpParamSpecs(validateMlpConfig(c, 'model')),
};

/** The config's parameter shapes, refusing a model too large to read or to hold in memory; undefined for unknown architectures. */
export function expectedParams(modelConfig: unknown, metaFile: string): ExpectedTensor[] | undefined {
  const { arch } = rethrowAs(metaFile, () => validateModelConfig(modelConfig, 'model'));
  const shapesOf = PARAM_SHAPES[arch];
  if (!shapesOf) return undefined;
  const specs = rethrowAs(metaFile, () => shapesOf(modelConfig));
  const params = specs.reduce((n, s) => n + numel(s.shape), 0);
  const bytes = params * 4;
  const count = `${params.toLocaleString('en-US')} parameters`;
  if (bytes > MAX_READ_BYTES) throw new FileFormatError(metaFile, `the "model" section describes ${count} (${bytes} bytes of float32), over the ${MAX_READ_BYTES}-byte weights limit`);
  // Host: file buffer, decoded copies, initial values; backend: the model's variables and the loaded tensors.
  const problem = memoryProblem({ hostBytes: 3 * bytes, backendBytes: 2 * bytes });
  if (problem) throw new FileFormatError(metaFile, `the "model" section describes ${count}: ${problem}`);
  return specs.map((s) => ({ name: s.name, shape: s.shape }));
}

export interface LoadedModel {
  model: AnyModel;
  task: TaskBase;
  meta: CheckpointMeta;
}

export function saveModelCheckpoint(
  dir: string,
  model: AnyModel,
  task: TaskBase,
  info: { seeds?: Record<string, unknown>; training?: Record<string, unknown>; extra?: Record<string, unknown>; created?: string } = {},
): CheckpointMeta {
  return saveCheckpoint(dir, { weights: model.params, meta: { model: model.config, task: task.spec, ...info } });
}

/**
 * Loads and validates a checkpoint; every problem is reported with the file and field it concerns. The files, the
 * integrity hashes, the config's parameter shapes and a memory estimate are all checked before the task or the
 * model is built.
 */
export function loadModelCheckpoint(dir: string, options: Omit<LoadOptions, 'expected'> = {}): LoadedModel {
  const metaFile = path.join(dir, META_FILE);
  const { meta, weights } = loadCheckpoint(dir, { ...options, expected: (m) => expectedParams(m.model, metaFile) });
  let model: AnyModel | undefined;
  try {
    const task = rethrowAs(metaFile, () => createTask(meta.task, 'task'));
    model = rethrowAs(metaFile, () => createModel(meta.model, 0, 'model'));
    const problems = compareToExpected(Object.entries(weights).map(([name, t]) => ({ name, shape: t.shape })), model.paramSpecs);
    if (problems.length) throw new FileFormatError(path.join(dir, MANIFEST_FILE), `the checkpoint's tensors do not match the model: ${problems.slice(0, 3).join('; ')}`);
    for (const [name, value] of Object.entries(weights)) model.params[name].assign(value);
    return { model, task, meta };
  } catch (err) {
    model?.dispose();
    throw err;
  } finally {
    for (const value of Object.values(weights)) value.dispose();
  }
}

function rethrowAs<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ComplensError && !(err instanceof FileFormatError)) throw new FileFormatError(file, err.message);
    throw err;
  }
}

/** Disposes a loaded model (convenience for scripts and notebooks). */
export function disposeLoaded(loaded: LoadedModel): void {
  loaded.model.dispose();
}
