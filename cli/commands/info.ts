/** `complens info`: what a checkpoint holds, read from complens.json without loading the weights. */
import { readCheckpointMeta } from '../../lib/io/checkpoint';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { findWorkload } from '../../lib/workloads';
import { formatEvaluationTable } from './eval';

export const infoCommand: Command = {
  name: 'info',
  summary: 'show the model, task, seeds, training metrics, backend and versions recorded in a checkpoint',
  positionals: checkpointArg(),
  flags: [jsonFlag('the whole complens.json')],
  async run(args: ParsedArgs): Promise<number> {
    const meta = readCheckpointMeta(args.positionals[0]);
    if (args.flags.json) {
      console.log(JSON.stringify(meta, null, 2));
      return 0;
    }
    const model = meta.model as Record<string, unknown>;
    const task = meta.task as Record<string, unknown>;
    const training = meta.training as { steps?: number; stoppedBecause?: string; wallSeconds?: number };
    const lines = [
      `checkpoint   ${args.positionals[0]} (format ${meta.complensFormat}, created ${meta.created})`,
      `model        ${Object.entries(model).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`,
      `task         kind=${task.kind}${summariseTask(task)}`,
      `seeds        ${Object.entries(meta.seeds).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      `backend      ${meta.backend.backend} (tfjs ${meta.backend.tfjsVersion}${meta.backend.patches?.length ? `, patches ${meta.backend.patches.join(',')}` : ''})`,
      `versions     ${Object.entries(meta.versions).map(([k, v]) => `${k}@${v}`).join(' ')}`,
      `weights      ${meta.weights.file} ${meta.weights.bytes} bytes sha256 ${meta.weights.sha256.slice(0, 16)}…`,
    ];
    const source = meta.extra.importedFrom as { file?: string; format?: string; sha256?: string } | undefined;
    if (source?.file) lines.push(`imported     from ${source.file} (${source.format}) sha256 ${source.sha256}`);
    if (training.steps !== undefined) lines.push(`training     ${training.steps} steps (${training.stoppedBecause}), ${training.wallSeconds?.toFixed(1)} s`);
    // The evaluation recorded at training, as its workload prints it (none for an imported model).
    const workload = findWorkload(task.kind);
    const evaluation = workload?.savedEvaluation(meta.training);
    if (workload && evaluation) lines.push(...formatEvaluationTable(workload.table(evaluation)).split('\n').map((l) => `  ${l}`));
    console.log(lines.join('\n'));
    return 0;
  },
};

function summariseTask(task: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['bits', 'encoding', 'regime', 'op', 'padWidth']) if (task[key] !== undefined) parts.push(`${key}=${task[key]}`);
  if (Array.isArray(task.tables)) parts.push(`tables=${task.tables.length}`);
  const split = task.split as { kind?: string; seed?: number } | undefined;
  if (split?.kind) parts.push(`split=${split.kind}${split.seed !== undefined ? `(seed ${split.seed})` : ''}`);
  return parts.length ? ' ' + parts.join(' ') : '';
}
