/**
 * One entry point for the verdict of any checkpoint: picks the workload's verdict by task kind. A workload without
 * one gets an error that says which workloads have a verdict and which instruments still apply.
 */
import { AnyModel } from '../../lib/models/types';
import { ArithmeticTask } from '../../lib/tasks/arithmetic';
import { Hyperteacher } from '../../lib/tasks/hyperteacher';
import { LookupTask } from '../../lib/tasks/lookup';
import { UsageError } from '../../lib/util/errors';
import { arithmeticVerdict } from './arithmetic';
import { hyperteacherVerdict } from './hyperteacher';
import { lookupVerdict } from './lookup';
import { DEFAULT_THRESHOLDS, Verdict } from './types';

export interface JudgeOptions {
  seed?: number;
  /** Command named in the error (default analyze). */
  command?: string;
  thresholds?: typeof DEFAULT_THRESHOLDS;
}

export const VERDICT_WORKLOADS = ['lookup (sequence models)', 'arithmetic addition (sequence models)', 'hyperteacher (MLPs)'] as const;

export function judge(model: AnyModel, task: unknown, where: string, options: JudgeOptions = {}): Verdict {
  if (model.kind === 'sequence' && task instanceof LookupTask) return lookupVerdict(model, task, options);
  if (model.kind === 'sequence' && task instanceof ArithmeticTask && task.spec.op === 'add') return arithmeticVerdict(model, task, options);
  if (model.kind === 'vector' && task instanceof Hyperteacher) return hyperteacherVerdict(model, task, options);
  const kind = (task as { spec?: { kind?: string; op?: string } })?.spec;
  throw new UsageError(
    `${options.command ?? 'analyze'}: no verdict for a ${model.kind} model on task ${kind?.kind ?? '?'}${kind?.op ? ` (${kind.op})` : ''} in ${where}; ` +
      `verdicts exist for ${VERDICT_WORKLOADS.join(', ')}. Its instruments still apply: probe, ablate${model.kind === 'sequence' ? ', equiv' : ''}`,
  );
}
