import {
  ablDiff,
  createSubroutineTask,
  decodeScene,
  decodeSlots,
  isContact,
  isInside,
  itemRows,
  oddOneOutAccuracy,
  partitionsFor,
  subDiff,
  SUBROUTINE_SPLITS,
  SubroutineSplit,
  SubroutineSplitName,
  SubroutineTask,
} from '../../../lib/tasks/subroutines';
import { ComplensError } from '../../../lib/util/errors';

const sizes = { train: 600, val: 50, test: 400, partition: 300 };
const tasks = {
  vision: createSubroutineTask({ variant: 'vision', seed: 3, sizes }),
  language: createSubroutineTask({ variant: 'language', seed: 3, sizes }),
};

/** A and B recomputed from the features alone, independently of the recorded flags. */
function rulesFromFeatures(task: SubroutineTask, f: Float32Array): [boolean, boolean] {
  if (task.spec.variant === 'vision') {
    const s = decodeScene(f, task.spec.grid, task.spec.positionCode, task.spec.noiseBits);
    return [isInside(s), isContact(s)];
  }
  const words = decodeSlots(f);
  return [!words[1].endsWith('s'), words[words.length - 1].endsWith('s')];
}

type Rule = (a: boolean, b: boolean) => boolean;
const RULES: Record<string, { positive: Rule; odd: Rule }> = {
  base: { positive: (a, b) => a && b, odd: (a, b) => !(a && b) },
  subA: { positive: (a) => a, odd: (a) => !a },
  subB: { positive: (_a, b) => b, odd: (_a, b) => !b },
  only_A: { positive: (a, b) => a && b, odd: (a, b) => !a && b },
  only_B: { positive: (a, b) => a && b, odd: (a, b) => a && !b },
  both: { positive: (a, b) => a && b, odd: (a, b) => !a && !b },
};

function oddFlags(split: SubroutineSplit): [boolean, boolean][] {
  return Array.from(split.labels, (odd, p) => {
    const r = p * 4 + odd;
    return [split.flags[2 * r] === 1, split.flags[2 * r + 1] === 1];
  });
}

