/**
 * Matmul FLOPs of one GRU training step (forward + backward), averaged over an epoch's minibatches. Elementwise
 * work is not counted, so "achieved GFLOP/s" is a lower bound on the machine's real throughput; the same count
 * is used for every engine so ratios are fair.
 */
import { epochBatches } from '../lib/data/batches';
import { EncodedExample } from '../lib/tasks/types';

export function flopsPerModelStep(train: readonly EncodedExample[], V: number, c: { cell: string; hiddenSize: number; embedSize: number; batchSize: number }): number {
  const { hiddenSize: H, embedSize: E } = c;
  const G = (c.cell === 'gru' ? 3 : 1) * H;
  const batches = epochBatches(train, c.batchSize, 0, 0);
  let total = 0;
  for (const b of batches) {
    const ex = train[b[0]];
    const B = b.length;
    const T = ex.prompt.length + ex.target.length - 1;
    const Tt = ex.target.length;
    const forward = 2 * V * E * G + (T - 1) * 2 * B * H * G + 2 * B * Tt * H * V;
    const backward = 2 * 2 * B * Tt * V * H + (T - 1) * 2 * B * G * H + 2 * H * (T - 1) * B * G + 2 * 2 * E * V * G;
    total += forward + backward;
  }
  return total / batches.length;
}
