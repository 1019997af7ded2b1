/**
 * The "Break It Down" protocol (Lepori, Serre & Pavlick 2023, D.8): for subroutine S of a model trained on the
 * compositional odd-one-out task A ∧ B,
 *   1. train a mask on S's training split only (continuous sparsification, frozen weights);
 *   2. require the subnetwork to solve S (≥ 0.9 on S's held-out split; runs that do not are reported, not dropped);
 *   3. subnetwork test: SubDiff = max(acc_sub(target), .25) − max(acc_sub(other), .25), expected > 0;
 *      ablation test:   AblDiff = max(acc_abl(target), .25) − max(acc_abl(other), .25), expected < 0;
 *      target = the partition whose odd one differs only in S, other = only in the other subroutine;
 *   4. repeat with several mask seeds, and on an untrained copy of the architecture (random-init baseline).
 */
import { architectureNames, createModel } from '../../lib/models/registry';
import { AnyModel, VectorBatch, VectorModel } from '../../lib/models/types';
import { ablDiff, partitionsFor, subDiff } from '../../lib/tasks/subroutines';
import { ComplensError, ConfigError } from '../../lib/util/errors';
import { BinaryMask, TensorSparsity } from './binary-mask';
import { MASK_TRAIN_DEFAULTS, MaskTrainConfig, validateMaskTrainConfig } from './config';
import { meanSd as meanSdOf } from '../../lib/util/stats';
import { accuracyOf, evaluateModes, ModeAccuracy, Scorer, vectorScorer } from './evaluate';
import { AblationMode } from './modes';
import { MaskTrainPoint, MaskTrainResult, trainMask, vectorMaskData, vectorMaskLoss } from './train';

/** Per-seed summaries show a single run's spread as undefined (NaN), not as 0. */
const meanSd = (values: readonly number[]) => meanSdOf(values, { single: NaN });

export type Subroutine = 'A' | 'B';
export type NetworkKind = 'trained' | 'random-init';

/** What the analysis needs from a task: named splits of labelled odd-one-out problems (lib/tasks/subroutines). */
export interface SubroutineTaskLike {
  split(name: string): { batch: VectorBatch; labels: Int32Array };
}

/** The role a split plays for a mask of subroutine S (other subroutine O). */
export type SetRole = 'own' | 'otherSubroutine' | 'target' | 'other' | 'both' | 'base';

export interface SubroutineAnalysisConfig {
  /** Mask training (defaults: MASK_TRAIN_DEFAULTS; `seed` is replaced by each entry of `seeds`). */
  mask?: Partial<MaskTrainConfig>;
  /**
   * Per-subroutine mask settings, merged over `mask`: the paper picks a mask config per base model × subroutine on
   * validation splits (D.7; `subroutineMaskSearch(...).maskBySubroutine`). The random-init baseline uses the same.
   */
  maskBySubroutine?: Partial<Record<Subroutine, Partial<MaskTrainConfig>>>;
  /** Split of S on which the subnetwork must reach `solveThreshold`: 'test' (default) or 'val' (the paper's search). */
  heldOut?: 'val' | 'test';
  /** Default 0.9 (D.7). */
  solveThreshold?: number;
  /** Modes evaluated; 'subnetwork' and 'ablation' are always included. Default: full, subnetwork, ablation, random-ablation. */
  modes?: AblationMode[];
  /** Also run the untrained-copy baseline (default true). */
  randomInit?: boolean;
  /** Initialisation seed of the untrained copy (default 1; the checkpoint loader builds trained models with 0). */
  untrainedSeed?: number;
}

export interface SubroutineAnalysisInput {
  model: VectorModel;
  task: SubroutineTaskLike;
  /** One subroutine, or 'both' (A then B). */
  subroutine: Subroutine | 'both';
  /** Mask seeds (default [0, 1, 2], as the paper's three mask seeds). */
  seeds?: number[];
  config?: SubroutineAnalysisConfig;
  /** Builds the untrained copy; default: the architecture registry (or the model's constructor) with `untrainedSeed`. */
  createUntrained?: (seed: number) => VectorModel;
  onProgress?: (label: string, step: number, totalSteps: number, detail: string) => void;
}

export interface SubroutineRun {
  network: NetworkKind;
  subroutine: Subroutine;
  seed: number;
  mask: BinaryMask;
  keptFraction: number;
  sparsity: TensorSparsity[];
  /** Every (mode × set) accuracy, with the set's role. */
  accuracy: (ModeAccuracy & { role: SetRole })[];
  /** Subnetwork accuracy on S's held-out split. */
  heldOutAccuracy: number;
  solved: boolean;
  subDiff: number;
  /** With zero ablation (the paper's main analysis). */
  ablDiff: number;
  /** With random ablation (NaN when that mode was not evaluated). */
  ablDiffRandom: number;
  steps: number;
  wallSeconds: number;
  history: MaskTrainPoint[];
}

