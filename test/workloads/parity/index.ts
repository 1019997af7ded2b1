/**
 * A tiny fifth workload, defined entirely outside complens's own folders: the parity of a bit string. The prompt is
 * the bits then '.', the answer the parity then <eos>; the automaton state (the parity so far) labels every prompt
 * position. Strings are split by a seeded shuffle into trained ones and held-out ones (the "compositions" never seen).
 *
 * Its entry is the task family, the sequence workload's shared parts (job runner, exact-match evaluation), its
 * defaults, and a verdict: is the running parity linearly decodable from the state hook, above its control task?
 */
import { SequenceModel } from '../../../lib/models/types';
import { EncodedExample, SequenceTask, TaskSplit } from '../../../lib/tasks/types';
import { ConfigError } from '../../../lib/util/errors';
import { Rng } from '../../../lib/util/random';
import { requireInt, requireObject } from '../../../lib/util/validate';
import { sequenceOut, sequenceWorkload } from '../../../lib/workloads';
import { clamp01, positionProbe, scoreEvidence } from '../../../probes/verdict/evidence';
import { EvidenceRow, Verdict } from '../../../probes/verdict/types';
import { evaluateExamples } from '../../../lib/train/evaluate';

export interface ParitySpec {
  kind: 'parity';
  bits: number;
  /** Seed of the train / held-out split of the 2^bits strings. */
  seed: number;
}

const VOCAB = ['0', '1', '.', '<eos>'];

function validateParitySpec(json: unknown, field: string): ParitySpec {
  const o = requireObject(json, field);
  if (o.kind !== 'parity') throw new ConfigError(`${field}.kind`, '"parity"', o.kind);
  for (const key of Object.keys(o)) if (!['kind', 'bits', 'seed'].includes(key)) throw new ConfigError(`${field}.${key}`, 'no such field (known: kind, bits, seed)', o[key]);
  return { kind: 'parity', bits: requireInt(o.bits ?? 4, `${field}.bits`, 2, 10), seed: requireInt(o.seed ?? 0, `${field}.seed`, 0) };
}

class ParityTask implements SequenceTask<ParitySpec> {
  readonly kind = 'parity';
  readonly modelKind = 'sequence';
  readonly vocab = VOCAB;
  readonly stateCount = 2;
  private readonly splits: Record<string, TaskSplit>;

  constructor(readonly spec: ParitySpec) {
    const all: EncodedExample[] = [];
    for (let v = 0; v < 1 << spec.bits; v++) {
      const digits = Array.from({ length: spec.bits }, (_, i) => (v >> (spec.bits - 1 - i)) & 1);
      const states: number[] = [];
      let parity = 0;
      for (const d of digits) states.push((parity ^= d));
      all.push({ prompt: [...digits, 2], target: [parity, 3], positionLabels: { state: [...states, parity, -1] }, exampleLabels: { value: v, parity }, group: String(v) });
    }
    const order = new Rng(spec.seed).permutation(all.length);
    const held = Math.max(2, all.length >> 2);
    this.splits = {
      train: { name: 'train', examples: order.slice(held).map((i) => all[i]) },
      heldout: { name: 'heldout', examples: order.slice(0, held).map((i) => all[i]) },
    };
  }

  splitNames(): string[] {
    return ['train', 'heldout'];
  }

  split(name: string): TaskSplit {
    return this.splits[name];
  }

  labelNames(): Record<string, string[]> {
    return {};
  }

  decode(tokens: readonly number[]): string {
    return tokens.map((t) => VOCAB[t]).join(' ');
  }
}

/** The verdict: the running parity decoded from the state hook at every bit position, above its control task. */
function parityVerdict(model: SequenceModel, task: ParityTask, options: { seed?: number }): Verdict {
  const started = Date.now();
  const train = task.split('train').examples;
  const bitPositions = (e: EncodedExample) => Array.from({ length: task.spec.bits }, (_, t) => t);
  const probe = positionProbe(model, train, {
    positions: bitPositions,
    label: (e, t) => e.positionLabels.state[t],
    type: (e, t) => e.prompt.slice(0, t + 1).join(''),
  }, options.seed ?? 0);
  const heldout = evaluateExamples(model, task.split('heldout').examples).exactMatch;
  const evidence: EvidenceRow[] = [
    { id: 'probe.parity', instrument: 'probe', description: 'running parity decoded from the state hook (training strings)', value: probe.accuracy, baseline: probe.majority, internal: true, normalized: clamp01((probe.accuracy - probe.majority) / (1 - probe.majority)) },
    { id: 'behaviour.heldout', instrument: 'behaviour', description: 'exact match on held-out strings', value: heldout, baseline: 0.5, internal: false },
  ];
  const { score, label } = scoreEvidence(evidence);
  return {
    label, score, thresholds: { compositional: 0.8, partial: 0.55 }, evidence,
    behaviour: { split: 'heldout', exactMatch: heldout, chance: 0.5 },
    workload: 'parity', backend: 'wasm', seconds: (Date.now() - started) / 1000,
  };
}

export const parityWorkload = {
  ...sequenceWorkload({
    name: 'parity',
    summary: 'parity of a bit string, a tiny GRU (a test of the workload registry)',
    task: { validate: validateParitySpec, create: (spec: unknown) => new ParityTask(spec as ParitySpec) },
    defaults: {
      task: { kind: 'parity', bits: 4 },
      model: { arch: 'rnn', cell: 'gru', hiddenSize: 16, embedSize: 8 },
      training: { batchSize: 0, learningRate: 0.02, maxSteps: 300, evalEvery: 50 },
    },
    flags: [{ name: 'bits', type: 'int', field: 'task.bits', help: 'length of the bit strings (default: 4)' }],
    defaultOut: (job) => sequenceOut(job, `bits${job.task.bits}`),
  }),
  verdict: { label: 'parity (sequence models)', judge: parityVerdict },
};
