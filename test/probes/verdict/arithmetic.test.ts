/**
 * The addition verdict on the arith-add-nano fixture (trained with the paper's recipe: its OOD answers follow the
 * equivalence) against an untrained copy of the same architecture, and the dispatch by workload.
 */
import * as path from 'path';
import { initBackend } from '../../../lib/backend';
import { loadModelCheckpoint, LoadedModel } from '../../../lib/io/model-checkpoint';
import { createModel } from '../../../lib/models/registry';
import { SequenceModel } from '../../../lib/models/types';
import { ArithmeticTask } from '../../../lib/tasks/arithmetic';
import { UsageError } from '../../../lib/util/errors';
import { arithmeticVerdict, judge } from '../../../probes/verdict';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'fixtures');
const fast = { probeExamples: 300, oodLimit: 300 };
let loaded: LoadedModel;
let model: SequenceModel;
let task: ArithmeticTask;

beforeAll(async () => {
  await initBackend();
  loaded = loadModelCheckpoint(path.join(FIXTURES, 'arith-add-nano'));
  model = loaded.model as SequenceModel;
  task = loaded.task as ArithmeticTask;
});
afterAll(() => loaded.model.dispose());

test('the trained adder is compositional: equivalence explains its OOD answers, carries decode above an untrained copy', () => {
  const v = arithmeticVerdict(model, task, fast);
  const e = Object.fromEntries(v.evidence.map((x) => [x.id, x]));
  console.log(`arith-add-nano verdict ${v.label} ${v.score.toFixed(3)}: ${v.evidence.map((x) => `${x.id}=${x.value.toFixed(3)}`).join(' ')}`);
  expect(v.label).toBe('compositional');
  expect(v.score).toBeGreaterThan(0.9);
  expect(e['equivalence.explained'].value).toBeGreaterThan(0.95);
  expect(e['probe.carryAccuracy'].value).toBeGreaterThan(e['probe.carryAccuracy'].baseline!);
  // (a + b) mod 10 is not linear in the digits: an untrained copy reads it near chance, the trained model exactly.
  expect(e['probe.sumMod10Accuracy'].baseline!).toBeLessThan(0.3);
  expect(e['probe.sumMod10Accuracy'].value).toBeGreaterThan(0.95);
  // The representation check is reported, not scored: an untrained transformer's ratio is small too.
  expect(e['equivalence.distanceRatio'].internal).toBe(false);
  expect(e['equivalence.distanceRatio'].value).toBeLessThan(e['equivalence.distanceRatio'].baseline!);
  // Behaviour is reported beside the score and never enters it.
  expect(e['behaviour.testExact'].internal).toBe(false);
  expect(e['behaviour.testExact'].value).toBeGreaterThan(0.99);
  expect(v.workload).toBe('arithmetic');
});

test('an untrained model of the same architecture is judged memorizing', () => {
  const untrained = createModel(model.config, 7) as SequenceModel;
  try {
    const v = arithmeticVerdict(untrained, task, fast);
    console.log(`untrained gpt-nano verdict ${v.label} ${v.score.toFixed(3)}`);
    expect(v.label).toBe('memorizing');
    expect(v.score).toBeLessThan(0.3);
  } finally {
    untrained.dispose();
  }
});

test('judge picks the verdict by workload and names the workloads that have one otherwise', () => {
  expect(() => arithmeticVerdict(model, task, { ...fast, oodSplit: 'nope' })).toThrow(/no split nope/);
  expect(judge(model, task, 'fixtures/arith-add-nano').workload).toBe('arithmetic');
  const vector = loadModelCheckpoint(path.join(FIXTURES, 'subroutines-vision-mlp'));
  try {
    expect(() => judge(vector.model, vector.task, 'fixtures/subroutines-vision-mlp')).toThrow(UsageError);
    expect(() => judge(vector.model, vector.task, 'fixtures/subroutines-vision-mlp')).toThrow(/no verdict for a vector model on task subroutines .*verdicts exist for lookup/);
  } finally {
    vector.model.dispose();
  }
  const mul = new ArithmeticTask({ op: 'mul', sizes: { train: 10, test: 10, ood_4digit: 10, ood_5digit: 10, ood_mixed: 10, ood_length: 10 } });
  expect(() => arithmeticVerdict(model, mul)).toThrow(/implemented for addition/);
});
