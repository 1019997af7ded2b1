/** `complens equiv`: which algebraic relation explains a checkpoint's answers on an OOD split (Xu et al.). */
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { SequenceModel } from '../../lib/models/types';
import { isSequenceTask } from '../../lib/tasks/types';
import { partitionSplits } from '../../lib/train/evaluate';
import { writeFileAtomic } from '../../lib/util/atomic';
import { checkOutputFile } from '../../lib/util/output';
import { UsageError } from '../../lib/util/errors';
import { renderSvg } from '../../probes/charts/render';
import { analyzeEquivalence, defaultRelations, equivalenceChartSpec, EquivalenceResult } from '../../probes/equivalence';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { formatNumber, formatTable, percent } from '../format';

export const equivCommand: Command = {
  name: 'equiv',
  summary: 'rank candidate algebraic relations by how many OOD answers of a checkpoint they explain',
  positionals: checkpointArg(),
  flags: [
    { name: 'split', type: 'string', value: 'SPLIT', help: 'the OOD split to analyse (required)' },
    { name: 'id-split', type: 'string', value: 'SPLIT', help: "in-distribution split (default: the task's training split)" },
    { name: 'hook', type: 'string', value: 'NAME', help: "hook for the representation check (default: the model's stateHook)" },
    { name: 'position', type: 'string', value: 'last-prompt|N', help: 'input position of the representation check', default: 'last-prompt' },
    { name: 'relations', type: 'list', value: 'A,B', help: 'only these built-in relations (names as printed)' },
    { name: 'limit', type: 'int', value: 'N', help: 'analyse only the first N examples of the split' },
    { name: 'top', type: 'int', value: 'N', help: 'rows of the ranked table to print (relations that predict nothing are left out)', default: 20 },
    { name: 'seed', type: 'int', value: 'N', help: 'seed of the random ID partners', default: 0 },
    { name: 'search', type: 'boolean', default: true, help: 'skip the automatic search for unexplained outputs (saves decoding the ID split)' },
    { name: 'representation', type: 'boolean', default: true, help: 'skip the hidden-state distance check' },
    jsonFlag('the whole result'),
    { name: 'chart', type: 'string', value: 'FILE', help: 'write a bar chart: .svg renders it, .json writes the vega-lite spec' },
  ],
  details:
    'Built-in relations exist for the arithmetic task (operands mod 10^k, answer mod 10^k, digit dropped/clamped, carry\n' +
    'dropped, true answer) and the lookup task (single tables, reversed, dropped table, seen-partner substitutions,\n' +
    'identity). See docs/instruments/equivalence.md.',
  async run(args: ParsedArgs): Promise<number> {
    const split = args.flags.split as string | undefined;
    if (!split) throw new UsageError('equiv: --split is required (see complens equiv --help)');
    const position = parsePosition(String(args.flags.position ?? 'last-prompt'));
    const chart = args.flags.chart as string | undefined;
    if (chart && !/\.(svg|json)$/i.test(chart)) throw new UsageError(`--chart: expected a .svg or .json file name, got ${JSON.stringify(chart)}`);
    if (chart) checkOutputFile(chart, 'chart', '--chart');
    await initBackend();
    const checkpoint = args.positionals[0];
    const { model, task } = loadModelCheckpoint(checkpoint);
    try {
      if (model.kind !== 'sequence' || !isSequenceTask(task)) {
        throw new UsageError(`equiv: ${checkpoint} holds a ${model.kind} model on a non-sequence task; the analysis compares decoded sequence answers`);
      }
      const idSplit = args.flags['id-split'] as string | undefined;
      let relations = undefined;
      const only = args.flags.relations as string[] | undefined;
      if (only) {
        const all = defaultRelations(task, idSplit);
        const unknown = only.filter((n) => !all.some((r) => r.name === n));
        if (unknown.length) throw new UsageError(`--relations: unknown relation(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${all.map((r) => r.name).join(', ')}`);
        relations = all.filter((r) => only.includes(r.name));
      }
      // The OOD split and the ID split it is compared with must both fit the model (block size, vocabulary).
      const needed = [...new Set([split, idSplit ?? task.splitNames()[0]])].filter((n) => task.splitNames().includes(n));
      const { skipped } = partitionSplits(model as SequenceModel, task, needed);
      if (skipped.length) {
        if (args.flags.json) console.log(JSON.stringify({ checkpoint, backend: backendHeader(), split, skipped }, null, 2));
        else for (const s of skipped) console.log(`${checkpoint}: skipped ${s.split}: ${s.reason}`);
        return 0;
      }
      if (!args.flags.quiet) console.error(`equiv: decoding ${split}${args.flags.search === false ? '' : ' (and the ID split if some outputs are unexplained)'}…`);
      const result = analyzeEquivalence(model as SequenceModel, task, split, {
        relations,
        idSplit,
        hook: args.flags.hook as string | undefined,
        position,
        limit: args.flags.limit as number | undefined,
        seed: args.flags.seed as number,
        search: args.flags.search !== false,
        representation: args.flags.representation !== false,
      });
      if (chart) {
        const spec = equivalenceChartSpec(result);
        writeFileAtomic(path.resolve(chart), chart.toLowerCase().endsWith('.json') ? JSON.stringify(spec, null, 2) + '\n' : await renderSvg(spec));
        if (!args.flags.quiet) console.error(`equiv: wrote ${chart}`);
      }
      if (args.flags.json) console.log(JSON.stringify({ checkpoint, backend: backendHeader(), ...result }, null, 2));
      else console.log(formatResult(checkpoint, result, args.flags.top as number));
      return 0;
    } finally {
      model.dispose();
    }
  },
};

