import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { CacheResult } from '../../../lib/hooks';
import { SequenceBatch, SequenceModel } from '../../../lib/models/types';
import { arithmeticExample, createArithmeticTask, decodeAnswer, paddedDigits } from '../../../lib/tasks/arithmetic';
import { createLookupTask, lookupSpecFromSeed, lookupTokenIds } from '../../../lib/tasks/lookup';
import { EncodedExample, SequenceTask, TaskSplit } from '../../../lib/tasks/types';
import { Rng } from '../../../lib/util/random';
import { analyzeEquivalence, arithmeticRelations, equivalenceChartSpec, equivalenceTable, parseLookupPrompt, predictionOf } from '../../../probes/equivalence';

beforeAll(() => initBackend());

/**
 * A hand-written SequenceModel: `answer(prompt, targetLength)` gives the greedy answer, `state(prompt)` the hidden
 * state (the same at every input position) cached at 'hook_state'.
 */
class FakeModel implements SequenceModel<Record<string, never>, string> {
  readonly kind = 'sequence' as const;
  readonly config = {};
  readonly params = {};
  readonly paramSpecs = [];
  readonly hookPoints = ['hook_state', 'hook_logits'];
  readonly stepwiseHooks = new Set<string>();
  readonly stateHook = 'hook_state';
  calls = 0;

  constructor(
    readonly vocabSize: number,
    private readonly answer: (prompt: number[], targetLength: number) => number[],
    private readonly state: (prompt: number[]) => number[] = () => [0],
  ) {}

  private prompts(batch: SequenceBatch): number[][] {
    return Array.from({ length: batch.batchSize }, (_, b) => Array.from(batch.tokens.subarray(b * batch.length, b * batch.length + batch.promptLength)));
  }

  forward(batch: SequenceBatch): tf.Tensor3D {
    return tf.zeros([batch.batchSize, batch.length - batch.promptLength, this.vocabSize]);
  }

  runWithCache(batch: SequenceBatch, options: { names: readonly string[] }): CacheResult<string> {
    const T = batch.length - 1;
    const states = this.prompts(batch).map((p) => this.state(p));
    const d = states[0].length;
    const data = new Float32Array(batch.batchSize * T * d);
    states.forEach((s, b) => {
      for (let t = 0; t < T; t++) data.set(s, (b * T + t) * d);
    });
    const output = this.forward(batch);
    const cache: Record<string, tf.Tensor> = {};
    if (options.names.includes('hook_state')) cache.hook_state = tf.tensor3d(data, [batch.batchSize, T, d]);
    if (options.names.includes('hook_logits')) cache.hook_logits = output.clone();
    return { output, cache };
  }

  runWithHooks(batch: SequenceBatch): tf.Tensor3D {
    return this.forward(batch);
  }

  generate(batch: SequenceBatch): Int32Array {
    this.calls++;
    const Tt = batch.length - batch.promptLength;
    const out = new Int32Array(batch.batchSize * Tt);
    this.prompts(batch).forEach((p, b) => out.set(this.answer(p, Tt), b * Tt));
    return out;
  }

  dispose(): void {}
}

/** Operands of an arithmetic prompt a(w) b(w). */
function operands(prompt: number[]): { a: number; b: number } {
  const w = prompt.length / 2;
  const num = (ds: number[]) => ds.reduce((v, d) => v * 10 + d, 0);
  return { a: num(prompt.slice(0, w)), b: num(prompt.slice(w)) };
}
const answerTokens = (value: number, width: number) => paddedDigits(value, width).reverse();
/** Xu et al.'s adder on OOD inputs: (a mod 1000) + (b mod 1000). */
const modAdder = (prompt: number[], Tt: number) => {
  const { a, b } = operands(prompt);
  return answerTokens((a % 1000) + (b % 1000), Tt);
};

const arithmetic = () => createArithmeticTask({ op: 'add', padWidth: 4, sizes: { train: 300, test: 50, ood_4digit: 200, ood_5digit: 0, ood_mixed: 60, ood_length: 0 } });

