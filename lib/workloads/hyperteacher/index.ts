/**
 * The hyperteacher task family (Redhardt et al. 2025): an MLP regresses the output of a teacher assembled from the
 * active modules of each task; the question is whether it generalizes to held-out module combinations (OOD R²).
 * Task: lib/tasks/hyperteacher; evaluation: lib/eval/vector.ts.
 */
import * as path from 'path';
import { VectorModel } from '../../models/types';
import { Hyperteacher, HT_ENCODINGS, HT_SPLITS, HT_SUPPORTS } from '../../tasks/hyperteacher';
import { formatNumber } from '../../util/format';
import { vectorWorkload } from '../vector';
import { checkSplits } from '../vector-eval';
import { evaluateHyperteacher, HyperteacherEvaluation, hyperteacherMetrics } from './evaluate';

/**
 * Small defaults (docs/workloads.md says how they relate to the paper's): M=8, K=3 (92 supports, 23 held out at
 * fracOod 0.25), I=H=O=16, 16 samples per task; MLP 2×256 (paper 4×1024); AdamW lr 1e-3, wd 3e-3 (paper lr 3e-4);
 * 32 tasks × 16 samples per step (paper 128); 2000 steps (paper 300k).
 */
const defaults = {
  task: { kind: 'hyperteacher', modules: 8, maxActive: 3, fracOod: 0.25, support: 'random' },
  model: { arch: 'mlp', hiddenSizes: [256, 256], activation: 'relu', head: 'linear' },
  training: {
    optimizer: 'adamw' as const, learningRate: 1e-3, weightDecay: 3e-3, loss: 'mse' as const, maxSteps: 2000, evalEvery: 200,
    tasksPerStep: 32, evalTasks: 1024, monitorTasks: 128,
  },
};

export const hyperteacherWorkload = vectorWorkload<Hyperteacher, HyperteacherEvaluation>({
  name: 'hyperteacher',
  summary: 'compositional task families, hyperteacher MLPs (Redhardt et al. 2025)',
  defaults,
  loss: 'mse',
  heads: { allowed: ['linear'], expected: '"linear" for the hyperteacher (a regression)' },
  // Fresh tasks at every step, a pure function of (dataSeed, step).
  data: (task, t) => task.trainStream(t.tasksPerStep, t.dataSeed),
  monitor: (task, t) =>
    t.monitorTasks > 0
      ? (model: VectorModel) => {
          const e = evaluateHyperteacher(model, task, { tasks: t.monitorTasks, splits: ['test', 'ood'], label: 'monitor' });
          return { idR2: e.summary.idR2, oodR2: e.summary.oodR2 };
        }
      : undefined,
  evaluate: (model, task, o) => evaluateHyperteacher(model, task, { tasks: o.tasks, splits: checkSplits(o.splits, HT_SPLITS) }),
  metrics: hyperteacherMetrics,
  rows: (e) => e.splits.map((s) => ({ split: s.split, count: s.tasks, metric: 'R²', value: s.r2 })),
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
  headline: (h) => {
    const bySize = Object.entries(h.oodBySize).map(([k, g]) => `${k}: ${formatNumber(g.r2)}`).join(', ');
    return [`ID (test) R² ${formatNumber(h.summary.idR2)} · OOD R² ${formatNumber(h.summary.oodR2)} · gap ${formatNumber(h.summary.gap)}${bySize ? ` · OOD R² by |S|: ${bySize}` : ''}`];
  },
  defaultOut: (job) => {
    const t = job.task as Record<string, unknown>;
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
