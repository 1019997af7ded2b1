/** Training examples in the population trainer's time-major batch layout (same rows, same order as makeBatch). */
import { EncodedExample } from '../../tasks/types';
import { TimeMajorBatch } from './gru';

export function timeMajorBatch(examples: readonly EncodedExample[], indices: readonly number[]): TimeMajorBatch {
  const first = examples[indices[0]];
  const promptLength = first.prompt.length;
  const targetLength = first.target.length;
  const inputs = promptLength + targetLength - 1;
  const rows = indices.length;
  const tokens = new Int32Array(inputs * rows);
  const labels = new Int32Array(targetLength * rows);
  indices.forEach((index, b) => {
    const ex = examples[index];
    if (ex.prompt.length !== promptLength || ex.target.length !== targetLength) {
      throw new Error(`timeMajorBatch: example ${index} has lengths ${ex.prompt.length}+${ex.target.length}, the batch needs ${promptLength}+${targetLength}`);
    }
    for (let t = 0; t < inputs; t++) tokens[t * rows + b] = t < promptLength ? ex.prompt[t] : ex.target[t - promptLength];
    for (let j = 0; j < targetLength; j++) labels[j * rows + b] = ex.target[j];
  });
  return { rows, promptLength, inputs, tokens, labels };
}
