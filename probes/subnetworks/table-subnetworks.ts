/**
 * Subnetworks per atomic table of a lookup-table RNN: does the network keep one (separable) circuit per table, and
 * are composed inputs computed with those circuits? For every table t:
 *   1. train a mask on t's atomic rows ("011 t3 ." → t3(011)), optionally plus composed rows containing t;
 *   2. subnetwork test: accuracy of the subnetwork on t's own atomic rows (and, for specificity, on other tables');
 *   3. ablation test: accuracy drop when the subnetwork is zeroed, on t's atomic rows, on other tables' atomic
 *      rows, on composed rows containing t and on composed rows not containing it;
 * then the IoU between every pair of table masks (shared vs table-specific weights).
 * A modular solution shows large drops on "own" and "composed with t" and small ones on "other" and "composed
 * without t", and low IoU between tables.
 */
import { SequenceModel } from '../../lib/models/types';
import { encodeLookupRow, LookupRow, LookupTask, tableName } from '../../lib/tasks/lookup';
import { EncodedExample } from '../../lib/tasks/types';
import { evaluateExamples } from '../../lib/train/evaluate';
import { ComplensError } from '../../lib/util/errors';
import { BinaryMask, iouMatrix, TensorSparsity } from './binary-mask';
import { MaskTrainConfig } from './config';
import { AblationMode, withMaskedParams } from './modes';
import { MaskTrainPoint, sequenceMaskData, sequenceMaskLoss, trainMask } from './train';

export type TableSetRole = 'ownAtomic' | 'otherAtomic' | 'composedWith' | 'composedWithout';
export const TABLE_SET_ROLES: readonly TableSetRole[] = ['ownAtomic', 'otherAtomic', 'composedWith', 'composedWithout'];
export type RoleAccuracy = Record<TableSetRole, number>;

export interface TableSubnetworkConfig {
  /** Mask training (defaults: MASK_TRAIN_DEFAULTS). */
  mask?: Partial<MaskTrainConfig>;
  /** Tables to analyse (0-based; default all). IoU covers these. */
  tables?: number[];
  /** Also train each mask on the composed rows (of `composedSplit`) that contain the table. Default false. */
  includeComposed?: boolean;
  /** Split whose composed rows are scored (and used by `includeComposed`). Default 'train'. */
  composedSplit?: string;
  /** Split whose atomic rows define each table's data. Default 'train' (tables with none there fall back to all inputs). */
  atomicSplit?: string;
  /** Extra modes evaluated next to 'full', 'subnetwork' and 'ablation' (e.g. 'random-ablation'). */
  extraModes?: AblationMode[];
}

export interface TableSubnetwork {
  table: number;
  name: string;
  mask: BinaryMask;
  keptFraction: number;
  sparsity: TensorSparsity[];
  /** Rows in each set. */
  counts: RoleAccuracy;
  /** Exact match per set for every evaluated mode ('full' = the unmasked model). */
  accuracy: Partial<Record<AblationMode, RoleAccuracy>>;
  /** full − ablation, per set: what removing the subnetwork costs. */
  drop: RoleAccuracy;
  /** Rows the mask was trained on. */
  trainRows: number;
  steps: number;
  wallSeconds: number;
  history: MaskTrainPoint[];
}

export interface TableSubnetworksResult {
  kind: 'tableSubnetworks';
  tables: TableSubnetwork[];
  /** Table names in IoU order ("t1", ...). */
  tableNames: string[];
  /** iou[i][j] between the masks of tables[i] and tables[j]. */
  iou: number[][];
  warnings: string[];
}

