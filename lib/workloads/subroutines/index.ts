/**
 * Subroutine tasks (Lepori et al. 2023, "Break It Down"): an MLP with an odd-one-out head learns a rule A ∧ B; the
 * question is whether subnetworks for A and B exist inside it (the mask stage, probes/subnetworks). Task:
 * lib/tasks/subroutines; evaluation: lib/eval/vector.ts.
 */
import * as path from 'path';
import { SUBROUTINE_VARIANTS } from '../../tasks/subroutines';
import { VECTOR_JOB_DEFAULTS } from '../../train/vector-job';
import { percent } from '../../util/format';
import { vectorWorkload } from '../vector';

const defaults = VECTOR_JOB_DEFAULTS.subroutines;
const HEADLINE = ['base_test', 'only_A', 'only_B', 'both'];

export const subroutinesWorkload = vectorWorkload({
  name: 'subroutines',
  summary: 'subroutine subnetworks, odd-one-out MLPs (Lepori et al. 2023)',
  defaults: { task: defaults.task, model: defaults.model, training: defaults.training as Record<string, unknown> },
  flags: [
    { name: 'variant', type: 'string', choices: SUBROUTINE_VARIANTS, field: 'task.variant', help: 'vision (inside ∧ contact) or language (agreement) (default: vision)' },
    { name: 'train-size', type: 'int', value: 'N', field: 'task.sizes.train', help: 'problems in each training split (default: 10000)' },
    { name: 'embed', type: 'int', field: 'model.outputSize', help: `item-embedding width of the odd-one-out head (default: ${defaults.model.outputSize})` },
  ],
  countLabel: 'problems',
  headline: (e) => [HEADLINE.filter((k) => e.summary[k as keyof typeof e.summary] !== undefined).map((k) => `${k} ${percent((e.summary as Record<string, number>)[k])}`).join(' · ')],
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
