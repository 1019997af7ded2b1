/**
 * The hyperteacher task family (Redhardt et al. 2025): an MLP regresses the output of a teacher assembled from the
 * active modules of each task; the question is whether it generalizes to held-out module combinations (OOD R²).
 * Task: lib/tasks/hyperteacher; evaluation: lib/eval/vector.ts.
 */
import * as path from 'path';
import { HyperteacherEvaluation } from '../../eval/vector';
import { HT_ENCODINGS, HT_SUPPORTS } from '../../tasks/hyperteacher';
import { VECTOR_JOB_DEFAULTS } from '../../train/vector-job';
import { formatNumber } from '../../util/format';
import { vectorWorkload } from '../vector';

const defaults = VECTOR_JOB_DEFAULTS.hyperteacher;

export const hyperteacherWorkload = vectorWorkload({
  name: 'hyperteacher',
  summary: 'compositional task families, hyperteacher MLPs (Redhardt et al. 2025)',
  defaults: { task: defaults.task, model: defaults.model, training: defaults.training as Record<string, unknown> },
  flags: [
    { name: 'modules', type: 'int', value: 'M', field: 'task.modules', help: `number of modules (default: ${defaults.task.modules})` },
    { name: 'max-active', type: 'int', value: 'K', field: 'task.maxActive', help: `at most K active modules per task (default: ${defaults.task.maxActive})` },
    { name: 'frac-ood', type: 'number', value: 'F', field: 'task.fracOod', help: `fraction of module combinations held out (default: ${defaults.task.fracOod})` },
    { name: 'support', type: 'string', choices: HT_SUPPORTS, field: 'task.support', help: 'which combinations are trained; disconnected and non_compositional are coverage controls (default: random)' },
    { name: 'ht-encoding', type: 'string', choices: HT_ENCODINGS, field: 'task.encoding', help: 'how the task code is shown to the MLP (default: identity)' },
    { name: 'eval-tasks', type: 'int', field: 'training.evalTasks', help: `tasks per split in the final evaluation (default: ${defaults.training.evalTasks})` },
    { name: 'batch', type: 'int', field: 'training.tasksPerStep', help: `tasks per step (default: ${defaults.training.tasksPerStep})` },
  ],
  countLabel: 'tasks',
  headline: (e) => {
    const h = e as HyperteacherEvaluation;
    const bySize = Object.entries(h.oodBySize).map(([k, g]) => `${k}: ${formatNumber(g.r2)}`).join(', ');
    return [`ID (test) R² ${formatNumber(h.summary.idR2)} · OOD R² ${formatNumber(h.summary.oodR2)} · gap ${formatNumber(h.summary.gap)}${bySize ? ` · OOD R² by |S|: ${bySize}` : ''}`];
  },
  defaultOut: (job) => {
    const t = job.task;
    const width = (job.model.hiddenSizes as number[]).join('x') || '0';
    return path.join('runs', `hyperteacher-M${t.modules}K${t.maxActive}-${t.support}-f${t.fracOod}-mlp${width}-s${job.seed}`);
  },
  sweep: {
    axes: [
      { name: 'fracOod', field: 'task.fracOod', type: 'number', defaults: [0.25], help: 'held-out fractions' },
      { name: 'support', field: 'task.support', type: 'string', defaults: ['random'], choices: HT_SUPPORTS, help: 'supports' },
    ],
    chartMetrics: [{ key: 'idR2', label: 'ID (test) R²' }, { key: 'oodR2', label: 'OOD R²' }],
    chartLayout: 'metric',
    chartTitle: 'Hyperteacher: R² vs MLP width (Redhardt et al. 2025, C.6)',
    yTitle: 'R² (mean over seeds)',
    clipBelow: -1,
    tableMetrics: [{ key: 'idR2', label: 'ID R²', format: 'number' }, { key: 'oodR2', label: 'OOD R²', format: 'number' }, { key: 'gap', label: 'gap', format: 'number' }],
  },
  bench: { module: 'hyperteacher', export: 'hyperteacherBench', description: 'fast and tfjs MLP engines vs a PyTorch reference of the same semantics' },
});
