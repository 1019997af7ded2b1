/** `complens analyze`: run the instruments that apply to a checkpoint and print the verdict with its evidence. */
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { writeFileAtomic } from '../../lib/util/atomic';
import { checkOutputFile } from '../../lib/util/output';
import { unreadableSplits } from '../../lib/workloads';
import { judge } from '../../probes/verdict';
import { flagLabel, ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { formatTable, percent } from '../format';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'judge a checkpoint compositional / partially compositional / memorizing, with the evidence',
  positionals: checkpointArg(),
  flags: [
    jsonFlag('the verdict', '(the same typed object the library returns)'),
    { name: 'verdict', type: 'string', value: 'FILE', help: 'also write the verdict JSON to FILE', aliases: [{ name: 'out', deprecated: true }] },
    { name: 'seed', type: 'int', default: 0, help: 'seed of the instruments (probe folds, k-means)' },
  ],
  details:
    'Lookup models: the score averages internal evidence computed on training and validation data only (probe accuracy on\n' +
    'unseen training compositions, automaton transition match, automaton agreement on validation); zero-shot accuracy is\n' +
    'reported beside it, never used. Addition models: OOD answers explained by the in-distribution representative\n' +
    '(Xu et al.) and carry / sum-digit decodability above an untrained copy; test exact match reported beside it.\n' +
    'Hyperteacher MLPs: decodability of the module weights on OOD tasks and its gain over an untrained copy (Redhardt\n' +
    'et al.); OOD R² reported beside it. See docs/verdict.md.',
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const dir = args.positionals[0];
    if (args.flags.verdict) checkOutputFile(String(args.flags.verdict), 'verdict', flagLabel(args, 'verdict'));
    const { model, task } = loadModelCheckpoint(dir);
    try {
      const verdict = judge(model, task, dir, { seed: args.flags.seed as number });
      // The verdict reads only the splits it needs; the ones this model cannot read at all are listed beside it.
      const skipped = unreadableSplits(model, task);
      const json = JSON.stringify({ checkpoint: dir, ...verdict, skipped }, null, 2);
      if (args.flags.verdict) writeFileAtomic(String(args.flags.verdict), json);
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
      const b = verdict.behaviour;
      if (b.metric) console.log(`${b.metric} on ${b.split}: ${b.exactMatch.toFixed(3)} (reported, not in the score)`);
      else console.log(`${b.label ?? 'exact match'} on ${b.split}: ${percent(b.exactMatch)} (chance ${percent(b.chance)}; reported, not in the score)`);
      for (const s of skipped) console.log(`skipped ${s.split}: ${s.reason}`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
