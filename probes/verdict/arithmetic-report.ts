/**
 * Report sections for one addition checkpoint: the verdict, its evidence, exact match per split, and the ranked
 * equivalence relations on the verdict's OOD split (Xu et al.'s question: what does the model answer instead?).
 */
import { SequenceModel } from '../../lib/models/types';
import { Section } from '../../lib/report';
import { ArithmeticTask } from '../../lib/tasks/arithmetic';
import { evaluateSplits } from '../../lib/train/evaluate';
import { equivalenceChartSpec } from '../equivalence';
import { ArithmeticVerdict } from './arithmetic';
import { CheckpointSectionsOptions, evidenceSection, slugName, splitChart, verdictSection } from './report';

export function arithmeticCheckpointSections(model: SequenceModel, task: ArithmeticTask, verdict: ArithmeticVerdict, options: CheckpointSectionsOptions): Section[] {
  const perSplit = evaluateSplits(model, task).splits; // a split longer than the block size is left out (listed by the caller)
  const name = options.name;
  const config = model.config as { nLayers?: number; dModel?: number };
  return [
    verdictSection(name, verdict, `exact match on ${verdict.behaviour.split}: **${(verdict.behaviour.exactMatch * 100).toFixed(1)}%** — reported beside the score, never used in it`, {
      model: config.nLayers ? `transformer, ${config.nLayers} layers, width ${config.dModel}` : 'sequence model',
      [`${verdict.equivalence.split} answers explained by ${verdict.equivalence.relation}`]: verdict.equivalence.explained,
      'distance ratio (to representative ÷ to random ID input)': verdict.equivalence.distanceRatio,
      'instrument time (s)': verdict.seconds,
    }),
    evidenceSection(name, verdict),
    { kind: 'chart', title: `${name}: exact match per split`, name: `${slugName(name)}-splits`, spec: splitChart(perSplit) },
    {
      kind: 'chart',
      title: `${name}: what the ${verdict.equivalence.split} answers are`,
      name: `${slugName(name)}-equivalence`,
      spec: equivalenceChartSpec(verdict.equivalence.analysis, { title: `relations explaining ${verdict.equivalence.split} answers` }),
      caption: 'Share of OOD answers each candidate relation predicts exactly, against its chance level under a random permutation of the answers (docs/instruments/equivalence.md).',
    },
  ];
}
