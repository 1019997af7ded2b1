/**
 * The mask hyper-parameter selection of "Break It Down" (Lepori, Serre & Pavlick 2023, D.7), for one base model:
 * for each subroutine S and each candidate mask config, train one mask (seed 0) on S's training split and score it
 * on *validation* splits only:
 *   eligible  ⇔ the subnetwork reaches ≥ 0.9 on S's validation split (subS_val); otherwise quality = 0
 *   quality   = max(acc_abl(other_val), .25) − max(acc_abl(target_val), .25)          (= −AblDiff on val; max 0.75)
 * The argmax (first in candidate order on ties, as pandas' idxmax) is the config to rerun with several seeds and score
 * on the test splits (`subroutineAnalysis` with `config.maskBySubroutine = result.maskBySubroutine`). The paper's grid
 * is 4 inits × 2 learning rates × 3 layer sets; `maskGrid` builds any such cartesian product.
 */
import { VectorModel } from '../../lib/models/types';
import { partitionsFor } from '../../lib/tasks/subroutines';
import { ComplensError } from '../../lib/util/errors';
import { MaskTrainConfig, validateMaskTrainConfig } from './config';
import { accuracyOf, evaluateModes, Scorer, vectorScorer } from './evaluate';
import { Subroutine, SubroutineTaskLike, trainSubroutineMask } from './subroutine-analysis';

export interface SubroutineMaskSearchInput {
  model: VectorModel;
  task: SubroutineTaskLike;
  subroutine: Subroutine | 'both';
  /** Candidate mask configs, each merged over `base` (e.g. `maskGrid({ initScore: [0.05, 0], lambda: [1, 10] })`). */
  candidates: Partial<MaskTrainConfig>[];
  /** Settings shared by every candidate (steps, penalty kind, …). */
  base?: Partial<MaskTrainConfig>;
  /** Mask seed of every search run (the paper: 0). */
  seed?: number;
  /** Eligibility threshold on S's validation split (default 0.9). */
  solveThreshold?: number;
  onProgress?: (label: string, step: number, totalSteps: number, detail: string) => void;
}

export interface MaskSearchRow {
  subroutine: Subroutine;
  /** Index into `candidates`. */
  index: number;
  /** The candidate as given (without `base`). */
  candidate: Partial<MaskTrainConfig>;
  /** Subnetwork accuracy on subS_val. */
  own: number;
  eligible: boolean;
  /** Subnetwork and zero-ablation accuracies on the validation partitions (target = only_S_val, other = only_O_val). */
  subTarget: number;
  subOther: number;
  ablTarget: number;
  ablOther: number;
  /** max(ablOther, .25) − max(ablTarget, .25) when eligible, else 0 (D.7). */
  quality: number;
  keptFraction: number;
  steps: number;
  wallSeconds: number;
}

export interface SubroutineMaskSearchResult {
  kind: 'subroutineMaskSearch';
  seed: number;
  threshold: number;
  /** Validation split of each role, per subroutine. */
  sets: Partial<Record<Subroutine, { own: string; target: string; other: string }>>;
  rows: MaskSearchRow[];
  /** The best row per subroutine. */
  best: Partial<Record<Subroutine, MaskSearchRow>>;
  /** `base` ∪ the best candidate, per subroutine: pass as `subroutineAnalysis`'s `config.maskBySubroutine`. */
  maskBySubroutine: Partial<Record<Subroutine, Partial<MaskTrainConfig>>>;
  /** E.g. a subroutine for which no candidate was eligible. */
  warnings: string[];
}

/** D.7's quality of a mask from its zero-ablation accuracies on the validation partitions. */
export function maskQuality(ablTarget: number, ablOther: number): number {
  return Math.max(ablOther, 0.25) - Math.max(ablTarget, 0.25);
}

