/**
 * A subroutine-composition task: the item family of its variant and fifteen named splits, each generated lazily
 * from its own seed stream so that adding or resizing one split never changes another.
 */
import { Rng } from '../../util/random';
import { VectorTask } from '../types';
import { ComplensError } from '../../util/errors';
import { ItemFamily } from './items';
import { languageFamily } from './language';
import { ITEMS_PER_PROBLEM, makeProblems, ProblemKind, ProblemSet } from './problems';
import { SubroutineSpec, validateSubroutineSpec } from './spec';
import { visionFamily } from './vision';

export const SUBROUTINE_SPLITS = [
  'base_train', 'base_val', 'base_test',
  'subA_train', 'subA_val', 'subA_test',
  'subB_train', 'subB_val', 'subB_test',
  'only_A', 'only_B', 'both',
  'only_A_val', 'only_B_val', 'both_val',
] as const;
export type SubroutineSplitName = (typeof SUBROUTINE_SPLITS)[number];

export interface SubroutineSplit extends ProblemSet {
  name: SubroutineSplitName;
}

function kindOf(name: SubroutineSplitName): { kind: ProblemKind; size: keyof SubroutineSpec['sizes'] } {
  const [head, tail] = name.startsWith('only_') ? [name.slice(0, 6), name.slice(7)] : name.split('_');
  if (head === 'base' || head === 'subA' || head === 'subB') return { kind: head, size: tail as 'train' | 'val' | 'test' };
  return { kind: head as ProblemKind, size: 'partition' };
}

export class SubroutineTask implements VectorTask<SubroutineSpec> {
  readonly kind = 'subroutines';
  readonly modelKind = 'vector';
  /** One logit per item of a problem (which one is the odd one out). */
  readonly outputSize = ITEMS_PER_PROBLEM;
  readonly spec: SubroutineSpec;
  readonly family: ItemFamily;
  private readonly cache = new Map<SubroutineSplitName, SubroutineSplit>();

  constructor(spec: SubroutineSpec) {
    this.spec = validateSubroutineSpec(spec);
    this.family = this.spec.variant === 'vision' ? visionFamily(this.spec) : languageFamily(this.spec);
  }

  get itemSize(): number {
    return this.family.itemSize;
  }

  /** Width of a model input row: the four items side by side. */
  get inputSize(): number {
    return ITEMS_PER_PROBLEM * this.family.itemSize;
  }

  splitNames(): readonly SubroutineSplitName[] {
    return SUBROUTINE_SPLITS;
  }

  split(name: string): SubroutineSplit {
    if (!(SUBROUTINE_SPLITS as readonly string[]).includes(name)) {
      throw new ComplensError(`unknown split ${JSON.stringify(name)}; the splits are ${SUBROUTINE_SPLITS.join(', ')}`);
    }
    let split = this.cache.get(name as SubroutineSplitName);
    if (!split) {
      const { kind, size } = kindOf(name as SubroutineSplitName);
      const rng = Rng.derive(this.spec.seed, `split:${name}`);
      split = { name: name as SubroutineSplitName, ...makeProblems(this.family, kind, this.spec.variant, this.spec.sizes[size], rng) };
      this.cache.set(name as SubroutineSplitName, split);
    }
    return split;
  }

  /** The four items of problem `index` as text, the odd one marked with '*'. */
  describeProblem(split: SubroutineSplit, index: number): string[] {
    return Array.from({ length: ITEMS_PER_PROBLEM }, (_, i) => {
      const r = index * ITEMS_PER_PROBLEM + i;
      const w = split.itemSize;
      const item = { features: split.batch.inputs.subarray(r * w, (r + 1) * w), a: split.flags[2 * r] === 1, b: split.flags[2 * r + 1] === 1, attributes: split.attributes[r] };
      return `${i === split.labels[index] ? '*' : ' '} ${this.family.describe(item)}`;
    });
  }
}

export function createSubroutineTask(spec: Partial<SubroutineSpec> & Pick<SubroutineSpec, 'variant' | 'seed'>): SubroutineTask {
  return new SubroutineTask(validateSubroutineSpec({ kind: 'subroutines', ...spec }));
}
