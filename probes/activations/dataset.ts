/**
 * ActivationDataset: one row per (example, position), stored column-wise in typed arrays. Each hook's activations
 * are one flat row-major Float32Array [rows, dim]; labels are Int32Array (position labels, −1 = undefined there)
 * or Float64Array (example labels, NaN = the example has no such label). Nothing is a JS array per row, so a
 * million rows of a 64-wide hook is 256 MB of Float32Array and no garbage-collector pressure.
 */
import * as aq from 'arquero';
import { ComplensError } from '../../lib/util/errors';
import { writeArrow, writeCSV } from './export';

export type ActivationTable = ReturnType<typeof aq.table>;

export interface HookInfo {
  name: string;
  dim: number;
}

/** A hook's activations as a dense matrix; `dims` repeats `dim` so that it is also probes/linear's DenseRows. */
export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  dim: number;
  dims: number;
}

export type LabelKind = 'position' | 'example';

export interface LabelColumn {
  /** Column name: the label's own name, or `example.<name>` when a position label has the same name. */
  name: string;
  /** The name in positionLabels / exampleLabels. */
  source: string;
  kind: LabelKind;
  values: Int32Array | Float64Array;
}

/** A row as an object, for inspection and tests (activations are views into the dataset, not copies). */
export interface ActivationRow {
  exampleIndex: number;
  position: number;
  group: string;
  labels: Record<string, number>;
  activations: Record<string, Float32Array>;
}

export interface ActivationColumns {
  exampleIndex: Int32Array;
  position: Int32Array;
  /** Index into groupKeys per row. */
  groupIndex: Int32Array;
  groupKeys: string[];
  hooks: HookInfo[];
  /** One per hook, [rows × dim]. */
  features: Float32Array[];
  labels: LabelColumn[];
}

export interface TableOptions {
  /** Activation columns `hook:0`, `hook:1`, … : true for every hook, or a list of hooks. Default false (they are wide). */
  activations?: boolean | readonly string[];
}

export class ActivationDataset {
  /** Number of rows. */
  readonly rows: number;
  readonly hooks: readonly HookInfo[];
  /** Per row: the example's index in the input (its order in the array or stream). */
  readonly exampleIndex: Int32Array;
  /** Per row: the input position, or −1 for rows of whole examples (VectorModels). */
  readonly position: Int32Array;
  /** Per row: index into `groupKeys`. */
  readonly groupIndex: Int32Array;
  /** Distinct group keys in order of first appearance. */
  readonly groupKeys: readonly string[];
  private readonly featureData: Float32Array[];
  private readonly labelColumns: LabelColumn[];
  private groupsCache?: string[];

  constructor(columns: ActivationColumns) {
    const n = columns.exampleIndex.length;
    const check = (what: string, length: number, expected: number) => {
      if (length !== expected) throw new ComplensError(`ActivationDataset: ${what} has ${length} entries, expected ${expected}`);
    };
    check('position', columns.position.length, n);
    check('groupIndex', columns.groupIndex.length, n);
    check('features', columns.features.length, columns.hooks.length);
    columns.hooks.forEach((h, i) => check(`features of ${h.name}`, columns.features[i].length, n * h.dim));
    for (const l of columns.labels) check(`label ${l.name}`, l.values.length, n);
    this.rows = n;
    this.hooks = columns.hooks.map((h) => ({ ...h }));
    this.exampleIndex = columns.exampleIndex;
    this.position = columns.position;
    this.groupIndex = columns.groupIndex;
    this.groupKeys = columns.groupKeys;
    this.featureData = columns.features;
    this.labelColumns = columns.labels;
  }

  /** The activations of one hook as [rows, dim] (a view, not a copy). */
  features(hook: string): FeatureMatrix {
    const i = this.hookIndex(hook);
    const dim = this.hooks[i].dim;
    return { data: this.featureData[i], rows: this.rows, dim, dims: dim };
  }

  /** A label column: Int32Array for position labels (−1 = undefined), Float64Array for example labels (NaN = absent). */
  labels(name: string): Int32Array | Float64Array {
    return this.labelColumn(name).values;
  }