/**
 * The cartesian product of the given values, the last field varying fastest:
 * `maskGrid({ initScore: [0.1, 0], include: [undefined, ['layers.1.W', 'unembed.W_U']] })` → 4 configs.
 * An `undefined` (or `null`, for grids read from JSON) value leaves the field at the default (of `base`).
 */
export function maskGrid(axes: { [K in keyof MaskTrainConfig]?: (MaskTrainConfig[K] | undefined | null)[] }): Partial<MaskTrainConfig>[] {
  let out: Partial<MaskTrainConfig>[] = [{}];
  for (const [key, values] of Object.entries(axes) as [keyof MaskTrainConfig, unknown[]][]) {
    if (!Array.isArray(values) || values.length === 0) throw new ComplensError(`maskGrid: ${key} needs a non-empty list of values`);
    out = out.flatMap((c) => values.map((v) => (v === undefined || v === null ? { ...c } : { ...c, [key]: v })));
  }
  return out;
}

export async function subroutineMaskSearch(input: SubroutineMaskSearchInput): Promise<SubroutineMaskSearchResult> {
  const { model, task, candidates } = input;
  if (candidates.length === 0) throw new ComplensError('subroutineMaskSearch: candidates is empty');
  const seed = input.seed ?? 0;
  const threshold = input.solveThreshold ?? 0.9;
  const base = input.base ?? {};
  // Validate every candidate before the first (long) run.
  candidates.forEach((c, i) => validateMaskTrainConfig({ ...base, ...c, seed }, `candidates[${i}]`));
  const subroutines: Subroutine[] = input.subroutine === 'both' ? ['A', 'B'] : [input.subroutine];
  const rows: MaskSearchRow[] = [];
  const result: SubroutineMaskSearchResult = { kind: 'subroutineMaskSearch', seed, threshold, sets: {}, rows, best: {}, maskBySubroutine: {}, warnings: [] };
  for (const subroutine of subroutines) {
    const { target, other } = partitionsFor(subroutine, 'val');
    const own = `sub${subroutine}_val`;
    result.sets[subroutine] = { own, target, other };
    const scorers: Record<string, Scorer> = {};
    for (const split of [own, target, other]) scorers[split] = vectorScorer(model, task.split(split));
    const train = task.split(`sub${subroutine}_train`);
    for (let index = 0; index < candidates.length; index++) {
      const label = `search ${subroutine} ${index + 1}/${candidates.length}`;
      const trained = await trainSubroutineMask(model, train, { ...base, ...candidates[index], seed }, input.onProgress && ((step, total, detail) => input.onProgress!(label, step, total, detail)));
      const acc = evaluateModes(model, trained.mask, ['subnetwork', 'ablation'], scorers, { seed });
      const ownAccuracy = accuracyOf(acc, 'subnetwork', own);
      const eligible = ownAccuracy >= threshold;
      const ablTarget = accuracyOf(acc, 'ablation', target);
      const ablOther = accuracyOf(acc, 'ablation', other);
      rows.push({
        subroutine,
        index,
        candidate: candidates[index],
        own: ownAccuracy,
        eligible,
        subTarget: accuracyOf(acc, 'subnetwork', target),
        subOther: accuracyOf(acc, 'subnetwork', other),
        ablTarget,
        ablOther,
        quality: eligible ? maskQuality(ablTarget, ablOther) : 0,
        keptFraction: trained.mask.keptFraction(),
        steps: trained.steps,
        wallSeconds: trained.wallSeconds,
      });
    }
    const mine = rows.filter((r) => r.subroutine === subroutine);
    const best = mine.reduce((a, b) => (b.quality > a.quality ? b : a));
    result.best[subroutine] = best;
    result.maskBySubroutine[subroutine] = { ...base, ...best.candidate };
    if (!mine.some((r) => r.eligible)) {
      result.warnings.push(`subroutine ${subroutine}: no candidate's subnetwork reaches ${(threshold * 100).toFixed(0)}% on ${own}; the first candidate is chosen (quality 0 for all)`);
    }
  }
  return result;
}
