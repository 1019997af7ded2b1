/**
 * Issue 14 for the other task families: specs whose fields are each in range but that are nonsensical together, or
 * that carry a misspelt field, are refused naming the field, before any data is built.
 */
import { createTask, validateTaskSpec } from '../../lib/tasks/registry';
import { validateTaskSection } from '../../lib/tasks/config';

test('arithmetic: a misspelt field no longer falls back to its default', () => {
  expect(() => validateTaskSpec({ kind: 'arithmetic', opp: 'mul' })).toThrow(/^task\.opp: expected no such field \(known: kind, op, padWidth, idDigits, sizes, seed\), got "mul"$/);
  expect(validateTaskSpec({ kind: 'arithmetic', op: 'mul' })).toMatchObject({ op: 'mul' });
});

test('hyperteacher: teacher weights and per-task rows are bounded as products, not only per field', () => {
  const base = { kind: 'hyperteacher', seed: 1 };
  expect(() => validateTaskSpec({ ...base, modules: 32, maxActive: 2, hiddenSize: 4096, inputSize: 4096, outputSize: 4096 }))
    .toThrow(/^task\.hiddenSize: expected a size with modules × hiddenSize × \(inputSize \+ outputSize\) <= 16777216 teacher weights \(this gives 1073741824\)/);
  expect(() => validateTaskSpec({ ...base, samplesPerTask: 100000, inputSize: 4096 }))
    .toThrow(/^task\.samplesPerTask: expected a count with max\(samplesPerTask, shots\) × \(inputSize \+ outputSize\) <= 16777216/);
  expect(validateTaskSpec(base)).toMatchObject({ kind: 'hyperteacher' });
});

test('subroutines: the split sizes are bounded by their sum', () => {
  const sizes = { train: 900_000, val: 100_000, test: 100_000, partition: 1000 };
  expect(() => validateTaskSpec({ kind: 'subroutines', variant: 'vision', seed: 0, sizes }))
    .toThrow(/^task\.sizes: expected sizes summing to at most 1000000 problems \(these sum to 1101000\)/);
});

test('the task section of a job: shapes and the lookup shorthand checked, full specs by their family', () => {
  expect(() => validateTaskSection([1])).toThrow(/^task: expected an object, got \[1\]$/);
  expect(() => validateTaskSection('arithmetic')).toThrow(/^task: expected an object, got "arithmetic"$/);
  expect(() => validateTaskSection({ kind: 'lokup' })).toThrow(/^task\.kind: expected one of "lookup", "arithmetic"/);
  expect(() => validateTaskSection({ sample: 'sample1', splitSeed: 3 })).toThrow(/^task\.splitSeed: expected either sample or splitSeed, not both/);
  expect(() => validateTaskSection({ kind: 'lookup', sample: 'sample1', regime: 'composed' })).toThrow(/^task\.regime: expected one of/);
  expect(() => validateTaskSection({ kind: 'lookup', bits: 3, tables: [[0]], split: { kind: 'explicit', rows: {} } })).toThrow(/^task\.tables\[0\]: expected an array of 8 outputs/);
  expect(() => validateTaskSection({ kind: 'lookup', sample: 'sample1', encoding: 'final' })).not.toThrow();
  expect(() => createTask({ kind: 'arithmetic', sizes: { train: 10, test: 10, ood_4digit: 1, ood_5digit: 1, ood_mixed: 1, ood_length: 1 } })).not.toThrow();
});
