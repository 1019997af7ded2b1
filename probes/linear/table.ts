/**
 * toTable: probe results as arquero tables, the intermediate format of reports (style anchor 12). One row per
 * result (one per layer for module decoding), with `tags` (e.g. {layer, label, seed}) added as constant columns
 * so that tables from many runs can be concatenated (`a.concat(b)`) and charted directly.
 */
import * as aq from 'arquero';
import { ControlResult } from './controls';
import { CrossValidationResult } from './cross-validate';
import { ModuleDecodingResult } from './module-decoding';

export type ProbeResult = CrossValidationResult | ControlResult | ModuleDecodingResult;
export type ResultTable = ReturnType<typeof aq.table>;
export type Tags = Record<string, string | number | boolean>;

export function toTable(result: ProbeResult, tags: Tags = {}): ResultTable {
  return aq.from(toRows(result).map((row) => ({ ...tags, ...row })));
}

/** The plain rows behind toTable, for callers that want objects (e.g. vega-lite inline data). */
export function toRows(result: ProbeResult): Record<string, string | number | boolean | null>[] {
  switch (result.kind) {
    case 'crossValidation':
      return [{ mean: result.mean, sd: result.sd, nSplits: result.nSplits, converged: result.converged }];
    case 'probeWithControls':
      return [
        {
          accuracy: result.accuracy.mean,
          accuracySd: result.accuracy.sd,
          control: result.control.mean,
          controlSd: result.control.sd,
          selectivity: result.selectivity,
          majorityBaseline: result.majorityBaseline,
          nSplits: result.nSplits,
          converged: result.converged,
        },
      ];
    case 'moduleDecoding':
      return result.layers.map((l) => ({
        layer: l.layer,
        r2Test: l.r2Test,
        r2Ood: l.r2Ood,
        solver: result.solver,
        l2: result.l2,
        nTrain: result.nTrain,
        nTest: result.nTest,
        nOod: result.nOod,
      }));
    default: {
      const unknown: never = result;
      throw new Error(`toTable: unknown result ${JSON.stringify(unknown)}`);
    }
  }
}
