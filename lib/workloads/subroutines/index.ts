/**
 * Subroutine tasks (Lepori et al. 2023, "Break It Down"): an MLP with an odd-one-out head learns a rule A ∧ B; the
 * question is whether subnetworks for A and B exist inside it (the mask stage, probes/subnetworks). Task:
 * lib/tasks/subroutines; evaluation: lib/eval/vector.ts.
 */
import * as path from 'path';
import { VectorModel } from '../../models/types';
import { oddOneOutAccuracy, SUBROUTINE_SPLITS, SUBROUTINE_VARIANTS, SubroutineTask } from '../../tasks/subroutines';
import { predictVectors } from '../../train/vector';
import { percent } from '../../util/format';
import { vectorWorkload } from '../vector';
import { checkSplits } from '../vector-eval';
import { evaluateSubroutines, SubroutineEvaluation, subroutineMetrics } from './evaluate';

const HEADLINE = ['base_test', 'only_A', 'only_B', 'both'];

/**
 * Small defaults: the vision variant, the paper's split sizes (10,000 / 500 / 1,000; partitions 1,000); odd-one-out
 * MLP 2×128 → 64-d item embedding; Adam lr 1e-3, batch 64; 3000 steps (≈19 epochs).
 */
const defaults = {
  task: { kind: 'subroutines', variant: 'vision' },
  model: { arch: 'mlp', hiddenSizes: [128, 128], activation: 'relu', head: 'odd-one-out', outputSize: 64, items: 4 },
  training: { optimizer: 'adam' as const, learningRate: 1e-3, loss: 'softmax-ce' as const, batchSize: 64, maxSteps: 3000, evalEvery: 250 },
};

export const subroutinesWorkload = vectorWorkload<SubroutineTask, SubroutineEvaluation>({
  name: 'subroutines',
  summary: 'subroutine subnetworks, odd-one-out MLPs (Lepori et al. 2023)',
  defaults,
  loss: 'softmax-ce',
  data: (task) => {
    const train = task.split('base_train');
    return { batch: train.batch, labels: train.labels };
  },
  monitor: (task) => (model: VectorModel) => {
    const acc = (name: string) => {
      const split = task.split(name);
      return oddOneOutAccuracy(predictVectors(model, split.batch), split.labels);
    };
    return { base_val: acc('base_val'), only_A_val: acc('only_A_val'), only_B_val: acc('only_B_val') };
  },
  evaluate: (model, task, o) => evaluateSubroutines(model, task, { splits: checkSplits(o.splits, SUBROUTINE_SPLITS) }),
  metrics: subroutineMetrics,
  rows: (e) => e.splits.map((s) => ({ split: s.split, count: s.problems, metric: 'accuracy', value: s.accuracy })),
  flags: [
    { name: 'variant', type: 'string', choices: SUBROUTINE_VARIANTS, field: 'task.variant', help: 'vision (inside ∧ contact) or language (agreement) (default: vision)' },
    { name: 'train-size', type: 'int', value: 'N', field: 'task.sizes.train', help: 'problems in each training split (default: 10000)' },
    { name: 'embed', type: 'int', field: 'model.outputSize', help: `item-embedding width of the odd-one-out head (default: ${defaults.model.outputSize})` },
  ],
  countLabel: 'problems',
  headline: (e) => [HEADLINE.filter((k) => e.summary[k] !== undefined).map((k) => `${k} ${percent(e.summary[k])}`).join(' · ')],
  defaultOut: (job) => path.join('runs', `subroutines-${job.task.variant}-mlp${(job.model.hiddenSizes as number[]).join('x') || '0'}-s${job.seed}`),
  sweep: {
    axes: [],
    chartMetrics: HEADLINE.map((key) => ({ key, label: key })),
    chartLayout: 'colour',
    chartTitle: 'Subroutines: odd-one-out accuracy vs MLP width',
    yTitle: 'accuracy (mean over seeds)',
    tableMetrics: HEADLINE.map((key) => ({ key, label: key, format: 'percent' as const })),
  },
});