test('a model answering (a mod 1000) + (b mod 1000): that relation explains 100%, exact accuracy 0, states sit at the representative', () => {
  const task = arithmetic();
  // Hidden state: the ID representative's operands, plus a small trace of the thousands digits.
  const model = new FakeModel(10, modAdder, (p) => {
    const { a, b } = operands(p);
    return [(a % 1000) / 100, (b % 1000) / 100, Math.floor(a / 1000) * 0.01, Math.floor(b / 1000) * 0.01];
  });
  const before = tf.memory().numTensors;
  const r = analyzeEquivalence(model, task, 'ood_4digit');
  expect(tf.memory().numTensors).toBe(before);
  expect(r.count).toBe(200);
  expect(r.exactAccuracy).toBe(0);
  expect(r.best?.name).toBe('operands mod 10^3');
  expect(r.best?.fraction).toBe(1);
  expect(r.relations[0].rank).toBe(1);
  const truth = r.relations.find((s) => s.isTruth)!;
  expect(truth.explained).toBe(0);
  // (a + b) mod 1000 agrees exactly when the low parts do not carry into the thousands.
  const noCarry = task.split('ood_4digit').examples.filter((e) => (e.exampleLabels.a % 1000) + (e.exampleLabels.b % 1000) < 1000).length;
  expect(r.relations.find((s) => s.name === 'answer mod 10^3')!.explained).toBe(noCarry);
  expect(r.unexplained.count).toBe(0);
  expect(r.search).toBeUndefined();
  expect(model.calls).toBeGreaterThan(0);
  // B.7: distance to the representative ≪ distance to a random ID input.
  expect(r.representation?.relation).toBe('operands mod 10^3');
  expect(r.representation?.count).toBe(200);
  expect(r.representation!.ratio).toBeLessThan(0.05);
  expect(r.representation!.meanToRandom).toBeGreaterThan(1);
  // The chance level of the winning relation is small (outputs are spread over ~2000 sums).
  expect(r.best!.baseline).toBeLessThan(0.05);
});

test('ood_mixed (only a has a thousands digit): "a mod 10^3" ties the full reduction and the family scores both', () => {
  const task = arithmetic();
  const r = analyzeEquivalence(new FakeModel(10, modAdder), task, 'ood_mixed', { representation: false });
  const score = (name: string) => r.relations.find((s) => s.name === name)!;
  expect(score('operands mod 10^3').fraction).toBe(1);
  expect(score('a mod 10^3').fraction).toBe(1);
  expect(score('b mod 10^3').explained).toBe(0);
  expect(r.families.find((f) => f.family === 'operand reduction')!.fraction).toBe(1);
});

test('random answers: unexplained counts exactly the outputs no relation predicts', () => {
  const task = arithmetic();
  // Every third input (by operand sum) gets the equivalence answer, the others random digits.
  const model = new FakeModel(10, (p, Tt) => {
    const { a, b } = operands(p);
    if ((a + b) % 3 === 0) return modAdder(p, Tt);
    const rng = Rng.derive(7, p.join(''));
    return Array.from({ length: Tt }, () => rng.int(10));
  });
  const r = analyzeEquivalence(model, task, 'ood_4digit', { representation: false, search: false });
  const examples = task.split('ood_4digit').examples;
  const relations = arithmeticRelations({ op: 'add' });
  let expected = 0;
  let equivalent = 0;
  for (const ex of examples) {
    const { a, b } = ex.exampleLabels;
    const value = decodeAnswer(model.generate({ tokens: Int32Array.from([...ex.prompt, ...ex.target]), batchSize: 1, length: ex.prompt.length + ex.target.length, promptLength: ex.prompt.length }), 'add', 4);
    if ((a + b) % 3 === 0) equivalent++;
    if (!relations.some((rel) => predictionOf(rel, ex) === value)) expected++;
  }
  expect(equivalent).toBeGreaterThan(30);
  expect(r.unexplained.count).toBe(expected);
  expect(r.unexplained.count).toBeGreaterThan(100);
  expect(r.unexplained.indices).toHaveLength(expected);
  expect(r.relations.find((s) => s.name === 'operands mod 10^3')!.explained).toBeGreaterThanOrEqual(equivalent);
  expect(r.exactAccuracy).toBe(0);
});

