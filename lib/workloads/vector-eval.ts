/** Checks every vector workload's evaluation shares: the model's row widths against the task's, and split names. */
import { VectorModel } from '../models/types';
import { ComplensError } from '../util/errors';

export function checkShapes(model: VectorModel, inputSize: number, outputSize: number, workload: string): void {
  if (model.inputSize !== inputSize || model.outputSize !== outputSize) {
    throw new ComplensError(
      `the model reads ${model.inputSize} and writes ${model.outputSize} values per row, but the ${workload} task has rows of ${inputSize} and ${outputSize} outputs`,
    );
  }
}

/** `splits` when every name is one of `known`; an error listing them otherwise. */
export function checkSplits<T extends string>(splits: readonly string[] | undefined, known: readonly T[]): T[] | undefined {
  if (!splits) return undefined;
  const unknown = splits.filter((s) => !(known as readonly string[]).includes(s));
  if (unknown.length) throw new ComplensError(`unknown split ${unknown.join(', ')}; this task has ${known.join(', ')}`);
  return splits as T[];
}
