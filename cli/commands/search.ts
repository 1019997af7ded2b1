/**
 * `complens search`: the haystack search (train one model per seed, evaluate zero-shot, keep the results), and
 * `complens search --summary DIR` to (re)write the summary of a search folder. See docs/search.md.
 *
 * Also runnable on its own (`node --import tsx cli/commands/search.ts …`), which is how the tests drive it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ParsedArgs, ParsedFlags } from '../args';
import { Command } from '../command';
import { jsonFlag } from '../flags';
import { runCommand } from '../run';
import { LookupRegime } from '../../lib/tasks/lookup';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { TRAIN_DEFAULTS } from '../../lib/train/config';
import { GUIDED_DEFAULTS, GuidedSettings, runGuidedSearch } from '../../lib/search/guided';
import { GUIDED_STRATEGIES, GuidedStrategy } from '../../lib/search/guided/policy';
import { SIGNAL_NAMES, SignalName } from '../../lib/search/guided/signals';
import {
  buildSearchConfig, defaultTrainerName, formatSummaryMarkdown, resolveWorkerCount, runSearch, searchTrainerNames,
  validateRedisUrl, writeSearchSummary, RETENTION_DEFAULTS,
} from '../../lib/search';

function int(flags: ParsedFlags, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = flags[name] as number;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`search: --${name} expects an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got ${v}`);
  }
  return v;
}

function num(flags: ParsedFlags, name: string, min: number, max: number, exclusiveMin = false): number {
  const v = flags[name] as number;
  if (!(exclusiveMin ? v > min : v >= min) || v > max) throw new UsageError(`search: --${name} expects a number ${exclusiveMin ? '>' : '>='} ${min} and <= ${max}, got ${v}`);
  return v;
}

const REGIME_CHOICES = ['atomic+composed', 'composed-only', 'both'] as const;

/** The summary as the user asked for it: markdown tables, or with --json the object summary.json holds. */
function printable(summary: Parameters<typeof formatSummaryMarkdown>[0], json: unknown): string {
  return json ? JSON.stringify(summary, null, 2) : formatSummaryMarkdown(summary);
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'haystack search: train one model per seed, score zero-shot on held-out compositions, summarise',
  flags: [
    { name: 'task', type: 'string', choices: ['lookup'], default: 'lookup', help: 'task family' },
    { name: 'data', type: 'string', value: 'NAME|DIR', default: 'sample1', help: 'lookup sample: a public sample name (sample1..5) or a sample folder', aliases: [{ name: 'split', deprecated: true }] },
    { name: 'model', type: 'string', choices: ['tanh', 'gru', 'lstm'], default: 'gru', help: 'recurrent cell' },
    { name: 'seeds', type: 'seeds', help: 'initialisation seeds, e.g. 0..9999 or 1,5,10..12 (required)' },
    {
      name: 'data-order-seeds',
      type: 'seeds',
      help: 'data-order seeds; with it every init seed is trained with every data-order seed (a grid); without it each model uses its init seed as data-order seed',
    },
    { name: 'regime', type: 'string', choices: REGIME_CHOICES, default: 'atomic+composed', help: 'training regime: atomic+composed, composed-only (no single-table training rows), or both' },
    { name: 'encoding', type: 'string', choices: ['final', 'intermediates'], default: 'final', help: 'answer encoding: the final value only, or every intermediate (the public files\' format)' },
    { name: 'width', type: 'int', default: 64, help: 'hidden size', aliases: [{ name: 'hidden', deprecated: true }] },
    { name: 'embed', type: 'int', default: 16, help: 'embedding size' },
    { name: 'layers', type: 'int', default: 1, help: 'recurrent layers' },
    { name: 'layout', type: 'string', choices: ['single', 'encdec'], default: 'single', help: 'one recurrence for prompt and answer, or encoder-decoder' },
    { name: 'lr', type: 'number', default: TRAIN_DEFAULTS.learningRate, help: 'Adam learning rate' },
    { name: 'batch', type: 'int', default: TRAIN_DEFAULTS.batchSize, help: 'minibatch size (0 = full batch)' },
    { name: 'max-steps', type: 'int', default: TRAIN_DEFAULTS.maxSteps, help: 'training steps at most per model' },
    { name: 'eval-every', type: 'int', default: TRAIN_DEFAULTS.evalEvery, help: 'steps between checks of train exact match (the stopping rule)' },
    { name: 'stop-at', type: 'number', default: TRAIN_DEFAULTS.stopAtTrainAccuracy, help: 'stop a model once its train exact match reaches this (1 = fits the training set)' },
    { name: 'trainer', type: 'string', value: 'NAME', help: `search trainer: ${searchTrainerNames().join(', ')} (default: ${defaultTrainerName()})` },
    { name: 'members-per-call', type: 'int', value: 'N', help: 'models handed to the trainer per call (default: the trainer\'s own, 1 for reference)' },
    { name: 'workers', type: 'string', value: 'auto|N', default: '1', help: 'parallel worker threads on this machine (1 = train in the main thread)' },
    { name: 'queue', type: 'string', value: 'URL', help: 'distributed mode: enqueue jobs on this Redis (redis://host:port) and collect results from `complens worker`s' },
    { name: 'out', type: 'string', value: 'DIR', help: 'search folder (default runs/search-<task>-<data>-<model>); re-running with the same folder resumes' },
    { name: 'keep-best', type: 'int', default: RETENTION_DEFAULTS.best, help: 'checkpoints kept for the highest zero-shot models, per regime' },
    { name: 'keep-worst', type: 'int', default: RETENTION_DEFAULTS.worst, help: 'checkpoints kept for the lowest zero-shot models that fit the training set, per regime' },
    { name: 'keep-random', type: 'int', default: RETENTION_DEFAULTS.random, help: 'checkpoints kept for a seeded uniform random sample of models, per regime' },
    { name: 'sample-seed', type: 'int', default: RETENTION_DEFAULTS.sampleSeed, help: 'seed of the random checkpoint sample and of tie-breaking' },
    { name: 'baseline-seeds', type: 'int', default: 10, help: 'models of the random-task-codes control per regime (0 = none)' },
    { name: 'code-seed', type: 'int', default: 0, help: 'seed of the random-task-codes control\'s code assignment' },
    { name: 'summary', type: 'string', value: 'DIR', help: 'only (re)write and print the summary of the search in DIR; trains nothing' },
    { name: 'strategy', type: 'string', choices: ['brute', 'guided'], default: 'brute', help: 'brute: train every seed to the end (default); guided: population search with selection on validation signals (docs/guided-search.md)' },
    { name: 'guided-strategy', type: 'string', choices: GUIDED_STRATEGIES, default: GUIDED_DEFAULTS.policy.strategy, help: 'guided: asha (successive halving, restart the dropped), pbt (copy the best onto the worst, new data order) or none (no selection)' },
    { name: 'population', type: 'int', default: GUIDED_DEFAULTS.population, help: 'guided: members in flight' },
    { name: 'round-steps', type: 'int', default: GUIDED_DEFAULTS.roundSteps, help: 'guided: training steps between scorings (a multiple of --eval-every)' },
    { name: 'select-on', type: 'string', value: 'SIGNALS', default: GUIDED_DEFAULTS.selectOn.join('+'), help: `guided: selection score, the mean of these signals joined by + (${SIGNAL_NAMES.join(', ')})` },
    { name: 'val-compositions', type: 'int', default: GUIDED_DEFAULTS.valCompositions, help: 'guided: training compositions held out of training as the validation set (never the test compositions)' },
    { name: 'val-seed', type: 'int', default: GUIDED_DEFAULTS.valSeed, help: 'guided: seed of the choice of validation compositions' },
    { name: 'search-seed', type: 'int', default: GUIDED_DEFAULTS.searchSeed, help: 'guided: seed of the policy\'s random choices and of copies\' data orders' },
    { name: 'warmup', type: 'int', default: GUIDED_DEFAULTS.policy.warmup, help: 'guided: asha\'s first rung / pbt\'s first decision (steps)' },
    { name: 'eta', type: 'number', default: GUIDED_DEFAULTS.policy.eta, help: 'guided asha: rungs at warmup·eta^k; the top 1/eta at a rung continue' },
    { name: 'pbt-interval', type: 'int', default: GUIDED_DEFAULTS.policy.interval, help: 'guided pbt: steps between decisions' },
    { name: 'pbt-quantile', type: 'number', default: GUIDED_DEFAULTS.policy.quantile, help: 'guided pbt: the bottom fraction is replaced by copies of the top fraction' },
    { name: 'budget-steps', type: 'int', value: 'N', help: 'guided: stop after this many model-steps (all members together)' },
    { name: 'budget-models', type: 'int', value: 'N', help: 'guided: stop after this many finished models' },
    { name: 'budget-cpu-seconds', type: 'number', value: 'S', help: 'guided: stop after this much CPU time (resumes included)' },
    { name: 'log-signals', type: 'boolean', help: 'guided: log every signal of every member every round (the signal study; slower)' },
    jsonFlag('the summary', 'instead of markdown'),
  ],
  details: [
    'Every model is trained with the same hyper-parameters from its own seeds, then evaluated on every split;',
    'zero-shot accuracy = exact match on heldout_compositions. Results go to <out>/results.jsonl (one row per',
    'model, fsynced), checkpoints of the best, worst and a random sample to <out>/checkpoints/, and the summary',
    '(summary.json, summary.md, zero-shot-histogram.svg) to <out>. Kill it at any time and run the same command',
    'again: it continues where it stopped, without losing or repeating a model.',
    '',
    'Examples:',
    '  complens search --data sample1 --model gru --seeds 0..999',
    '  complens search --seeds 0..9999 --workers auto --regime both',
    '  complens search --seeds 0..49999 --queue redis://10.0.0.5:6379   # then: complens worker --queue redis://10.0.0.5:6379',
    '  complens search --summary runs/search-lookup-sample1-gru',
    '  complens search --strategy guided --seeds 0..99999 --budget-steps 20000000   # guided (docs/guided-search.md)',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    const quiet = Boolean(f.quiet);
    if (typeof f.summary === 'string') {
      const dir = path.resolve(f.summary);
      if (!fs.existsSync(dir)) throw new UsageError(`search: --summary ${f.summary}: no such search folder`);
      checkOutputDir(f.summary, 'search', '--summary');
      const summary = await writeSearchSummary(dir);
      process.stdout.write(printable(summary, f.json) + '\n');
      if (!quiet) process.stderr.write(`summary written to ${path.join(dir, summary.files.markdown)} and ${summary.files.json}\n`);
      return 0;
    }
    if (f.seeds === undefined) throw new UsageError('search: --seeds is required, e.g. --seeds 0..999 (or use --summary DIR)');
    const seeds = f.seeds as number[];
    const dataSeeds = f['data-order-seeds'] as number[] | undefined;
    const regimes: LookupRegime[] = f.regime === 'both' ? ['atomic+composed', 'composed-only'] : [f.regime as LookupRegime];
    const trainer = typeof f.trainer === 'string' ? f.trainer : defaultTrainerName();
    if (!searchTrainerNames().includes(trainer)) throw new UsageError(`search: --trainer expects one of ${searchTrainerNames().join(', ')}, got ${JSON.stringify(trainer)}`);
    const queue = typeof f.queue === 'string' ? validateRedisUrl(f.queue) : undefined;
    const workers = resolveWorkerCount(f.workers as string);
    if (queue && workers !== 1) throw new UsageError('search: --workers does not apply with --queue (start workers with: complens worker --queue URL --workers N)');
    const membersPerCall = f['members-per-call'] === undefined ? undefined : int(f, 'members-per-call', 1, 4096);
    const guided = f.strategy === 'guided';
    if (guided) {
      if (queue) throw new UsageError('search: --strategy guided runs in one process (no --queue)');
      if (workers !== 1) throw new UsageError('search: --strategy guided runs in one thread (no --workers)');
      if (dataSeeds) throw new UsageError('search: --strategy guided draws data orders itself (no --data-order-seeds)');
      if (regimes.length !== 1) throw new UsageError('search: --strategy guided runs one regime at a time (not --regime both)');
      if (trainer !== 'population') throw new UsageError('search: --strategy guided needs the population trainer (warm starts)');
    } else {
      const guidedOnly = ['budget-steps', 'budget-models', 'budget-cpu-seconds', 'log-signals'].filter((n) => f[n] !== undefined);
      if (guidedOnly.length) throw new UsageError(`search: --${guidedOnly[0]} applies to --strategy guided only`);
    }
    const splitName = path.basename(String(f.data)).replace(/[^A-Za-z0-9._+-]/g, '_');
    const out = typeof f.out === 'string' ? f.out : path.join('runs', `${guided ? 'guided' : 'search'}-${f.task}-${splitName}-${f.model}`);
    checkOutputDir(out, 'search');
    if (!guided && fs.existsSync(path.join(out, 'guided.json'))) throw new UsageError(`search: ${out} holds a guided search; pass --strategy guided (with its flags) to continue it`);
    const config = buildSearchConfig({
      split: String(f.data),
      encoding: f.encoding as 'final' | 'intermediates',
      cell: f.model as 'tanh' | 'gru' | 'lstm',
      layout: f.layout as 'single' | 'encdec',
      hiddenSize: int(f, 'width', 1, 4096),
      embedSize: int(f, 'embed', 1, 4096),
      numLayers: int(f, 'layers', 1, 16),
      training: {
        learningRate: num(f, 'lr', 0, 10, true),
        batchSize: int(f, 'batch', 0),
        maxSteps: int(f, 'max-steps', 1),
        evalEvery: int(f, 'eval-every', 1),
        stopAtTrainAccuracy: num(f, 'stop-at', 0, 2),
      },
      trainer,
      retention: { best: int(f, 'keep-best', 0, 100000), worst: int(f, 'keep-worst', 0, 100000), random: int(f, 'keep-random', 0, 100000), sampleSeed: int(f, 'sample-seed', 0, 2 ** 32 - 1) },
      codeSeed: int(f, 'code-seed', 0, 2 ** 32 - 1),
    });
    if (guided) {
      const selectOn = String(f['select-on']).split('+').map((x) => x.trim()) as SignalName[];
      const bad = selectOn.find((x) => !SIGNAL_NAMES.includes(x));
      if (bad !== undefined) throw new UsageError(`search: --select-on: unknown signal ${JSON.stringify(bad)} (known: ${SIGNAL_NAMES.join(', ')})`);
      const settings: GuidedSettings = {
        policy: {
          strategy: f['guided-strategy'] as GuidedStrategy,
          warmup: int(f, 'warmup', 1),
          eta: num(f, 'eta', 1, 1000, true),
          interval: int(f, 'pbt-interval', 1),
          quantile: num(f, 'pbt-quantile', 0, 0.5, true),
        },
        population: int(f, 'population', 2, 4096),
        roundSteps: int(f, 'round-steps', 1),
        selectOn,
        valCompositions: int(f, 'val-compositions', 0, 1000),
        valSeed: int(f, 'val-seed', 0, 2 ** 32 - 1),
        searchSeed: int(f, 'search-seed', 0, 2 ** 32 - 1),
        logAllSignals: Boolean(f['log-signals']),
      };
      const budget = {
        modelSteps: f['budget-steps'] === undefined ? undefined : int(f, 'budget-steps', 1),
        models: f['budget-models'] === undefined ? undefined : int(f, 'budget-models', 1),
        cpuSeconds: f['budget-cpu-seconds'] === undefined ? undefined : num(f, 'budget-cpu-seconds', 0, Number.MAX_SAFE_INTEGER, true),
      };
      const result = await runGuidedSearch({ out, config, regime: regimes[0], seeds, settings, budget, quiet });
      if (result.summary) process.stdout.write(printable(result.summary, f.json) + '\n');
      if (!f.json) process.stdout.write(`guided: ${result.rounds} rounds, ${result.recorded} models, ${(result.totals.modelSteps / 1e6).toFixed(2)}M model-steps, ${result.totals.cpuSeconds.toFixed(0)} CPU s; ${path.join(out, 'guided', 'summary.json')}\n`);
      return 0;
    }
    const result = await runSearch({
      out,
      config,
      plan: { seeds, dataSeeds, regimes, baselineSeeds: int(f, 'baseline-seeds', 0, 100000) },
      workers,
      queue,
      membersPerCall,
      quiet,
    });
    if (result.summary) process.stdout.write(printable(result.summary, f.json) + '\n');
    if (result.failed.length) {
      process.stderr.write(`error: ${result.failed.length} jobs failed (${result.failed.slice(0, 3).map((x) => `${x.key}: ${x.reason}`).join('; ')}); re-run the same command to retry them\n`);
      return 1;
    }
    return 0;
  },
};

if (require.main === module) {
  runCommand(searchCommand, process.argv.slice(2)).then((code) => process.exit(code));
}