  /** A label as Int32Array (for class labels of probes); throws when a value is not an int32 (NaN included). */
  intLabels(name: string): Int32Array {
    const values = this.labels(name);
    if (values instanceof Int32Array) return values;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
        throw new ComplensError(`label ${name}: row ${i} holds ${v}, which is not a 32-bit integer`);
      }
      out[i] = v;
    }
    return out;
  }

  /** Label column names, position labels first. */
  labelNames(): string[] {
    return this.labelColumns.map((l) => l.name);
  }

  /** Label columns with their kind and source name. */
  labelInfo(): { name: string; source: string; kind: LabelKind }[] {
    return this.labelColumns.map(({ name, source, kind }) => ({ name, source, kind }));
  }

  /** The group key of every row (strings are shared, so this costs one pointer per row). */
  get groups(): string[] {
    if (!this.groupsCache) this.groupsCache = Array.from(this.groupIndex, (g) => this.groupKeys[g]);
    return this.groupsCache;
  }

  row(i: number): ActivationRow {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new ComplensError(`row ${i} is outside 0..${this.rows - 1}`);
    const labels: Record<string, number> = {};
    for (const l of this.labelColumns) labels[l.name] = l.values[i];
    const activations: Record<string, Float32Array> = {};
    this.hooks.forEach((h, k) => (activations[h.name] = this.featureData[k].subarray(i * h.dim, (i + 1) * h.dim)));
    return { exampleIndex: this.exampleIndex[i], position: this.position[i], group: this.groupKeys[this.groupIndex[i]], labels, activations };
  }

  *[Symbol.iterator](): IterableIterator<ActivationRow> {
    for (let i = 0; i < this.rows; i++) yield this.row(i);
  }

  /** A new dataset of the given rows (copied), in the given order. */
  subset(indices: ArrayLike<number>): ActivationDataset {
    const n = indices.length;
    const idx = Int32Array.from(indices as ArrayLike<number>);
    for (const i of idx) if (i < 0 || i >= this.rows) throw new ComplensError(`subset: row ${i} is outside 0..${this.rows - 1}`);
    const take = <A extends Int32Array | Float64Array>(src: A): A => {
      const out = new (src.constructor as { new (n: number): A })(n);
      for (let j = 0; j < n; j++) out[j] = src[idx[j]];
      return out;
    };
    const features = this.hooks.map((h, k) => {
      const out = new Float32Array(n * h.dim);
      const src = this.featureData[k];
      for (let j = 0; j < n; j++) out.set(src.subarray(idx[j] * h.dim, (idx[j] + 1) * h.dim), j * h.dim);
      return out;
    });
    return new ActivationDataset({
      exampleIndex: take(this.exampleIndex),
      position: take(this.position),
      groupIndex: take(this.groupIndex),
      groupKeys: this.groupKeys.slice(),
      hooks: this.hooks.map((h) => ({ ...h })),
      features,
      labels: this.labelColumns.map((l) => ({ ...l, values: take(l.values) })),
    });
  }

  /** Rows for which `keep(row)` is true, e.g. `ds.filter((r) => r.position === 4)`. */
  filter(keep: (row: ActivationRow, index: number) => boolean): ActivationDataset {
    const idx: number[] = [];
    for (let i = 0; i < this.rows; i++) if (keep(this.row(i), i)) idx.push(i);
    return this.subset(idx);
  }

  /**
   * An arquero table with typed-array columns exampleIndex, position, group, one column per label and, on request,
   * one column per activation dimension named `hook:0`, `hook:1`, ….
   */
  toTable(options: TableOptions = {}): ActivationTable {
    const columns: Record<string, ArrayLike<unknown>> = {
      exampleIndex: this.exampleIndex,
      position: this.position,
      group: this.groups,
    };
    for (const l of this.labelColumns) columns[l.name] = l.values;
    for (const hook of this.selectHooks(options.activations ?? false)) {
      const { data, dim } = this.features(hook);
      for (let d = 0; d < dim; d++) {
        const col = new Float32Array(this.rows);
        for (let i = 0; i < this.rows; i++) col[i] = data[i * dim + d];
        columns[`${hook}:${d}`] = col;
      }
    }
    return aq.table(columns);
  }

  /** Writes the rows as CSV (activation columns `hook:d` included unless `activations: false`). */
  toCSV(file: string, options: TableOptions = {}): void {
    writeCSV(this, file, options);
  }

  /**
   * Writes the rows as an Arrow IPC file (Feather v2; pyarrow.feather.read_table, arquero.fromArrow). Each hook is
   * one FixedSizeList<Float32>[dim] column by default, or `hook:d` columns with layout 'columns'.
   */
  toArrow(file: string, options: TableOptions & { layout?: 'list' | 'columns' } = {}): void {
    writeArrow(this, file, options);
  }

  /** Hooks selected by a TableOptions.activations value, validated. */
  selectHooks(selection: boolean | readonly string[]): string[] {
    if (selection === false) return [];
    if (selection === true) return this.hooks.map((h) => h.name);
    for (const h of selection) this.hookIndex(h);
    return selection.slice();
  }

  /** The column layout (hooks and label columns) as a comparable key, to check that chunks of a stream agree. */
  schemaKey(): string {
    return JSON.stringify({ hooks: this.hooks, labels: this.labelColumns.map((l) => [l.name, l.kind]) });
  }

  /** Concatenates datasets with identical hooks and label columns (e.g. the chunks of a stream). */
  static concat(parts: readonly ActivationDataset[]): ActivationDataset {
    if (parts.length === 0) throw new ComplensError('ActivationDataset.concat: nothing to concatenate');
    if (parts.length === 1) return parts[0];
    const first = parts[0];
    const key = first.schemaKey();
    parts.forEach((p, i) => {
      if (p.schemaKey() !== key) throw new ComplensError(`ActivationDataset.concat: part ${i} has other hooks or label columns than part 0`);
    });
    const n = parts.reduce((s, p) => s + p.rows, 0);
    const cat = <A extends Int32Array | Float64Array | Float32Array>(get: (p: ActivationDataset) => A, width = 1): A => {
      const out = new (get(first).constructor as { new (n: number): A })(n * width);
      let at = 0;
      for (const p of parts) {
        out.set(get(p) as never, at);
        at += p.rows * width;
      }
      return out;
    };
    const groupKeys: string[] = [];
    const keyIndex = new Map<string, number>();
    const groupIndex = new Int32Array(n);
    let at = 0;
    for (const p of parts) {
      const remap = p.groupKeys.map((g) => {
        let k = keyIndex.get(g);
        if (k === undefined) keyIndex.set(g, (k = groupKeys.push(g) - 1));
        return k;
      });
      for (let i = 0; i < p.rows; i++) groupIndex[at + i] = remap[p.groupIndex[i]];
      at += p.rows;
    }
    return new ActivationDataset({
      exampleIndex: cat((p) => p.exampleIndex),
      position: cat((p) => p.position),
      groupIndex,
      groupKeys,
      hooks: first.hooks.map((h) => ({ ...h })),
      features: first.hooks.map((h, k) => cat((p) => p.featureData[k], h.dim)),
      labels: first.labelColumns.map((l, k) => ({ ...l, values: cat((p) => p.labelColumns[k].values) })),
    });
  }

  private hookIndex(hook: string): number {
    const i = this.hooks.findIndex((h) => h.name === hook);
    if (i < 0) throw new ComplensError(`no hook ${JSON.stringify(hook)} in this dataset; it has ${this.hooks.map((h) => h.name).join(', ')}`);
    return i;
  }

  private labelColumn(name: string): LabelColumn {
    const l = this.labelColumns.find((c) => c.name === name);
    if (!l) throw new ComplensError(`no label ${JSON.stringify(name)} in this dataset; it has ${this.labelNames().join(', ') || 'none'}`);
    return l;
  }
}