describe.each(['vision', 'language'] as const)('%s variant', (variant) => {
  const task = tasks[variant];

  test.each(SUBROUTINE_SPLITS.map((s) => [s]))('%s: sizes, labels, and every item obeys the split’s rule (checked from the features)', (name) => {
    const split = task.split(name as SubroutineSplitName);
    const kind = split.kind;
    const expectedSize = name.endsWith('train') ? 600 : name.startsWith('base') || name.startsWith('sub') ? (name.endsWith('val') ? 50 : 400) : 300;
    expect(split.problems).toBe(expectedSize);
    expect(split.batch.inputSize).toBe(task.inputSize);
    expect(split.batch.inputs.length).toBe(expectedSize * task.inputSize);
    const w = task.itemSize;
    for (let p = 0; p < split.problems; p++) {
      expect(split.labels[p]).toBeGreaterThanOrEqual(0);
      expect(split.labels[p]).toBeLessThan(4);
      for (let i = 0; i < 4; i++) {
        const r = p * 4 + i;
        const [a, b] = rulesFromFeatures(task, split.batch.inputs.subarray(r * w, (r + 1) * w));
        expect([a, b]).toEqual([split.flags[2 * r] === 1, split.flags[2 * r + 1] === 1]);
        const rule = i === split.labels[p] ? RULES[kind].odd : RULES[kind].positive;
        expect(rule(a, b)).toBe(true);
      }
    }
  });

  test('the odd one sits at each position about equally often', () => {
    const counts = [0, 0, 0, 0];
    for (const l of task.split('base_train').labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(600 / 4 - 60);
  });

  test('base task: the odd one breaks A only, B only, or (vision only) both, in the paper’s proportions', () => {
    const odd = oddFlags(task.split('base_train'));
    const count = (a: boolean, b: boolean) => odd.filter(([x, y]) => x === a && y === b).length;
    if (variant === 'vision') {
      for (const [a, b] of [[false, true], [true, false], [false, false]] as const) expect(Math.abs(count(a, b) - 200)).toBeLessThan(50);
    } else {
      expect(count(false, false)).toBe(0);
      expect(Math.abs(count(false, true) - 300)).toBeLessThan(50);
    }
  });

  test('subroutine tasks: the other subroutine is a coin flip, for positives and the odd one alike', () => {
    const split = task.split('subA_train');
    const odd = oddFlags(split);
    const oddB = odd.filter(([, b]) => b).length / odd.length;
    expect(Math.abs(oddB - 0.5)).toBeLessThan(0.08);
    let positivesB = 0;
    split.labels.forEach((odd, p) => {
      for (let i = 0; i < 4; i++) if (i !== odd) positivesB += split.flags[2 * (p * 4 + i) + 1];
    });
    expect(Math.abs(positivesB / (3 * 600) - 0.5)).toBeLessThan(0.05);
    const subB = oddFlags(task.split('subB_train'));
    expect(Math.abs(subB.filter(([a]) => a).length / 600 - 0.5)).toBeLessThan(0.08);
  });

  test('deterministic from the seed; splits are independent streams; different seeds differ', () => {
    const again = createSubroutineTask({ variant, seed: 3, sizes: { ...sizes, train: 10 } });
    expect(Array.from(again.split('base_test').batch.inputs)).toEqual(Array.from(task.split('base_test').batch.inputs));
    expect(Array.from(again.split('base_train').labels)).toEqual(Array.from(task.split('base_train').labels.slice(0, 10)));
    const other = createSubroutineTask({ variant, seed: 4, sizes });
    expect(Array.from(other.split('base_test').labels)).not.toEqual(Array.from(task.split('base_test').labels));
    expect(task.split('only_A')).toBe(task.split('only_A')); // cached
  });

  test('itemRows: one row per item with its flags', () => {
    const split = task.split('only_B');
    const rows = itemRows(split);
    expect(rows.batch.batchSize).toBe(1200);
    expect(rows.batch.inputSize).toBe(task.itemSize);
    split.labels.forEach((odd, p) => {
      expect(rows.b[p * 4 + odd]).toBe(0);
      expect(rows.a[p * 4 + odd]).toBe(1);
    });
  });

  test('describeProblem marks the odd one', () => {
    const lines = task.describeProblem(task.split('both'), 0);
    expect(lines.length).toBe(4);
    expect(lines.filter((l) => l.startsWith('*')).length).toBe(1);
  });
});

test('unknown split names are refused with the list', () => {
  expect(() => tasks.vision.split('train' as SubroutineSplitName)).toThrow(ComplensError);
  expect(() => tasks.vision.split('train' as SubroutineSplitName)).toThrow(/base_train/);
});

describe('metrics', () => {
  test('accuracy is argmax against the label', () => {
    const logits = Float32Array.from([0, 1, 0, 0, /**/ 5, 0, 0, 0, /**/ 0, 0, 0, 3]);
    expect(oddOneOutAccuracy(logits, Int32Array.from([1, 0, 2]))).toBeCloseTo(2 / 3);
    expect(() => oddOneOutAccuracy(logits, Int32Array.from([1, 0]))).toThrow(/12 logits for 2 rows/);
  });

  test('subDiff / ablDiff floor both accuracies at chance (0.25)', () => {
    expect(subDiff(0.95, 0.23)).toBeCloseTo(0.7);
    expect(subDiff(0.1, 0.2)).toBe(0);
    expect(ablDiff(0.5, 0.8)).toBeCloseTo(-0.3);
    expect(ablDiff(0.2, 1)).toBeCloseTo(-0.75);
    expect(subDiff(1, 0)).toBeCloseTo(0.75);
  });

  test('D.8 partitions: a mask for A is scored on only_A (target) against only_B (other)', () => {
    expect(partitionsFor('A')).toEqual({ target: 'only_A', other: 'only_B' });
    expect(partitionsFor('B', 'val')).toEqual({ target: 'only_B_val', other: 'only_A_val' });
    for (const s of ['A', 'B'] as const) for (const set of ['test', 'val'] as const) {
      const { target, other } = partitionsFor(s, set);
      expect(SUBROUTINE_SPLITS).toContain(target);
      expect(SUBROUTINE_SPLITS).toContain(other);
    }
  });
});
