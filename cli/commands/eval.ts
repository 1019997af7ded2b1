/** `complens eval`: a checkpoint's scores on its task's splits, as its workload scores them (the numbers saved at training). */
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { UsageError } from '../../lib/util/errors';
import { EvaluationTable, setJobField, workloadNames, workloadOf, getWorkload } from '../../lib/workloads';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { formatNumber, formatTable, percent } from '../format';

export const evalCommand: Command = {
  name: 'eval',
  summary: "evaluate a checkpoint on its task's splits (exact match, R² or accuracy, as its workload scores it); splits it cannot read are skipped with the reason",
  positionals: checkpointArg(),
  flags: [
    { name: 'split', type: 'list', value: 'A,B', help: 'splits to evaluate (default: all)' },
    jsonFlag('the evaluation'),
    { name: 'eval-tasks', type: 'int', help: 'hyperteacher checkpoints: tasks per split (default: as when trained)' },
  ],
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const dir = args.positionals[0];
    const { model, task, meta } = loadModelCheckpoint(dir);
    try {
      const workload = workloadOf(task, model, dir);
      // --eval-tasks sets the evaluation size recorded with the checkpoint, for the workloads that have one.
      const evalTasks = args.flags['eval-tasks'] as number | undefined;
      const training = { ...meta.training, config: { ...(meta.training.config as object) } };
      if (evalTasks !== undefined) {
        const flag = workload.flags?.find((f) => f.name === 'eval-tasks');
        if (!flag) throw new UsageError(`--eval-tasks: applies to ${workloadsWithFlag('eval-tasks').join(', ')} checkpoints only`);
        const sections = { task: {}, model: {}, training: training.config as Record<string, unknown> };
        setJobField(sections, flag.field, evalTasks);
      }
      const evaluation = workload.evaluate(model, task, { splits: args.flags.split as string[] | undefined, training });
      if (args.flags.json) {
        console.log(JSON.stringify({ checkpoint: dir, backend: backendHeader(), ...(workload.json?.(evaluation) ?? { evaluation }) }, null, 2));
      } else {
        console.log(`${dir} · ${backendHeader()}`);
        console.log(formatEvaluationTable(workload.table(evaluation)));
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};

/** Names of the workloads that declare a train flag `name`. */
export function workloadsWithFlag(name: string): string[] {
  return workloadNames().filter((w) => getWorkload(w).flags?.some((f) => f.name === name));
}

/** A workload's evaluation table as plain text: the table, then its headline lines. */
export function formatEvaluationTable(t: EvaluationTable): string {
  const cell = (v: string | number, i: number) => (typeof v === 'number' && t.columns[i]?.format === 'percent' ? percent(v) : typeof v === 'number' ? formatNumber(v) : v);
  return [formatTable(t.columns.map((c) => c.name), t.rows.map((r) => r.map(cell))), ...t.notes].join('\n');
}
