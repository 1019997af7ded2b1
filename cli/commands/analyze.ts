/** `complens analyze`: run the instruments that apply to a checkpoint and print the verdict with its evidence. */
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { LookupTask } from '../../lib/tasks/lookup';
import { writeFileAtomic } from '../../lib/util/atomic';
import { UsageError } from '../../lib/util/errors';
import { lookupVerdict } from '../../probes/verdict';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { formatTable, percent } from '../format';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'judge a checkpoint compositional / partially compositional / memorizing, with the evidence',
  positionals: [{ name: '<checkpoint>', help: 'checkpoint directory' }],
  flags: [
    { name: 'json', type: 'boolean', help: 'print the verdict as JSON (the same typed object the library returns)' },
    { name: 'out', type: 'string', value: 'FILE', help: 'also write the verdict JSON to FILE' },
    { name: 'seed', type: 'int', default: 0, help: 'seed of the instruments (probe folds, k-means)' },
  ],
  details: 'The score averages internal evidence computed on training and validation data only (probe accuracy on unseen training compositions, automaton transition match, automaton agreement on validation); zero-shot accuracy is reported beside it, never used. See docs/verdict.md.',
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const dir = args.positionals[0];
    const { model, task } = loadModelCheckpoint(dir);
    try {
      if (model.kind !== 'sequence' || !(task instanceof LookupTask)) {
        throw new UsageError(`analyze: the verdict is implemented for sequence models on lookup-table tasks; ${dir} holds a ${model.kind} model on task ${(task.spec as { kind?: string }).kind}`);
      }
      const verdict = lookupVerdict(model, task, { seed: args.flags.seed as number });
      const json = JSON.stringify({ checkpoint: dir, ...verdict }, null, 2);
      if (args.flags.out) writeFileAtomic(String(args.flags.out), json);
      if (args.flags.json) {
        console.log(json);
        return 0;
      }
      console.log(`${dir} · ${backendHeader()}`);
      console.log(`verdict: ${verdict.label.toUpperCase()} (score ${verdict.score.toFixed(2)}; compositional ≥ ${verdict.thresholds.compositional}, partial ≥ ${verdict.thresholds.partial})`);
      console.log(formatTable(
        ['evidence', 'value', 'baseline', 'in score'],
        verdict.evidence.map((e) => [e.id, e.value.toFixed(3), e.baseline === undefined ? '—' : e.baseline.toFixed(3), e.internal ? (e.normalized ?? 0).toFixed(3) : 'no']),
      ));
      console.log(`zero-shot on ${verdict.behaviour.split}: ${percent(verdict.behaviour.exactMatch)} (chance ${percent(verdict.behaviour.chance)})`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
