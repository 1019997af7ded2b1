/** Reading hidden vectors of a sequence model at chosen positions, in chunks, without leaking tensors. */
import { evaluationBatches } from '../../lib/data/batches';
import { disposeResult } from '../../lib/hooks';
import { SequenceModel } from '../../lib/models/types';
import { EncodedExample } from '../../lib/tasks/types';

/** vectors[i][j] = the hook's activation of example i at positions[i][j] (time axis of the hook). */
export function collectHookVectors(model: SequenceModel, examples: readonly EncodedExample[], hook: string, positions: readonly number[][]): Float32Array[][] {
  const out: Float32Array[][] = new Array(examples.length);
  for (const { batch, indices } of evaluationBatches(examples)) {
    const result = model.runWithCache(batch, { names: [hook] });
    const tensor = result.cache[hook]!;
    const [, T, H] = tensor.shape as [number, number, number];
    const data = tensor.dataSync() as Float32Array;
    indices.forEach((index, row) => {
      out[index] = positions[index].map((t) => {
        if (t < 0 || t >= T) throw new Error(`position ${t} is outside hook ${hook}'s time axis (length ${T})`);
        return data.slice((row * T + t) * H, (row * T + t + 1) * H);
      });
    });
    disposeResult(result);
  }
  return out;
}
