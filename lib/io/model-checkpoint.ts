/**
 * Model-level checkpoints: a model plus the task it was trained on, saved so that loading rebuilds both and
 * checks every weight against the architecture's own parameter list.
 */
import * as path from 'path';
import { createModel } from '../models/registry';
import { AnyModel } from '../models/types';
import { createTask } from '../tasks/registry';
import { TaskBase } from '../tasks/types';
import { ComplensError, FileFormatError } from '../util/errors';
import { CheckpointMeta, loadCheckpoint, META_FILE, readCheckpointMeta, saveCheckpoint } from './checkpoint';

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

/** Loads and validates a checkpoint; every problem is reported with the file and field it concerns. */
export function loadModelCheckpoint(dir: string): LoadedModel {
  const meta = readCheckpointMeta(dir);
  const metaFile = path.join(dir, META_FILE);
  const model = rethrowAs(metaFile, () => createModel(meta.model, 0, 'model'));
  let task: TaskBase;
  try {
    task = rethrowAs(metaFile, () => createTask(meta.task, 'task'));
  } catch (err) {
    model.dispose();
    throw err;
  }
  try {
    const { weights } = loadCheckpoint(dir, { expected: model.paramSpecs });
    for (const [name, value] of Object.entries(weights)) {
      model.params[name].assign(value);
      value.dispose();
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, task, meta };
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