function parsePosition(text: string): 'last-prompt' | number {
  if (text === 'last-prompt') return text;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--position: expected last-prompt or an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** The human-readable report: summary, ranked table, representation check and search result. */
export function formatResult(checkpoint: string, r: EquivalenceResult, top = 20): string {
  const lines = [
    `${checkpoint} · ${r.task} · split ${r.split} (${r.count} examples) · ID split ${r.idSplit} · ${backendHeader()}`,
    `exact accuracy ${percent(r.exactAccuracy)} · best relation: ${r.best ? `${r.best.name} (${percent(r.best.fraction)})` : 'none'} · unexplained ${r.unexplained.count} (${percent(r.unexplained.fraction)})`,
    '',
  ];
  const rows = r.relations.filter((s) => s.predicted > 0).slice(0, top);
  lines.push(
    formatTable(
      ['rank', 'relation', 'family', 'explained', 'fraction', 'predicted', 'chance'],
      rows.map((s) => [String(s.rank), s.name, s.family, s.explained, percent(s.fraction), s.predicted, percent(s.baseline)]),
    ),
  );
  const hidden = r.relations.filter((s) => s.predicted > 0).length - rows.length;
  if (hidden > 0) lines.push(`(${hidden} more; --top to show them)`);
  if (r.notApplicable.length) lines.push(`${r.notApplicable.length} relation(s) predict nothing on this split`);
  if (r.representation) {
    const c = r.representation;
    lines.push(
      '',
      `representation (${c.hook} at ${c.position === 'last-prompt' ? 'the last prompt position' : `position ${c.position}`}, ${c.count} inputs, representatives of "${c.relation}"):`,
      `  mean distance to the representative ${formatNumber(c.meanToRepresentative)} vs to a random ID input ${formatNumber(c.meanToRandom)} ` +
        `(ratio ${formatNumber(c.ratio)}); mean norm ${formatNumber(c.meanNorm)}`,
    );
  }
  if (r.search) {
    const b = r.search.best;
    lines.push('', `search over ${r.search.examples} unexplained outputs:`);
    const reachable = r.search.mappings.reduce((n, m) => n + m.withPreimage, 0);
    if (!b) lines.push(`  no position-wise mapping supported by 2 or more of them (${reachable} have an ID input with the same output)`);
    else {
      lines.push(
        `  best position-wise mapping (prompt length ${b.promptLength}): ${b.description}`,
        `  support ${b.support} of ${b.examples} (${percent(b.fraction)}); ${b.withPreimage} have an ID input with the same output, ${formatNumber(b.meanPreimages)} on average`,
      );
    }
  }
  return lines.join('\n');
}
