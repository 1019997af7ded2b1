/**
 * Report sections for one lookup-table checkpoint: the verdict, its evidence, behaviour per split, the extracted
 * automaton, probe selectivity by position, and a PCA view of the state hook. The verdict is the only instrument
 * allowed to read the others' results; this file assembles them into lib/report sections.
 */
import type { TopLevelSpec } from 'vega-lite';
import { SequenceModel } from '../../lib/models/types';
import { Section } from '../../lib/report';
import { LookupTask, toBits } from '../../lib/tasks/lookup';
import { evaluateExamples } from '../../lib/train/evaluate';
import { collectActivations } from '../activations';
import { toSvg } from '../automata';
import { chartConfig } from '../charts';
import { denseRows, probeDataset, selectivityHeatmap } from '../linear';
import { pcaProject, pcaScatterSpec } from '../pca';
import { LookupVerdict } from './lookup';
import { Verdict } from './types';

export interface CheckpointSectionsOptions {
  /** Heading prefix when several checkpoints share a report. */
  name: string;
}

export function lookupCheckpointSections(model: SequenceModel, task: LookupTask, verdict: LookupVerdict, options: CheckpointSectionsOptions): Section[] {
  const perSplit = task.splitNames().map((split) => {
    const e = evaluateExamples(model, task.split(split).examples);
    return { split, examples: e.count, exactMatch: e.exactMatch, tokenAccuracy: e.tokenAccuracy };
  });
  const train = task.split('train').examples;
  const ds = collectActivations(model, train, { hooks: [model.stateHook] });
  const probeRows = probeDataset(ds, { hooks: [model.stateHook], labels: ['state'], perPosition: true, examples: train });
  const stateRows: number[] = [];
  const states = ds.labels('state');
  const steps = ds.labels('step');
  for (let i = 0; i < ds.rows; i++) if (steps[i] >= 1) stateRows.push(i);
  const features = ds.features(model.stateHook);
  const data = new Float32Array(stateRows.length * features.dim);
  stateRows.forEach((r, j) => data.set(features.data.subarray(r * features.dim, (r + 1) * features.dim), j * features.dim));
  const projection = pcaProject(denseRows(data, features.dim), { components: 2 });
  const pcaSpec = pcaScatterSpec(projection, stateRows.map((r) => toBits(states[r], task.spec.bits)), {
    title: `${model.stateHook} after each table, coloured by the intermediate value`,
    colorField: 'value',
  });
  const name = options.name;
  return [
    verdictSection(name, verdict, `zero-shot on ${verdict.behaviour.split}: **${(verdict.behaviour.exactMatch * 100).toFixed(1)}%** (chance ${(verdict.behaviour.chance * 100).toFixed(1)}%) — reported beside the score, never used in it`, {
      model: `${(model.config as { cell?: string }).cell ?? ''} ${(model.config as { hiddenSize?: number }).hiddenSize ?? ''}`.trim(),
      'automaton states (k)': verdict.automaton.k,
      'isomorphic to the task automaton': verdict.automaton.isomorphic,
      'instrument time (s)': verdict.seconds,
    }),
    evidenceSection(name, verdict),
    { kind: 'chart', title: `${name}: exact match per split`, name: `${slugName(name)}-splits`, spec: splitChart(perSplit) },
    {
      kind: 'dot',
      title: `${name}: extracted automaton`,
      dot: verdict.automaton.dot,
      svg: toSvg(verdict.automaton.dfa, {}),
      caption: `k-means automaton from training traces (k=${verdict.automaton.k}); transitions matching the task automaton: ${(verdict.automaton.transitionMatch * 100).toFixed(1)}%`,
    },
    {
      kind: 'chart',
      title: `${name}: probe selectivity by position`,
      name: `${slugName(name)}-selectivity`,
      spec: selectivityHeatmap(probeRows.map((r) => ({ layer: `position ${r.position}`, label: r.label, selectivity: r.selectivity })), { title: 'state probe: accuracy − control accuracy' }),
      caption: 'Logistic probe of the automaton state (intermediate value) at each input position of the training split, GroupKFold by composition, with a control task (random label per token prefix).',
    },
    { kind: 'chart', title: `${name}: PCA of the state`, name: `${slugName(name)}-pca`, spec: pcaSpec },
  ];
}

/** The verdict's headline: label, score, the behaviour it is compared with (`detail`) and workload facts. */
export function verdictSection(name: string, verdict: Verdict, detail: string, items: Record<string, string | number | boolean>): Section {
  const tone = verdict.label === 'compositional' ? 'good' : verdict.label === 'memorizing' ? 'bad' : 'warn';
  return {
    kind: 'summary',
    title: `${name}: verdict`,
    verdict: { label: verdict.label, score: verdict.score, scoreLabel: 'internal-evidence score (0–1)', tone, detail },
    items,
  };
}

/** The verdict's evidence table, one row per instrument reading. */
export function evidenceSection(name: string, verdict: Verdict): Section {
  return {
    kind: 'table',
    title: `${name}: evidence`,
    rows: verdict.evidence.map((e) => ({ evidence: e.id, instrument: e.instrument, value: e.value, baseline: e.baseline ?? null, 'in score': e.internal ? e.normalized ?? null : 'no', what: e.description })),
  };
}

export function splitChart(rows: { split: string; exactMatch: number }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: chartConfig,
    width: 420,
    height: 220,
    data: { values: rows },
    mark: 'bar',
    encoding: {
      y: { field: 'split', type: 'nominal', sort: null, title: null },
      x: { field: 'exactMatch', type: 'quantitative', title: 'exact match', scale: { domain: [0, 1] }, axis: { format: '%' } },
    },
  } as TopLevelSpec;
}

export function slugName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

