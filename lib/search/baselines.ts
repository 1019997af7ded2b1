/**
 * The baselines of seeds-A §A.7, computed on the search's own split and scored like the search (exact match of the
 * whole answer on heldout_compositions):
 *
 * - random-output: every answer token uniform over the whole vocabulary (malformed answers possible).
 * - random-wellformed-output: a uniformly random well-formed answer (random bits, then <eos>).
 *   Both as closed forms (lib/tasks/lookup/baselines.ts) plus an empirical check: seeded random answers scored
 *   against the real targets, which must land inside a 99.9% binomial interval around the closed form.
 * - random-task-codes (reading 1 of §A.7): the same architecture trained on a variant of the task in which every
 *   composed task is named by one fresh, arbitrary code token instead of its component table tokens. The
 *   compositional cue is gone, and a held-out composition's code is a token never seen in training, so its
 *   zero-shot accuracy measures what the architecture gets without compositional structure. `RandomTaskCodesTask`
 *   below is that variant; the search trains it like any other job (its rows go to their own store).
 */
import { registerTask } from '../tasks/registry';
import {
  LookupTask, createLookupTask, lookupTokenIds, randomOutputAccuracy, randomWellformedAccuracy, validateLookupSpec, LookupSpec,
} from '../tasks/lookup';
import { EncodedExample, SequenceTask, TaskSplit } from '../tasks/types';
import { ComplensError } from '../util/errors';
import { Rng } from '../util/random';
import { requireInt, requireObject } from '../util/validate';
import { ZERO_SHOT_SPLIT } from './types';

export interface RandomTaskCodesSpec {
  kind: 'lookup-random-codes';
  base: LookupSpec;
  /** Seeds the (arbitrary) assignment of code tokens to compositions. */
  codeSeed: number;
}

/**
 * The lookup task with arbitrary task codes: a composed row "011 t1 t6 ." becomes "011 c17 ." where c17 is the code
 * this task drew for the composition t1 t6; atomic rows ("011 t1 .") are unchanged. Targets, splits and per-example
 * labels are those of the base task. Codes are appended after the base vocabulary, so base token ids do not move.
 */
export class RandomTaskCodesTask implements SequenceTask<RandomTaskCodesSpec> {
  readonly kind = 'lookup-random-codes';
  readonly modelKind = 'sequence';
  readonly spec: RandomTaskCodesSpec;
  readonly vocab: readonly string[];
  readonly stateCount: number;
  /** Composition name ("t1 t6") → code token id. */
  private readonly codeOf = new Map<string, number>();
  private readonly codeNames: string[];
  private readonly encoded = new Map<string, TaskSplit>();

  constructor(readonly base: LookupTask, codeSeed: number) {
    requireInt(codeSeed, 'codeSeed', 0);
    this.spec = { kind: 'lookup-random-codes', base: base.spec, codeSeed };
    this.stateCount = base.stateCount;
    const composed = base.labelNames().composition.filter((name) => name.includes(' '));
    // A seeded permutation, so that a code's index says nothing about which tables it stands for.
    const order = new Rng(codeSeed).permutation(composed.length);
    this.codeNames = composed.map((_, i) => `c${i + 1}`);
    composed.forEach((name, i) => this.codeOf.set(name, base.vocab.length + order[i]));
    this.vocab = Object.freeze([...base.vocab, ...this.codeNames]);
  }

  splitNames(): string[] {
    return this.base.splitNames();
  }

  split(name: string): TaskSplit {
    const cached = this.encoded.get(name);
    if (cached) return cached;
    const result = { name, examples: this.base.split(name).examples.map((ex) => this.recode(ex)) };
    this.encoded.set(name, result);
    return result;
  }

  private recode(ex: EncodedExample): EncodedExample {
    if (ex.exampleLabels.length < 2) return ex;
    const bits = this.base.spec.bits;
    const code = this.codeOf.get(ex.group);
    if (code === undefined) throw new ComplensError(`random-task-codes: no code for composition ${ex.group}`);
    const dot = lookupTokenIds(this.base.spec.tables.length).dot;
    const prompt = [...ex.prompt.slice(0, bits), code, dot];
    const length = prompt.length + ex.target.length - 1;
    const state = new Array<number>(length).fill(-1);
    const table = new Array<number>(length).fill(-1);
    const step = new Array<number>(length).fill(-1);
    // The code applies the whole composition at once: the state goes from the input straight to the final value.
    state[bits - 1] = ex.exampleLabels.input;
    state[bits] = ex.exampleLabels.final;
    state[bits + 1] = ex.exampleLabels.final;
    step[bits - 1] = 0;
    step[bits] = 1;
    return {
      prompt,
      target: ex.target.slice(),
      positionLabels: { state, table, step },
      exampleLabels: { ...ex.exampleLabels, code: code - this.base.vocab.length },
      group: ex.group,
    };
  }

