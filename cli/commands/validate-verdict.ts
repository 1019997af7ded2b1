/**
 * `complens validate-verdict`: parses flags, runs probes/verdict's runVerdictValidation (the experiment and its run
 * folder: docs/experiments.md), writes summary.md and prints it (or the result as JSON with --json).
 */
import * as path from 'path';
import { initBackend } from '../../lib/backend';
import { writeFileAtomic } from '../../lib/util/atomic';
import { checkOutputDir } from '../../lib/util/output';
import { runVerdictValidation, ValidationSummary } from '../../probes/verdict';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { jsonFlag } from '../flags';
import { formatTable } from '../format';

export const validateVerdictCommand: Command = {
  name: 'validate-verdict',
  summary: 'train a haystack population and measure how well the verdict predicts zero-shot success (AUROC)',
  flags: [
    { name: 'seeds', type: 'seeds', default: '0..199', help: 'init seeds, e.g. 0..199 or 1,5,9 (data-order seed = init seed)' },
    { name: 'data', type: 'string', default: 'sample1', help: 'lookup-table sample (a name or a folder)', aliases: [{ name: 'sample', deprecated: true }, { name: 'split', deprecated: true }] },
    { name: 'width', type: 'int', default: 64, help: 'GRU hidden size', aliases: [{ name: 'hidden', deprecated: true }] },
    { name: 'threshold', type: 'number', default: 0.8, help: 'a model "generalizes" when its zero-shot exact match is above this' },
    { name: 'supervised', type: 'int', default: 0, help: 'also train this many models with auxiliary state supervision (codes; weights cycling 0.3, 1, 3, 10; init seeds 100000+i), so the population spans memorizing to compositional' },
    { name: 'chunk', type: 'int', default: 32, help: 'models trained per population call (each row is recorded as its model is judged)' },
    { name: 'out', type: 'string', default: 'runs/verdict-validation', value: 'DIR', help: 'the run folder (run.json, results.jsonl), summary.json and summary.md' },
    { name: 'fresh', type: 'boolean', help: 'forget the models already judged in --out and start over' },
    jsonFlag('the rows and summaries'),
  ],
  details: 'The verdict never sees the test compositions: its score uses probes and automata on training and validation data. See docs/verdict.md.',
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const f = args.flags;
    const quiet = Boolean(f.quiet);
    const out = String(f.out);
    checkOutputDir(out, 'verdict-validation');
    const result = await runVerdictValidation({
      data: String(f.data),
      seeds: f.seeds as number[],
      hidden: f.width as number,
      threshold: f.threshold as number,
      supervised: f.supervised as number,
      chunk: f.chunk as number,
      out,
      fresh: Boolean(f.fresh),
      quiet,
      log: quiet ? undefined : (line) => console.error(line),
    });
    const markdown = result.supervisedModels
      ? `## All models (unsupervised + supervised)\n\n${formatValidation(result.all)}\n\n## Unsupervised models only\n\n${formatValidation(result.unsupervised)}`
      : formatValidation(result.all);
    writeFileAtomic(path.join(out, 'summary.md'), markdown + '\n');
    console.log(f.json ? JSON.stringify(result, null, 2) : markdown);
    return 0;
  },
};

export function formatValidation(s: ValidationSummary): string {
  const lines = [
    `models ${s.models} · generalizes = zero-shot > ${(s.threshold * 100).toFixed(0)}%: ${s.positives} · AUROC ${Number.isNaN(s.auroc) ? 'undefined (one class only)' : s.auroc.toFixed(3)} · Spearman(score, zero-shot) ${s.spearman.toFixed(3)}`,
    '',
    formatTable(['verdict', 'generalizes', 'does not'], Object.entries(s.confusion).map(([label, c]) => [label, c.generalizes, c.doesNot])),
    '',
    formatTable(['threshold', 'positives', 'AUROC'], s.atThresholds.map((t) => [`> ${(t.threshold * 100).toFixed(0)}%`, t.positives, Number.isNaN(t.auroc) ? '—' : t.auroc.toFixed(3)])),
    '',
    formatTable(['evidence alone', 'AUROC'], Object.entries(s.perEvidence).filter(([id]) => !id.startsWith('behaviour')).map(([id, a]) => [id, Number.isNaN(a) ? '—' : a.toFixed(3)])),
  ];
  return lines.join('\n');
}