export type Stat = { mean: number; sd: number; n: number };

export interface SubroutineSummary {
  network: NetworkKind;
  subroutine: Subroutine;
  runs: number;
  solved: number;
  subDiff: Stat;
  ablDiff: Stat;
  ablDiffRandom: Stat;
  keptFraction: Stat;
  heldOutAccuracy: Stat;
}

export interface SubroutineAnalysisResult {
  kind: 'subroutineAnalysis';
  seeds: number[];
  threshold: number;
  heldOut: 'val' | 'test';
  /** Split name of each role, per subroutine. */
  sets: Record<Subroutine, Record<SetRole, string>>;
  runs: SubroutineRun[];
  summary: SubroutineSummary[];
  /** Unsolved runs and other things a reader must know. */
  warnings: string[];
}

export const DEFAULT_ANALYSIS_MODES: AblationMode[] = ['full', 'subnetwork', 'ablation', 'random-ablation'];

/** The split for each role of a mask for subroutine S (D.8's mapping). */
export function subroutineSets(subroutine: Subroutine, heldOut: 'val' | 'test' = 'test'): Record<SetRole, string> {
  const other: Subroutine = subroutine === 'A' ? 'B' : 'A';
  const { target, other: otherPartition } = partitionsFor(subroutine, 'test');
  return {
    own: `sub${subroutine}_${heldOut}`,
    otherSubroutine: `sub${other}_${heldOut}`,
    target,
    other: otherPartition,
    both: 'both',
    base: 'base_test',
  };
}

export async function subroutineAnalysis(input: SubroutineAnalysisInput): Promise<SubroutineAnalysisResult> {
  const { model, task } = input;
  const config = input.config ?? {};
  checkAnalysisConfig(config);
  const seeds = input.seeds ?? [0, 1, 2];
  if (seeds.length === 0) throw new ComplensError('subroutineAnalysis: seeds is empty');
  const heldOut = config.heldOut ?? 'test';
  const threshold = config.solveThreshold ?? 0.9;
  const modes = uniqueModes(config.modes ?? DEFAULT_ANALYSIS_MODES);
  const subroutines: Subroutine[] = input.subroutine === 'both' ? ['A', 'B'] : [input.subroutine];
  const sets = { A: subroutineSets('A', heldOut), B: subroutineSets('B', heldOut) };
  const networks: { kind: NetworkKind; model: VectorModel }[] = [{ kind: 'trained', model }];
  if (config.randomInit ?? true) {
    const seed = config.untrainedSeed ?? 1;
    networks.push({ kind: 'random-init', model: input.createUntrained ? input.createUntrained(seed) : (untrainedCopy(model, seed) as VectorModel) });
  }
  const runs: SubroutineRun[] = [];
  const warnings: string[] = [];
  try {
    for (const subroutine of subroutines) {
      const roles = sets[subroutine];
      const train = task.split(`sub${subroutine}_train`);
      for (const network of networks) {
        const scorers: Record<string, Scorer> = {};
        for (const split of new Set(Object.values(roles))) scorers[split] = vectorScorer(network.model, task.split(split));
        for (const seed of seeds) {
          const label = `${network.kind} ${subroutine} seed ${seed}`;
          const maskConfig = { ...config.mask, ...config.maskBySubroutine?.[subroutine], seed };
          const trained = await trainSubroutineMask(network.model, train, maskConfig, input.onProgress && ((step, total, detail) => input.onProgress!(label, step, total, detail)));
          const rows = evaluateModes(network.model, trained.mask, modes, scorers, { seed });
          const roleOf = (split: string) => (Object.keys(roles) as SetRole[]).find((r) => roles[r] === split)!;
          const acc = (mode: AblationMode, role: SetRole) => accuracyOf(rows, mode, roles[role]);
          const heldOutAccuracy = acc('subnetwork', 'own');
          const solved = heldOutAccuracy >= threshold;
          if (!solved) {
            warnings.push(`${label}: the subnetwork reaches ${(heldOutAccuracy * 100).toFixed(1)}% on ${roles.own}, below the ${(threshold * 100).toFixed(0)}% required to count as solving subroutine ${subroutine}`);
          }
          runs.push({
            network: network.kind,
            subroutine,
            seed,
            mask: trained.mask,
            keptFraction: trained.mask.keptFraction(),
            sparsity: trained.mask.perTensor(),
            accuracy: rows.map((r) => ({ ...r, role: roleOf(r.set) })),
            heldOutAccuracy,
            solved,
            subDiff: subDiff(acc('subnetwork', 'target'), acc('subnetwork', 'other')),
            ablDiff: ablDiff(acc('ablation', 'target'), acc('ablation', 'other')),
            ablDiffRandom: modes.includes('random-ablation') ? ablDiff(acc('random-ablation', 'target'), acc('random-ablation', 'other')) : NaN,
            steps: trained.steps,
            wallSeconds: trained.wallSeconds,
            history: trained.history,
          });
        }
      }
    }
  } finally {
    for (const n of networks) if (n.kind === 'random-init') n.model.dispose();
  }
  return { kind: 'subroutineAnalysis', seeds, threshold, heldOut, sets, runs, summary: summarize(runs), warnings };
}

