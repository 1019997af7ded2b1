/**
 * `complens validate-verdict`: train a population of unsupervised GRUs (the haystack), judge each from internal
 * evidence only, and measure how well the verdict predicts zero-shot generalization (AUROC, confusion table).
 * Resumable: rows are appended per model, and a re-run skips seeds already judged.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendHeader, initBackend } from '../../lib/backend';
import { RnnModel } from '../../lib/models/rnn';
import { parseSeedList } from '../../lib/search';
import { populationModelConfig, trainPopulation } from '../../lib/search/population';
import { LookupTask, lookupTaskFromSample } from '../../lib/tasks/lookup';
import { trainSequenceModel } from '../../lib/train/sequence';
import { TRAIN_DEFAULTS } from '../../lib/train/config';
import { writeFileAtomic } from '../../lib/util/atomic';
import { FileFormatError } from '../../lib/util/errors';
import { checkOutputDir, claimOutputDir } from '../../lib/util/output';
import { Progress } from '../../lib/util/progress';
import { lookupVerdict, summarizeValidation, ValidationRow, ValidationSummary } from '../../probes/verdict';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { formatTable } from '../format';

export const validateVerdictCommand: Command = {
  name: 'validate-verdict',
  summary: 'train a haystack population and measure how well the verdict predicts zero-shot success (AUROC)',
  flags: [
    { name: 'seeds', type: 'string', default: '0..199', value: 'A..B', help: 'init seeds (data-order seed = init seed)' },
    { name: 'split', type: 'string', default: 'sample1', help: 'lookup-table sample' },
    { name: 'hidden', type: 'int', default: 64, help: 'GRU hidden size' },
    { name: 'threshold', type: 'number', default: 0.8, help: 'a model "generalizes" when its zero-shot exact match is above this' },
    { name: 'supervised', type: 'int', default: 0, help: 'also train this many models with auxiliary state supervision (codes; weights cycling 0.3, 1, 3, 10; init seeds 100000+i), so the population spans memorizing to compositional' },
    { name: 'chunk', type: 'int', default: 32, help: 'models trained per population call (rows are saved after each chunk)' },
    { name: 'out', type: 'string', default: 'runs/verdict-validation', value: 'DIR', help: 'rows.jsonl, summary.json and summary.md go here' },
  ],
  details: 'The verdict never sees the test compositions: its score uses probes and automata on training and validation data. See docs/verdict.md.',
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const quiet = Boolean(args.flags.quiet);
    const out = String(args.flags.out);
    const rowsFile = path.join(out, 'rows.jsonl');
    checkOutputDir(out, 'verdict-validation');
    const task = lookupTaskFromSample(String(args.flags.split));
    const seeds = parseSeedList(String(args.flags.seeds), '--seeds');
    claimOutputDir(out, 'verdict-validation');
    const done = new Map<number, ValidationRow>();
    if (fs.existsSync(rowsFile)) {
      const lines = fs.readFileSync(rowsFile, 'utf8').split('\n');
      lines.forEach((line, i) => {
        // Only the last line may be torn (a kill mid-append): that model is simply judged again. A bad line
        // anywhere else means the file was damaged, and skipping it would silently drop a judged model.
        const last = i >= lines.length - 2;
        let row: ValidationRow | undefined;
        try {
          row = JSON.parse(line) as ValidationRow;
        } catch {
          row = undefined;
        }
        if (row && typeof row === 'object' && Number.isInteger(row.initSeed)) done.set(row.initSeed, row);
        else if (!last) throw new FileFormatError(`${rowsFile}:${i + 1}`, 'not a validation row (only the last line may be torn by a kill)');
      });
    }
    const todo = seeds.filter((s) => !done.has(s));
    if (!quiet) console.error(`validate-verdict · ${backendHeader()} · ${seeds.length} models (${done.size} already judged) · out ${out}`);
    const config = { cell: 'gru' as const, hiddenSize: args.flags.hidden as number, embedSize: 16, learningRate: TRAIN_DEFAULTS.learningRate, batchSize: TRAIN_DEFAULTS.batchSize, maxSteps: TRAIN_DEFAULTS.maxSteps, evalEvery: TRAIN_DEFAULTS.evalEvery, stopAtTrainAccuracy: 1 };
    const modelConfig = populationModelConfig(task, config);
    const progress = new Progress({ total: seeds.length, label: 'validate-verdict', quiet });
    const chunk = args.flags.chunk as number;
    for (let i = 0; i < todo.length; i += chunk) {
      const members = todo.slice(i, i + chunk).map((s) => ({ initSeed: s, dataSeed: s }));
      // Verdicts run after the population call returns: the population trainer owns the wasm heap while it runs.
      const trained = await trainPopulation(task, members, config);
      for (const member of trained.members) {
        const model = new RnnModel(modelConfig, member.initSeed);
        try {
          for (const [name, values] of Object.entries(member.weights)) {
            const t = tf.tensor(values, model.params[name].shape);
            model.params[name].assign(t);
            t.dispose();
          }
          const row = judge(model, task, member.initSeed, member.dataSeed, 0);
          fs.appendFileSync(rowsFile, JSON.stringify(row) + '\n');
          done.set(row.initSeed, row);
        } finally {
          model.dispose();
        }
        progress.update(done.size, `last seed ${member.initSeed}`);
      }
    }
    const supervisedSeeds = Array.from({ length: args.flags.supervised as number }, (_, i) => SUPERVISED_SEED_BASE + i);
    for (const seed of supervisedSeeds.filter((s) => !done.has(s))) {
      const auxWeight = AUX_WEIGHTS[(seed - SUPERVISED_SEED_BASE) % AUX_WEIGHTS.length];
      const model = new RnnModel(modelConfig, seed);
      try {
        await trainSequenceModel(model, task, { auxWeight, auxTarget: 'codes', maxSteps: 3000, stopAtTrainAccuracy: 2, dataSeed: seed }, { auxSeed: seed });
        const row = judge(model, task, seed, seed, auxWeight);
        fs.appendFileSync(rowsFile, JSON.stringify(row) + '\n');
        done.set(seed, row);
      } finally {
        model.dispose();
      }
      progress.update(done.size, `supervised seed ${seed} (aux ${auxWeight})`);
    }
    progress.finish();
    const rows = [...seeds, ...supervisedSeeds].map((s) => done.get(s)!).filter(Boolean);
    const summary = summarizeValidation(rows, args.flags.threshold as number);
    const unsupervised = summarizeValidation(rows.filter((r) => !r.auxWeight), args.flags.threshold as number);
    writeFileAtomic(path.join(out, 'summary.json'), JSON.stringify({ backend: backendHeader(), split: args.flags.split, hidden: args.flags.hidden, all: summary, unsupervised }, null, 2));
    const markdown = supervisedSeeds.length
      ? `## All models (unsupervised + supervised)\n\n${formatValidation(summary)}\n\n## Unsupervised models only\n\n${formatValidation(unsupervised)}`
      : formatValidation(summary);
    writeFileAtomic(path.join(out, 'summary.md'), markdown + '\n');
    console.log(markdown);
    return 0;
  },
};

const SUPERVISED_SEED_BASE = 100000;
const AUX_WEIGHTS = [0.3, 1, 3, 10];

function judge(model: RnnModel, task: LookupTask, initSeed: number, dataSeed: number, auxWeight: number): ValidationRow {
  const verdict = lookupVerdict(model, task);
  return {
    initSeed,
    dataSeed,
    auxWeight,
    zeroShot: verdict.behaviour.exactMatch,
    score: verdict.score,
    label: verdict.label,
    evidence: Object.fromEntries(verdict.evidence.map((e) => [e.id, e.value])),
  };
}

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
