/**
 * n-digit arithmetic OOD (Xu et al. 2024): a minGPT learns 3-digit addition (or multiplication) and is read on
 * longer operands; the question is which relation explains its OOD answers. Task: lib/tasks/arithmetic.
 */
import { ARITHMETIC_OPS } from '../../tasks/arithmetic/format';
import { sequenceOut, sequenceWorkload } from '../sequence';

export const arithmeticWorkload = sequenceWorkload({
  name: 'arithmetic',
  summary: 'n-digit arithmetic out of distribution, transformers (Xu et al. 2024)',
  defaults: {
    task: { kind: 'arithmetic', op: 'add' },
    model: { arch: 'transformer', preset: 'gpt-nano' },
    // The paper's recipe (seeds-A §B.4–B.5): minGPT's AdamW settings, dropout 0.1 and 10k iterations, never stopping
    // early. Dropout is what makes the model ignore the thousands digits (docs/tasks/arithmetic.md).
    training: {
      optimizer: 'adamw', learningRate: 5e-4, beta1: 0.9, beta2: 0.95, weightDecay: 0.1, batchSize: 64, gradClip: 1,
      maxSteps: 10000, evalEvery: 250, evalSampleSize: 512, stopAtTrainAccuracy: 2, dropout: 0.1,
    },
  },
  flags: [{ name: 'op', type: 'string', choices: ARITHMETIC_OPS, field: 'task.op', help: 'arithmetic operation (default: add)' }],
  defaultOut: (job) => sequenceOut(job, String(job.task.op ?? 'add')),
});
