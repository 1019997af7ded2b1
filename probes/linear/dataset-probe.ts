/**
 * Probing an activation dataset: for each hook (and optionally each position) and each label, a logistic probe
 * with GroupKFold folds and a control task. The "type" a memorising probe could key on is the token prefix up to the
 * position (sequence models) or the example itself (vector models).
 */
import { EncodedExample } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import type { ActivationDataset } from '../activations';
import { probeWithControls } from './controls';
import { denseRows } from './features';
import { GroupKFold } from './splitters';

export interface DatasetProbeRow {
  hook: string;
  /** Input position, or 'all' when positions are pooled. */
  position: number | 'all';
  label: string;
  rows: number;
  classes: number;
  accuracy: number;
  accuracySd: number;
  control: number;
  selectivity: number;
  majority: number;
}

export interface DatasetProbeOptions {
  hooks: readonly string[];
  labels: readonly string[];
  perPosition?: boolean;
  folds?: number;
  l2?: number;
  seed?: number;
  /** The examples the dataset was collected from (sequence models), for prefix types. */
  examples?: readonly EncodedExample[];
}

export function probeDataset(ds: ActivationDataset, options: DatasetProbeOptions): DatasetProbeRow[] {
  const out: DatasetProbeRow[] = [];
  const groups = ds.groups;
  const types = Array.from({ length: ds.rows }, (_, i) => {
    const ex = options.examples?.[ds.exampleIndex[i]];
    const p = ds.position[i];
    return ex && p >= 0 ? [...ex.prompt, ...ex.target].slice(0, p + 1).join(',') : `example:${ds.exampleIndex[i]}`;
  });
  for (const hook of options.hooks) {
    const features = ds.features(hook);
    for (const label of options.labels) {
      const values = ds.labels(label);
      const positions = options.perPosition ? [...new Set(ds.position)].sort((a, b) => a - b) : ['all' as const];
      for (const position of positions) {
        const rows: number[] = [];
        for (let i = 0; i < ds.rows; i++) {
          const v = values[i];
          if ((position === 'all' || ds.position[i] === position) && Number.isInteger(v) && v >= 0) rows.push(i);
        }
        const classes = new Set(rows.map((i) => values[i])).size;
        const distinctGroups = new Set(rows.map((i) => groups[i])).size;
        if (rows.length < 10 || classes < 2 || distinctGroups < 2) continue;
        const data = new Float32Array(rows.length * features.dim);
        rows.forEach((r, j) => data.set(features.data.subarray(r * features.dim, (r + 1) * features.dim), j * features.dim));
        const result = probeWithControls(denseRows(data, features.dim), rows.map((i) => values[i]), {
          types: rows.map((i) => types[i]),
          groups: rows.map((i) => groups[i]),
          cv: new GroupKFold({ k: Math.min(options.folds ?? 5, distinctGroups) }),
          probe: { l2: options.l2 ?? 1 },
          seed: options.seed ?? 0,
        });
        out.push({
          hook,
          position,
          label,
          rows: rows.length,
          classes,
          accuracy: result.accuracy.mean,
          accuracySd: result.accuracy.sd,
          control: result.control.mean,
          selectivity: result.selectivity,
          majority: result.majorityBaseline,
        });
      }
    }
  }
  if (out.length === 0) throw new ComplensError('probe: no (hook, label) pair had enough labelled rows with at least two classes and two groups');
  return out;
}