test('lookup: a model that applies only the last table is explained by "last table only"', () => {
  const task = createLookupTask(lookupSpecFromSeed({ seed: 11, numTables: 6, bits: 3, atomicOnlyTables: 1, heldOutCompositions: 4 }));
  const { tables, bits } = task.spec;
  const eos = lookupTokenIds(tables.length).eos;
  const lastOnly = (p: number[]) => {
    const row = parseLookupPrompt(p, bits, tables.length)!;
    return tables[row.tables[row.tables.length - 1]][row.input];
  };
  const bitsOf = (v: number) => Array.from({ length: bits }, (_, i) => (v >> (bits - 1 - i)) & 1);
  const model = new FakeModel(
    task.vocab.length,
    (p) => [...bitsOf(lastOnly(p)), eos],
    (p) => Array.from({ length: 2 ** bits }, (_, v) => (v === lastOnly(p) ? 1 : 0)),
  );
  const r = analyzeEquivalence(model, task, 'heldout_compositions');
  expect(r.best?.name).toBe('last table only');
  expect(r.best?.fraction).toBe(1);
  expect(r.unexplained.count).toBe(0);
  expect(r.representation?.relation).toBe('last table only');
  expect(r.representation?.meanToRepresentative).toBe(0);
  expect(r.notApplicable.length).toBeGreaterThan(0);
  expect(r.notApplicable).not.toContain('last table only');
  const table = equivalenceTable(r);
  expect(table.get('relation', 0)).toBe('last table only');
  expect(table.numRows()).toBe(r.relations.length - r.notApplicable.length);
  const spec = equivalenceChartSpec(r) as { data: { values: { relation: string; fraction: number }[] } };
  expect(spec.data.values[0]).toMatchObject({ relation: 'last table only', fraction: 1 });
  expect(spec.data.values[spec.data.values.length - 1]).toMatchObject({ relation: '(unexplained)', fraction: 0 });
});

/** An arithmetic-like task whose OOD inputs are ID pairs with thousands digits added, so every representative is in the ID split. */
function liftedTask(): SequenceTask {
  const train: EncodedExample[] = [];
  for (let a = 0; a < 30; a++) for (let b = 0; b < 30; b++) train.push(arithmeticExample(a, b, 'add', 4));
  const rng = new Rng(5);
  const ood = Array.from({ length: 120 }, () => arithmeticExample(rng.int(30) + 1000 * (1 + rng.int(9)), rng.int(30) + 1000 * (1 + rng.int(9)), 'add', 4));
  const splits: Record<string, TaskSplit> = { train: { name: 'train', examples: train }, ood: { name: 'ood', examples: ood } };
  return {
    kind: 'lifted-addition',
    modelKind: 'sequence',
    spec: {},
    vocab: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    stateCount: 0,
    splitNames: () => ['train', 'ood'],
    split: (name) => splits[name],
    labelNames: () => ({}),
    decode: (t) => t.join(''),
  };
}

test('automatic search: with only the truth as candidate, it recovers "thousands digits → 0" from the model\'s ID outputs', () => {
  const task = liftedTask();
  const truthOnly = arithmeticRelations({ op: 'add' }).filter((rel) => rel.isTruth);
  const r = analyzeEquivalence(new FakeModel(10, modAdder), task, 'ood', { relations: truthOnly, representation: false });
  expect(r.unexplained.count).toBe(120);
  const best = r.search!.best!;
  expect(best.promptLength).toBe(8);
  expect(best.support).toBe(120);
  expect(best.fraction).toBe(1);
  expect(best.rules.filter((rule) => rule.kind !== 'keep').map((rule) => [rule.position, rule.kind, rule.value])).toEqual([
    [0, 'constant', 0],
    [4, 'constant', 0],
  ]);
  expect(best.description).toMatch(/^pos 0: .*→0; pos 4: .*→0; the rest kept$/);
});

test('errors: unknown splits and tasks without built-in relations are ComplensErrors that say what to pass', () => {
  const model = new FakeModel(10, modAdder);
  expect(() => analyzeEquivalence(model, arithmetic(), 'ood_9digit')).toThrow(/no split "ood_9digit"; its splits are train, test, ood_4digit, ood_mixed/);
  expect(() => analyzeEquivalence(model, liftedTask(), 'ood')).toThrow(/pass options.relations/);
});