  labelNames(): Record<string, string[]> {
    return { ...this.base.labelNames(), code: this.codeNames.slice() };
  }

  decode(tokens: readonly number[]): string {
    return tokens.map((id) => this.vocab[id] ?? `<unk:${id}>`).join(' ');
  }
}

export function validateRandomTaskCodesSpec(json: unknown, field = 'task'): RandomTaskCodesSpec {
  const o = requireObject(json, field);
  if (o.kind !== 'lookup-random-codes') throw new ComplensError(`${field}.kind: expected "lookup-random-codes", got ${JSON.stringify(o.kind)}`);
  return { kind: 'lookup-random-codes', base: validateLookupSpec(o.base, `${field}.base`), codeSeed: requireInt(o.codeSeed, `${field}.codeSeed`, 0) };
}

// Lets a checkpoint of a control model be loaded with loadModelCheckpoint once lib/search has been imported.
registerTask('lookup-random-codes', {
  validate: (json, field) => validateRandomTaskCodesSpec(json, field),
  create: (spec) => {
    const s = spec as RandomTaskCodesSpec;
    return new RandomTaskCodesTask(createLookupTask(s.base), s.codeSeed);
  },
});

/** A chance baseline: its closed form and an empirical estimate from seeded random answers. */
export interface ChanceBaseline {
  name: 'random-output' | 'random-wellformed-output';
  definition: string;
  /** Mean over the split's examples of the closed-form exact-match probability. */
  closedForm: number;
  empirical: number;
  draws: number;
  hits: number;
  /** The 99.9% binomial interval (normal approximation, ±1 hit) around the closed form, as accuracies. */
  interval: [number, number];
  /** The empirical estimate lies inside `interval`. */
  consistent: boolean;
}

export interface ChanceBaselineOptions {
  split?: string;
  draws?: number;
  seed?: number;
}

/**
 * random-output and random-wellformed-output on `split` (default heldout_compositions) of `task`: the closed forms
 * and an empirical check with `draws` (default 200,000) seeded random answers. Pure JS, no tfjs.
 */
export function chanceBaselines(task: LookupTask, options: ChanceBaselineOptions = {}): { randomOutput: ChanceBaseline; randomWellformed: ChanceBaseline } {
  const split = options.split ?? ZERO_SHOT_SPLIT;
  const draws = options.draws ?? 200_000;
  const examples = task.split(split).examples;
  if (examples.length === 0) throw new ComplensError(`chance baselines: split ${split} is empty`);
  const V = task.vocab.length;
  const { bits, encoding } = task.spec;
  const eos = lookupTokenIds(task.spec.tables.length).eos;
  const mean = (f: (ex: EncodedExample) => number) => examples.reduce((s, ex) => s + f(ex), 0) / examples.length;
  const outputClosed = mean((ex) => randomOutputAccuracy(V, ex.target.length));
  const wellformedClosed = mean((ex) => randomWellformedAccuracy(bits, encoding, ex.exampleLabels.length));

  const rng = new Rng(options.seed ?? 0);
  let outputHits = 0;
  let wellformedHits = 0;
  for (let d = 0; d < draws; d++) {
    const target = examples[d % examples.length].target;
    let ok = true;
    for (let j = 0; j < target.length && ok; j++) ok = rng.int(V) === target[j];
    if (ok) outputHits++;
    // Well-formed: a random bit at every answer position but the last, which is <eos>.
    ok = true;
    for (let j = 0; j < target.length - 1 && ok; j++) ok = rng.int(2) === target[j];
    if (ok && target[target.length - 1] === eos) wellformedHits++;
  }
  const make = (name: ChanceBaseline['name'], definition: string, p: number, hits: number): ChanceBaseline => {
    const half = 3.29 * Math.sqrt(draws * p * (1 - p)) + 1;
    const interval: [number, number] = [Math.max(0, (draws * p - half) / draws), Math.min(1, (draws * p + half) / draws)];
    const empirical = hits / draws;
    return { name, definition, closedForm: p, empirical, draws, hits, interval, consistent: empirical >= interval[0] && empirical <= interval[1] };
  };
  return {
    randomOutput: make(
      'random-output',
      `every answer token uniform over the ${V}-token vocabulary: ${V}^-L for an answer of L tokens (EOS included)`,
      outputClosed,
      outputHits,
    ),
    randomWellformed: make(
      'random-wellformed-output',
      encoding === 'final'
        ? `a uniformly random ${bits}-bit answer then <eos>: 2^-${bits}`
        : `uniformly random bits for the copied input, every intermediate and the final value, then <eos>`,
      wellformedClosed,
      wellformedHits,
    ),
  };
}
