/**
 * Results as arquero tables (the intermediate format of reports) and vega-lite specs (the output format; render
 * with probes/charts renderSvg). Long-format rows, so tables from several checkpoints concatenate (`a.concat(b)`)
 * and chart directly.
 */
import * as aq from 'arquero';
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, heatmapSpec } from '../charts';
import { SubroutineAnalysisResult } from './subroutine-analysis';
import { TABLE_SET_ROLES, TableSubnetworksResult } from './table-subnetworks';

export type ResultTable = ReturnType<typeof aq.from>;
type Row = Record<string, string | number | boolean | null>;

const NETWORK_ORDER = ['trained', 'random-init'];
const ROLE_LABELS: Record<string, string> = {
  ownAtomic: 'own atomic rows',
  otherAtomic: 'other tables’ atomic rows',
  composedWith: 'composed rows with the table',
  composedWithout: 'composed rows without it',
};

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

// ------------------------------------------------------------------------------------------------ subroutines

/** One row per mask run: network, subroutine, seed, solved, held-out accuracy, kept fraction, SubDiff, AblDiff. */
export function subroutineRunRows(result: SubroutineAnalysisResult): Row[] {
  return result.runs.map((r) => ({
    network: r.network,
    subroutine: r.subroutine,
    seed: r.seed,
    solved: r.solved,
    heldOutAccuracy: num(r.heldOutAccuracy),
    keptFraction: num(r.keptFraction),
    subDiff: num(r.subDiff),
    ablDiff: num(r.ablDiff),
    ablDiffRandom: num(r.ablDiffRandom),
    steps: r.steps,
  }));
}

/** Long format: one row per run × mode × set, with the set's role (own, otherSubroutine, target, other, both, base). */
export function subroutineAccuracyRows(result: SubroutineAnalysisResult): Row[] {
  return result.runs.flatMap((r) =>
    r.accuracy.map((a) => ({ network: r.network, subroutine: r.subroutine, seed: r.seed, mode: a.mode, role: a.role, set: a.set, accuracy: num(a.accuracy) })),
  );
}

/** One row per network × subroutine: mean ± sd over seeds. */
export function subroutineSummaryRows(result: SubroutineAnalysisResult): Row[] {
  return result.summary.map((s) => ({
    network: s.network,
    subroutine: s.subroutine,
    runs: s.runs,
    solved: s.solved,
    subDiff: num(s.subDiff.mean),
    subDiffSd: num(s.subDiff.sd),
    ablDiff: num(s.ablDiff.mean),
    ablDiffSd: num(s.ablDiff.sd),
    ablDiffRandom: num(s.ablDiffRandom.mean),
    ablDiffRandomSd: num(s.ablDiffRandom.sd),
    keptFraction: num(s.keptFraction.mean),
    keptFractionSd: num(s.keptFraction.sd),
    heldOutAccuracy: num(s.heldOutAccuracy.mean),
  }));
}

/** Long format: one row per run × masked tensor. */
export function sparsityRows(result: SubroutineAnalysisResult): Row[] {
  return result.runs.flatMap((r) =>
    r.sparsity.map((t) => ({ network: r.network, subroutine: r.subroutine, seed: r.seed, tensor: t.name, kept: t.kept, total: t.total, keptFraction: num(t.keptFraction) })),
  );
}

export function subroutineTables(result: SubroutineAnalysisResult): { runs: ResultTable; accuracy: ResultTable; summary: ResultTable; sparsity: ResultTable } {
  return {
    runs: aq.from(subroutineRunRows(result)),
    accuracy: aq.from(subroutineAccuracyRows(result)),
    summary: aq.from(subroutineSummaryRows(result)),
    sparsity: aq.from(sparsityRows(result)),
  };
}

/**
 * Accuracy by mode and partition: bars = mean over seeds on the target and other partitions (plus the subroutine's
 * own held-out split), error bars = ±1 sd; one panel per network (columns) and subroutine (rows); chance line 0.25.
 */
