/** `complens eval`: exact-match accuracy of a checkpoint on its task's splits. */
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { isSequenceTask } from '../../lib/tasks/types';
import { evaluateSplits } from '../../lib/train/evaluate';
import { UsageError } from '../../lib/util/errors';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { vectorEvalCommandHandler } from './train-vector';
import { formatTable, percent } from '../format';

export const evalCommand: Command = {
  name: 'eval',
  summary: "evaluate a checkpoint on its task's splits (greedy decoding, exact match); splits it cannot read are skipped with the reason",
  positionals: [{ name: '<checkpoint>', help: 'checkpoint directory' }],
  flags: [
    { name: 'split', type: 'list', value: 'A,B', help: 'splits to evaluate (default: all)' },
    { name: 'json', type: 'boolean', help: 'print JSON' },
    { name: 'eval-tasks', type: 'int', help: 'hyperteacher checkpoints: tasks per split (default: as when trained)' },
  ],
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const { model, task } = loadModelCheckpoint(args.positionals[0]);
    if (model.kind === 'vector') {
      model.dispose();
      return vectorEvalCommandHandler(args);
    }
    try {
      if (model.kind !== 'sequence' || !isSequenceTask(task)) {
        throw new UsageError(`eval: ${args.positionals[0]} holds a ${model.kind} model on a non-sequence task; evaluate it with its workload's own command`);
      }
      const names = (args.flags.split as string[] | undefined) ?? task.splitNames();
      const unknown = names.filter((n) => !task.splitNames().includes(n));
      if (unknown.length) throw new UsageError(`--split: unknown split ${unknown.join(', ')}; this task has ${task.splitNames().join(', ')}`);
      const { splits: rows, skipped } = evaluateSplits(model, task, names);
      if (args.flags.json) console.log(JSON.stringify({ checkpoint: args.positionals[0], backend: backendHeader(), splits: rows, skipped }, null, 2));
      else {
        console.log(`${args.positionals[0]} · ${backendHeader()}`);
        console.log(formatTable(['split', 'examples', 'exact match', 'token acc'], rows.map((r) => [r.split, r.count, percent(r.exactMatch), percent(r.tokenAccuracy)])));
        for (const s of skipped) console.log(`skipped ${s.split}: ${s.reason}`);
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