export async function tableSubnetworks(
  model: SequenceModel,
  task: LookupTask,
  config: TableSubnetworkConfig = {},
  options: { onProgress?: (label: string, step: number, total: number, detail: string) => void } = {},
): Promise<TableSubnetworksResult> {
  const { tables: tableValues, bits, encoding } = task.spec;
  const numTables = tableValues.length;
  const chosen = config.tables ?? Array.from({ length: numTables }, (_, t) => t);
  for (const t of chosen) if (!Number.isInteger(t) || t < 0 || t >= numTables) throw new ComplensError(`tableSubnetworks: no table ${t} (the task has t1..t${numTables})`);
  const warnings: string[] = [];
  const encode = (row: LookupRow): EncodedExample => encodeLookupRow(row, tableValues, bits, encoding, -1);

  // Atomic rows per table (all tables, so "other tables" is complete even when only some are analysed).
  const atomicSplit = config.atomicSplit ?? 'train';
  const atomicRows = splitRows(task, atomicSplit).filter((r) => r.tables.length === 1);
  const atomic: EncodedExample[][] = Array.from({ length: numTables }, () => []);
  const seen = new Set<string>();
  for (const row of atomicRows) {
    const key = `${row.input}:${row.tables[0]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    atomic[row.tables[0]].push(encode(row));
  }
  for (let t = 0; t < numTables; t++) {
    if (atomic[t].length === 0) {
      for (let v = 0; v < 2 ** bits; v++) atomic[t].push(encode({ input: v, tables: [t] }));
      if (chosen.includes(t)) warnings.push(`${tableName(t)}: no atomic rows in split ${atomicSplit}; using all ${2 ** bits} inputs, which the model may never have seen`);
    }
  }
  const composedSplit = config.composedSplit ?? 'train';
  const composedRows = splitRows(task, composedSplit).filter((r) => r.tables.length > 1);
  if (composedRows.length === 0) warnings.push(`split ${composedSplit} has no composed rows: the composed columns are empty (NaN)`);
  const composed = composedRows.map(encode);

  // One evaluation list: every atomic row, then every composed row; subsets are index lists into it.
  const all: EncodedExample[] = [...atomic.flat(), ...composed];
  const tableOfAtomic: number[] = atomic.flatMap((rows, t) => rows.map(() => t));
  const nAtomic = tableOfAtomic.length;
  const subsets = (t: number): Record<TableSetRole, number[]> => {
    const s: Record<TableSetRole, number[]> = { ownAtomic: [], otherAtomic: [], composedWith: [], composedWithout: [] };
    tableOfAtomic.forEach((u, i) => (u === t ? s.ownAtomic : s.otherAtomic).push(i));
    composedRows.forEach((row, i) => (row.tables.includes(t) ? s.composedWith : s.composedWithout).push(nAtomic + i));
    return s;
  };
  const aggregate = (correct: Uint8Array, t: number): RoleAccuracy => {
    const s = subsets(t);
    const out = {} as RoleAccuracy;
    for (const role of TABLE_SET_ROLES) out[role] = s[role].length ? s[role].reduce((a, i) => a + correct[i], 0) / s[role].length : NaN;
    return out;
  };
  const fullCorrect = evaluateExamples(model, all).correct;
  const modes: AblationMode[] = [...new Set<AblationMode>(['subnetwork', 'ablation', ...(config.extraModes ?? [])])].filter((m) => m !== 'full');

  const results: TableSubnetwork[] = [];
  for (const t of chosen) {
    const name = tableName(t);
    const trainExamples = [...atomic[t], ...(config.includeComposed ? composedRows.filter((r) => r.tables.includes(t)).map(encode) : [])];
    const maskConfig = { ...config.mask };
    const trained = await trainMask(model, sequenceMaskLoss(model), sequenceMaskData(trainExamples, maskConfig.batchSize ?? 64, maskConfig.seed ?? 0), maskConfig, {
      onProgress: options.onProgress && ((step, total, detail) => options.onProgress!(name, step, total, detail)),
    });
    const accuracy: Partial<Record<AblationMode, RoleAccuracy>> = { full: aggregate(fullCorrect, t) };
    for (const mode of modes) {
      const correct = withMaskedParams(model, trained.mask, mode, (params) => evaluateExamples(model, all, { params }).correct, { seed: maskConfig.seed ?? 0 });
      accuracy[mode] = aggregate(correct, t);
    }
    const full = accuracy.full!;
    const abl = accuracy.ablation!;
    const counts = Object.fromEntries(Object.entries(subsets(t)).map(([k, v]) => [k, v.length])) as RoleAccuracy;
    if (accuracy.subnetwork!.ownAtomic < 0.9) {
      warnings.push(`${name}: the subnetwork reaches ${(accuracy.subnetwork!.ownAtomic * 100).toFixed(1)}% on its own atomic rows (below 90%): it does not isolate the table`);
    }
    results.push({
      table: t,
      name,
      mask: trained.mask,
      keptFraction: trained.mask.keptFraction(),
      sparsity: trained.mask.perTensor(),
      counts,
      accuracy,
      drop: Object.fromEntries(TABLE_SET_ROLES.map((r) => [r, full[r] - abl[r]])) as RoleAccuracy,
      trainRows: trainExamples.length,
      steps: trained.steps,
      wallSeconds: trained.wallSeconds,
      history: trained.history,
    });
  }
  return { kind: 'tableSubnetworks', tables: results, tableNames: results.map((r) => r.name), iou: iouMatrix(results.map((r) => r.mask)), warnings };
}

function splitRows(task: LookupTask, split: string): readonly LookupRow[] {
  return task.splitNames().includes(split) ? task.rows(split) : [];
}