export function accuracyByModeSpec(result: SubroutineAnalysisResult, options: { roles?: string[]; title?: string } = {}): TopLevelSpec {
  const roles = options.roles ?? ['own', 'target', 'other'];
  const values = subroutineAccuracyRows(result).filter((r) => roles.includes(String(r.role)) && r.accuracy !== null);
  const modes = [...new Set(values.map((v) => String(v.mode)))];
  const x = { field: 'mode', type: 'nominal', sort: modes, title: null, axis: { labelAngle: -30 } };
  const xOffset = { field: 'role', type: 'nominal', sort: roles };
  const color = { field: 'role', type: 'nominal', sort: roles, title: 'set', scale: { scheme: 'tableau10' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Accuracy by ablation mode (target: odd one differs only in the masked subroutine)',
    data: { values },
    facet: { column: { field: 'network', type: 'nominal', title: null, sort: NETWORK_ORDER }, row: { field: 'subroutine', type: 'nominal', title: 'mask for' } },
    spec: {
      width: 56 * modes.length,
      height: 160,
      layer: [
        { mark: 'bar', encoding: { x, xOffset, color, y: { aggregate: 'mean', field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } } } },
        { mark: { type: 'errorbar', extent: 'stdev' }, encoding: { x, xOffset, y: { field: 'accuracy', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' }, encoding: { y: { datum: 0.25 } } },
      ],
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
}

/** Kept fraction per masked tensor ("sparsity by layer"): mean over seeds, one panel per network. */
export function sparsityByLayerSpec(result: SubroutineAnalysisResult, options: { title?: string } = {}): TopLevelSpec {
  const values = sparsityRows(result);
  const tensors = [...new Set(values.map((v) => String(v.tensor)))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Subnetwork size per masked tensor (fraction of weights kept)',
    data: { values },
    facet: { column: { field: 'network', type: 'nominal', title: null, sort: NETWORK_ORDER } },
    spec: {
      width: Math.max(120, 40 * tensors.length),
      height: 160,
      mark: 'bar',
      encoding: {
        x: { field: 'tensor', type: 'nominal', sort: tensors, title: null, axis: { labelAngle: -30 } },
        xOffset: { field: 'subroutine', type: 'nominal' },
        color: { field: 'subroutine', type: 'nominal', title: 'mask for', scale: { scheme: 'tableau10' } },
        y: { aggregate: 'mean', field: 'keptFraction', type: 'quantitative', title: 'kept fraction' },
      },
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
}

// ------------------------------------------------------------------------------------------------ lookup tables

/** One row per analysed table: kept fraction, subnetwork accuracy, and per set the full / ablated accuracy and drop. */
export function tableRows(result: TableSubnetworksResult): Row[] {
  return result.tables.map((t) => {
    const row: Row = { table: t.name, keptFraction: num(t.keptFraction), trainRows: t.trainRows, subOwn: num(t.accuracy.subnetwork!.ownAtomic), subOther: num(t.accuracy.subnetwork!.otherAtomic) };
    for (const role of TABLE_SET_ROLES) {
      row[`full_${role}`] = num(t.accuracy.full![role]);
      row[`abl_${role}`] = num(t.accuracy.ablation![role]);
      row[`drop_${role}`] = num(t.drop[role]);
    }
    return row;
  });
}

/** Long format: table × mode × set role → accuracy. */
export function tableAccuracyRows(result: TableSubnetworksResult): Row[] {
  return result.tables.flatMap((t) =>
    Object.entries(t.accuracy).flatMap(([mode, acc]) => TABLE_SET_ROLES.map((role) => ({ table: t.name, mode, role, accuracy: num(acc![role]), count: t.counts[role] }))),
  );
}

/** Long format: IoU between every pair of analysed tables. */
export function tableIouRows(result: TableSubnetworksResult): Row[] {
  return result.tableNames.flatMap((table, i) => result.tableNames.map((other, j) => ({ table, other, iou: num(result.iou[i][j]) })));
}

export function tableTables(result: TableSubnetworksResult): { tables: ResultTable; accuracy: ResultTable; iou: ResultTable } {
  return { tables: aq.from(tableRows(result)), accuracy: aq.from(tableAccuracyRows(result)), iou: aq.from(tableIouRows(result)) };
}

/** Accuracy drop when each table's subnetwork is ablated, by set (own / other atomic rows, composed with / without it). */
export function tableDropSpec(result: TableSubnetworksResult, options: { title?: string } = {}): TopLevelSpec {
  const values = result.tables.flatMap((t) => TABLE_SET_ROLES.map((role) => ({ table: t.name, role: ROLE_LABELS[role], drop: num(t.drop[role]) }))).filter((v) => v.drop !== null);
  const roles = TABLE_SET_ROLES.map((r) => ROLE_LABELS[r]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Accuracy drop when a table’s subnetwork is ablated',
    data: { values },
    width: Math.max(160, 60 * result.tables.length),
    height: 180,
    mark: 'bar',
    encoding: {
      x: { field: 'table', type: 'nominal', sort: result.tableNames, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'role', type: 'nominal', sort: roles },
      color: { field: 'role', type: 'nominal', sort: roles, title: 'rows', scale: { scheme: 'tableau10' }, legend: { labelLimit: 260 } },
      y: { field: 'drop', type: 'quantitative', title: 'full − ablated exact match' },
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
}

/** IoU heatmap between the tables' masks. */
export function tableIouSpec(result: TableSubnetworksResult, options: { title?: string } = {}): TopLevelSpec {
  const side = Math.max(120, 36 * result.tableNames.length);
  const spec = heatmapSpec(tableIouRows(result), {
    x: 'table',
    y: 'other',
    color: 'iou',
    domain: [0, 1],
    labelFormat: '.2f',
    title: options.title ?? 'IoU between per-table subnetworks',
    xSort: result.tableNames,
    ySort: result.tableNames,
  });
  return { ...spec, width: side, height: side } as TopLevelSpec;
}