/** Trains one mask on a subroutine's training split (odd-one-out cross-entropy; minibatch order from `config.seed`). */
export function trainSubroutineMask(
  model: VectorModel,
  train: { batch: VectorBatch; labels: Int32Array },
  config: Partial<MaskTrainConfig>,
  onProgress?: (step: number, totalSteps: number, detail: string) => void,
): Promise<MaskTrainResult> {
  return trainMask(model, vectorMaskLoss(model), vectorMaskData(train, config.batchSize ?? 64, config.seed ?? 0), config, { onProgress });
}

const ANALYSIS_FIELDS = ['mask', 'maskBySubroutine', 'heldOut', 'solveThreshold', 'modes', 'randomInit', 'untrainedSeed'];

/**
 * Fails fast on a misplaced field: mask settings belong under `config.mask` (or `config.maskBySubroutine.A|B`), and a
 * stray `config.maxSteps` would otherwise be ignored silently and the masks trained with the full default schedule.
 */
function checkAnalysisConfig(config: SubroutineAnalysisConfig): void {
  const o = config as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (ANALYSIS_FIELDS.includes(key)) continue;
    const hint = key in MASK_TRAIN_DEFAULTS || key === 'include' || key === 'exclude' ? `; mask settings go under config.mask` : '';
    throw new ConfigError(`config.${key}`, `no such field (known: ${ANALYSIS_FIELDS.join(', ')})${hint}`, o[key]);
  }
  validateMaskTrainConfig(config.mask ?? {}, 'config.mask');
  for (const [key, value] of Object.entries(config.maskBySubroutine ?? {})) {
    if (key !== 'A' && key !== 'B') throw new ConfigError(`config.maskBySubroutine.${key}`, 'no such subroutine (A or B)', value);
    validateMaskTrainConfig({ ...config.mask, ...value }, `config.maskBySubroutine.${key}`);
  }
}

export function summarize(runs: readonly SubroutineRun[]): SubroutineSummary[] {
  const groups = new Map<string, SubroutineRun[]>();
  for (const r of runs) {
    const key = `${r.network}|${r.subroutine}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()].map((g) => ({
    network: g[0].network,
    subroutine: g[0].subroutine,
    runs: g.length,
    solved: g.filter((r) => r.solved).length,
    subDiff: meanSd(g.map((r) => r.subDiff)),
    ablDiff: meanSd(g.map((r) => r.ablDiff)),
    ablDiffRandom: meanSd(g.map((r) => r.ablDiffRandom)),
    keptFraction: meanSd(g.map((r) => r.keptFraction)),
    heldOutAccuracy: meanSd(g.map((r) => r.heldOutAccuracy)),
  }));
}

function uniqueModes(modes: readonly AblationMode[]): AblationMode[] {
  return [...new Set<AblationMode>(['subnetwork', 'ablation', ...modes])].sort((a, b) => order(a) - order(b));
}

const MODE_ORDER: AblationMode[] = ['full', 'subnetwork', 'ablation', 'random-ablation', 'complement', 'random-sampled'];
function order(mode: AblationMode): number {
  return MODE_ORDER.indexOf(mode);
}

/**
 * An untrained model of the same architecture and config: from the architecture registry when the arch is
 * registered, else from the model's own constructor (every complens model is `new Model(config, seed)`).
 */
export function untrainedCopy(model: AnyModel, seed: number): AnyModel {
  const arch = (model.config as { arch?: unknown } | undefined)?.arch;
  if (typeof arch === 'string' && architectureNames().includes(arch)) return createModel(model.config, seed);
  const Ctor = model.constructor as new (config: unknown, seed: number) => AnyModel;
  const copy = new Ctor(model.config, seed);
  if (!copy.paramSpecs || copy.paramSpecs.length !== model.paramSpecs.length) {
    copy.dispose?.();
    throw new ComplensError('cannot build an untrained copy of this model: pass createUntrained');
  }
  return copy;
}
