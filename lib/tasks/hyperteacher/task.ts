/**
 * The hyperteacher task family (Redhardt et al. 2025): a teacher built from M modules, a split of the module
 * combinations into trained and held-out supports, and on-the-fly sampling of tasks. The student reads rows
 * concat(code(z), x) and regresses y; every row keeps its task index and latent so probes can label it.
 */
import { VectorBatch } from '../../models/types';
import { VectorSplit, VectorTask } from '../types';
import { ComplensError } from '../../util/errors';
import { Rng } from '../../util/random';
import { enumerateCombinations } from './combinations';
import { LatentEncoder, makeEncoder } from './encoding';
import { sampleLatent } from './latents';
import { HyperteacherSpec, validateHyperteacherSpec } from './spec';
import { CombinationSplit, splitCombinations } from './support';
import { initTeacher, sampleInputs, teacherForward, TeacherWeights } from './teacher';

export type HtSplit = 'train' | 'test' | 'ood';
export const HT_SPLITS: readonly HtSplit[] = ['train', 'test', 'ood'];
/** Tasks in the fixed evaluation set of each split (C.5: 1024 test and 1024 OOD tasks). */
export const HT_SPLIT_TASKS = 1024;

/** A batch of tasks flattened to rows: task t owns rows t·S .. t·S + S − 1 (S = samplesPerTask). */
export interface HyperteacherBatch {
  split: HtSplit;
  tasks: number;
  samplesPerTask: number;
  /** Rows concat(code, x), [tasks·S, codeSize + I]. */
  batch: VectorBatch;
  /** Teacher outputs y, [tasks·S, O]. */
  targets: Float32Array;
  /** Task index of every row, [tasks·S]. */
  taskIndex: Int32Array;
  /** Raw latents z (weighted k-hot, before the 1/√K scaling), [tasks, M]. */
  z: Float32Array;
  /** Support bitmask of each task, [tasks]. */
  supports: Uint32Array;
  /** The encoded latents as the student reads them, [tasks, codeSize]. */
  codes: Float32Array;
}

export class Hyperteacher implements VectorTask<HyperteacherSpec> {
  readonly kind = 'hyperteacher';
  readonly modelKind = 'vector';
  readonly spec: HyperteacherSpec;
  readonly teacher: TeacherWeights;
  readonly encoder: LatentEncoder;
  /** All supports with 1..K modules (bitmasks), the trained ones and the held-out ones. */
  readonly combinations: { all: Uint32Array } & CombinationSplit;

  constructor(spec: HyperteacherSpec) {
    this.spec = validateHyperteacherSpec(spec);
    const { modules, maxActive, fracOod, support, seed } = this.spec;
    this.teacher = initTeacher(this.spec, seed);
    const all = enumerateCombinations(modules, maxActive);
    this.combinations = { all, ...splitCombinations(all, { support, modules, maxActive, fracOod }, Rng.derive(seed, 'split')) };
    this.encoder = makeEncoder(this.spec.encoding, this.teacher, { maxActive, shots: this.spec.shots, seed });
  }

  get codeSize(): number {
    return this.encoder.codeSize;
  }

  /** Width of the student's input rows: code + x. */
  get inputSize(): number {
    return this.encoder.codeSize + this.spec.inputSize;
  }

  get outputSize(): number {
    return this.spec.outputSize;
  }

  splitNames(): readonly HtSplit[] {
    return HT_SPLITS;
  }

  /**
   * A split as a fixed set of tasks: the evaluation set of C.5 (1024 tasks, `evaluationTasks(name, 1024, 'eval')`).
   * Training draws fresh tasks instead (`trainStream`).
   */
  split(name: string): HyperteacherBatch & VectorSplit {
    if (!(HT_SPLITS as readonly string[]).includes(name)) throw new ComplensError(`unknown hyperteacher split ${JSON.stringify(name)}; the splits are ${HT_SPLITS.join(', ')}`);
    return { name, ...this.evaluationTasks(name as HtSplit, HT_SPLIT_TASKS, 'eval') };
  }

  /** The supports a split draws from: 'train' and 'test' the trained ones, 'ood' the held-out ones. */
  supportsOf(split: HtSplit): Uint32Array {
    return split === 'ood' ? this.combinations.ood : this.combinations.train;
  }

  /**
   * `count` fresh tasks of a split: a support drawn uniformly from the split's supports, fresh weights, fresh
   * inputs x ~ U[−1, 1]^I. A pure function of (task, split, count, rng state).
   */
  sampleTasks(split: HtSplit, count: number, rng: Rng): HyperteacherBatch {
    const { modules: M, inputSize: I, outputSize: O, samplesPerTask: S, maxActive, weights } = this.spec;
    const pool = this.supportsOf(split);
    const C = this.codeSize;
    const width = C + I;
    const inputs = new Float32Array(count * S * width);
    const targets = new Float32Array(count * S * O);
    const taskIndex = new Int32Array(count * S);
    const z = new Float32Array(count * M);
    const supports = new Uint32Array(count);
    const codes = new Float32Array(count * C);
    for (let t = 0; t < count; t++) {
      supports[t] = pool[rng.int(pool.length)];
      const latent = sampleLatent(supports[t], M, weights, rng);
      const x = sampleInputs(S, I, rng);
      const code = this.encoder.encode(latent, rng);
      z.set(latent, t * M);
      codes.set(code, t * C);
      targets.set(teacherForward(this.teacher, latent, x, S, maxActive), t * S * O);
      for (let s = 0; s < S; s++) {
        const row = t * S + s;
        inputs.set(code, row * width);
        inputs.set(x.subarray(s * I, (s + 1) * I), row * width + C);
        taskIndex[row] = t;
      }
    }
    return { split, tasks: count, samplesPerTask: S, batch: { inputs, batchSize: count * S, inputSize: width }, targets, taskIndex, z, supports, codes };
  }

  /** A fixed evaluation set, the same for every call with the same spec and label (C.5: 1024 test, 1024 OOD tasks). */
  evaluationTasks(split: HtSplit, count: number, label = 'eval'): HyperteacherBatch {
    return this.sampleTasks(split, count, Rng.derive(this.spec.seed, `${label}:${split}`));
  }

  /** A generator for trainers: fresh training tasks at every step, a pure function of (dataSeed, step). */
  trainStream(tasksPerStep: number, dataSeed: number): (step: number) => HyperteacherBatch {
    return (step) => this.sampleTasks('train', tasksPerStep, Rng.derive(dataSeed, `train:${step}`));
  }
}

export function createHyperteacher(spec: Partial<HyperteacherSpec> & { seed: number }): Hyperteacher {
  return new Hyperteacher(validateHyperteacherSpec({ kind: 'hyperteacher', ...spec }));
}

/** Per-row latents [rows, M] (each row gets its task's z): the targets of per-module probes. */
export function rowLatents(b: HyperteacherBatch, modules: number): Float32Array {
  const out = new Float32Array(b.taskIndex.length * modules);
  b.taskIndex.forEach((t, row) => out.set(b.z.subarray(t * modules, (t + 1) * modules), row * modules));
  return out;
}

/** The row of each task's last sample: Redhardt et al.'s probes read one row per task (C.8). */
export function lastSampleRows(b: HyperteacherBatch): Int32Array {
  return Int32Array.from({ length: b.tasks }, (_, t) => t * b.samplesPerTask + b.samplesPerTask - 1);
}
