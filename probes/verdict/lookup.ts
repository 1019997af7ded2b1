/**
 * The verdict for lookup-table sequence models. Only internal evidence computed on training and validation data
 * enters the score, so the score can be validated against held-out zero-shot accuracy it never saw:
 * - probe: can a linear probe read the automaton state (the intermediate value) from the state hook, on training
 *   compositions the probe never saw (GroupKFold by composition)? Normalised above the majority baseline.
 * - automaton: does an automaton extracted from training traces have the task automaton's transitions
 *   (transition match), and does it agree with the task automaton on the validation split (held-out inputs of
 *   seen compositions, disjoint from the test compositions)?
 * Behaviour (zero-shot exact match on heldout_compositions vs the 1/2^bits chance) is reported beside it.
 */
import { Dfa } from '../../lib/automata/types';
import { backendHeader } from '../../lib/backend';
import { SequenceModel } from '../../lib/models/types';
import { LookupTask } from '../../lib/tasks/lookup';
import { evaluateExamples } from '../../lib/train/evaluate';
import { extractLookupAutomaton } from '../automata/lookup-model';
import { clamp01, positionProbe, PositionProbeResult, scoredVerdict } from './evidence';
import { DEFAULT_THRESHOLDS, EvidenceRow, Verdict } from './types';

export interface LookupVerdictOptions {
  thresholds?: typeof DEFAULT_THRESHOLDS;
  /** Split with the held-out compositions whose accuracy the verdict predicts (default: heldout_compositions). */
  testSplit?: string;
  seed?: number;
}

export interface LookupVerdict extends Verdict {
  automaton: { k: number; dot: string; dfa: Dfa; transitionMatch: number; isomorphic: boolean };
}

export function lookupVerdict(model: SequenceModel, task: LookupTask, options: LookupVerdictOptions = {}): LookupVerdict {
  const started = Date.now();
  const seed = options.seed ?? 0;
  const splits = task.splitNames();
  const testSplit = options.testSplit ?? 'heldout_compositions';
  const selection = splits.includes('validation') ? 'validation' : 'train';

  const probe = stateProbe(model, task, seed);
  const automaton = extractLookupAutomaton(model, task, { fitSplits: ['train'], selectionSplit: selection, evalSplits: [selection], seed });
  const validationTruth = automaton.fidelity[0].truth.stepAgreement;
  const majority = probe.majority;
  const evidence: EvidenceRow[] = [
    {
      id: 'probe.stateAccuracy',
      instrument: 'probe',
      description: 'linear probe reads the intermediate value from the state hook on unseen training compositions (GroupKFold)',
      value: probe.accuracy,
      baseline: majority,
      internal: true,
      normalized: clamp01((probe.accuracy - majority) / (1 - majority)),
    },
    {
      id: 'probe.selectivity',
      instrument: 'probe',
      description: 'probe accuracy minus control-task accuracy (random label per prefix type, Hewitt & Liang)',
      value: probe.selectivity,
      baseline: 0,
      internal: false,
    },
    {
      id: 'automaton.transitionMatch',
      instrument: 'automaton',
      description: `automaton extracted from training traces (k=${automaton.k}) has the task automaton's transitions`,
      value: automaton.comparison.transitionMatch,
      baseline: 1 / (task.spec.tables.length > 0 ? 2 ** task.spec.bits : 1),
      internal: true,
      normalized: automaton.comparison.transitionMatch,
    },
    {
      id: 'automaton.validationAgreement',
      instrument: 'automaton',
      description: `extracted automaton agrees with the task automaton on ${selection} (held-out inputs of seen compositions)`,
      value: validationTruth,
      baseline: 1 / 2 ** task.spec.bits,
      internal: true,
      normalized: validationTruth,
    },
    {
      id: 'automaton.fidelity',
      instrument: 'automaton',
      description: `extracted automaton agrees with the network's own answers on ${selection} prefixes`,
      value: automaton.fidelity[0].outputs.stepAgreement,
      internal: false,
    },
  ];
  const chance = 1 / 2 ** task.spec.bits;
  const exactMatch = splits.includes(testSplit) ? evaluateExamples(model, task.split(testSplit).examples).exactMatch : NaN;
  evidence.unshift({
    id: 'behaviour.zeroShot',
    instrument: 'behaviour',
    description: `exact match on ${testSplit} (zero-shot; not used in the score)`,
    value: exactMatch,
    baseline: chance,
    internal: false,
  });
  return {
    ...scoredVerdict(evidence, options.thresholds),
    behaviour: { split: testSplit, exactMatch, chance, label: 'zero-shot' },
    workload: 'lookup',
    backend: backendHeader(),
    seconds: (Date.now() - started) / 1000,
    automaton: { k: automaton.k, dot: automaton.dot, dfa: automaton.minimized, transitionMatch: automaton.comparison.transitionMatch, isomorphic: automaton.comparison.isomorphic },
  };
}

/** Probe of the automaton state at every table position of the training split, with a control task. */
function stateProbe(model: SequenceModel, task: LookupTask, seed: number): PositionProbeResult {
  return positionProbe(model, task.split('train').examples, {
    positions: (e) => e.positionLabels.step.flatMap((s, t) => (s >= 1 ? [t] : [])),
    label: (e, t) => e.positionLabels.state[t],
    type: (e, t) => e.prompt.slice(0, t + 1).join(','),
  }, seed);
}
