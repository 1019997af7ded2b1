/** `complens probe`: linear probes with control tasks on a checkpoint's activations, per hook (and position) and label. */
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { createModel } from '../../lib/models/registry';
import { SequenceModel } from '../../lib/models/types';
import { isSequenceTask } from '../../lib/tasks/types';
import { writeFileAtomic } from '../../lib/util/atomic';
import { UsageError } from '../../lib/util/errors';
import { checkOutputFile } from '../../lib/util/output';
import { collectActivations } from '../../probes/activations';
import { renderSvg } from '../../probes/charts';
import { probeDataset, selectivityHeatmap } from '../../probes/linear';
import { flagLabel, ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { formatTable } from '../format';

export const probeCommand: Command = {
  name: 'probe',
  summary: 'linear probes (logistic, GroupKFold, control tasks) for ground-truth labels in a checkpoint\'s activations',
  positionals: checkpointArg('checkpoint directory of a sequence model'),
  flags: [
    { name: 'split', type: 'string', default: 'train', help: 'split whose examples are run' },
    { name: 'hook', type: 'list', value: 'H1,H2', help: "hook points to probe (default: the model's stateHook); 'all' probes every hook point" },
    { name: 'label', type: 'list', value: 'L1,L2', help: 'labels to decode (default: state for lookup tasks, else every integer label)' },
    { name: 'positions', type: 'string', choices: ['all', 'prompt', 'answer', 'last-prompt'], default: 'all', help: 'which input positions become rows' },
    { name: 'per-position', type: 'boolean', help: 'one probe per position instead of pooling positions' },
    { name: 'folds', type: 'int', default: 5, help: 'GroupKFold folds (groups = the task\'s example groups, e.g. compositions)' },
    { name: 'l2', type: 'number', default: 1, help: 'L2 penalty of the logistic probe (sklearn C = 1/l2)' },
    { name: 'seed', type: 'int', default: 0, help: 'seed of the control task' },
    { name: 'baseline', type: 'boolean', help: 'also probe an untrained model of the same architecture (random init, seed --seed + 1): what the architecture alone makes decodable' },
    { name: 'chart', type: 'string', value: 'FILE', help: 'write a hook × label selectivity heatmap (.svg or .json vega-lite spec)', aliases: [{ name: 'heatmap', deprecated: true }] },
    jsonFlag('the rows'),
  ],
  details: 'Selectivity = probe accuracy − accuracy on a control task that gives every token prefix a random but fixed label (Hewitt & Liang 2019). Folds never put the same group in train and test. See docs/instruments/probes.md.',
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const dir = args.positionals[0];
    if (args.flags.chart) checkOutputFile(String(args.flags.chart), 'chart', flagLabel(args, 'chart'));
    const { model, task } = loadModelCheckpoint(dir);
    try {
      if (model.kind !== 'sequence' || !isSequenceTask(task)) throw new UsageError(`probe: ${dir} is not a sequence model on a sequence task`);
      const split = String(args.flags.split);
      if (!task.splitNames().includes(split)) throw new UsageError(`--split: unknown split ${split}; this task has ${task.splitNames().join(', ')}`);
      const requested = (args.flags.hook as string[] | undefined) ?? [model.stateHook];
      const hooks = requested.includes('all') ? model.hookPoints.filter((h) => h !== 'hook_logits') : requested;
      const unknown = hooks.filter((h) => !model.hookPoints.includes(h));
      if (unknown.length) throw new UsageError(`--hook: unknown hook point ${unknown.join(', ')}; this model has ${model.hookPoints.join(', ')}`);
      const examples = task.split(split).examples;
      const ds = collectActivations(model, examples, { hooks, positions: args.flags.positions as 'all' });
      const available = ds.labelNames();
      const labels = (args.flags.label as string[] | undefined) ?? (available.includes('state') ? ['state'] : available);
      const missing = labels.filter((l) => !available.includes(l));
      if (missing.length) throw new UsageError(`--label: unknown label ${missing.join(', ')}; this task provides ${available.join(', ')}`);
      const rows = probeDataset(ds, {
        hooks, labels, examples,
        perPosition: Boolean(args.flags['per-position']),
        folds: args.flags.folds as number,
        l2: args.flags.l2 as number,
        seed: args.flags.seed as number,
      });
      if (args.flags.baseline) {
        const untrained = createModel(model.config, (args.flags.seed as number) + 1) as SequenceModel;
        try {
          const baseline = probeDataset(collectActivations(untrained, examples, { hooks, positions: args.flags.positions as 'all' }), {
            hooks, labels, examples,
            perPosition: Boolean(args.flags['per-position']),
            folds: args.flags.folds as number,
            l2: args.flags.l2 as number,
            seed: args.flags.seed as number,
          });
          rows.forEach((r) => {
            const b = baseline.find((x) => x.hook === r.hook && x.label === r.label && x.position === r.position);
            (r as typeof r & { randomInitAccuracy?: number }).randomInitAccuracy = b?.accuracy;
          });
        } finally {
          untrained.dispose();
        }
      }
      if (args.flags.chart) {
        const file = String(args.flags.chart);
        const spec = selectivityHeatmap(rows.map((r) => ({ layer: r.position === 'all' ? r.hook : `${r.hook}@${r.position}`, label: r.label, selectivity: r.selectivity })), { title: `${path.basename(dir)}: selectivity` });
        writeFileAtomic(file, file.endsWith('.json') ? JSON.stringify(spec, null, 2) : await renderSvg(spec));
      }
      if (args.flags.json) console.log(JSON.stringify({ checkpoint: dir, backend: backendHeader(), split, rows }, null, 2));
      else {
        console.log(`${dir} · ${split} · ${backendHeader()}`);
        const withBaseline = Boolean(args.flags.baseline);
        console.log(formatTable(
          ['hook', 'position', 'label', 'rows', 'accuracy', '± sd', 'control', 'selectivity', 'majority', ...(withBaseline ? ['random init'] : [])],
          rows.map((r) => [
            r.hook, String(r.position), r.label, r.rows, r.accuracy.toFixed(3), r.accuracySd.toFixed(3), r.control.toFixed(3), r.selectivity.toFixed(3), r.majority.toFixed(3),
            ...(withBaseline ? [((r as { randomInitAccuracy?: number }).randomInitAccuracy ?? NaN).toFixed(3)] : []),
          ]),
        ));
        if (args.flags.chart) console.log(`wrote ${args.flags.chart}`);
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
