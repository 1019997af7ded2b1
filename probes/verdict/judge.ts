/**
 * One entry point for the verdict of any checkpoint: the verdict its workload registered (probes/verdict/registry.ts).
 * A workload without one gets an error that says which workloads have a verdict and which instruments still apply.
 */
import { AnyModel } from '../../lib/models/types';
import { Section } from '../../lib/report';
import { TaskBase } from '../../lib/tasks/types';
import { UsageError } from '../../lib/util/errors';
import { findWorkload, workloadOf } from '../../lib/workloads/registry';
import { AnyWorkloadVerdict, verdictLabels, verdictOf } from './registry';
import { evidenceSection, verdictSection } from './report';
import { DEFAULT_THRESHOLDS, Verdict } from './types';

export interface JudgeOptions {
  seed?: number;
  /** Command named in the error (default analyze). */
  command?: string;
  thresholds?: typeof DEFAULT_THRESHOLDS;
}

export function judge(model: AnyModel, task: TaskBase, where: string, options: JudgeOptions = {}): Verdict {
  return verdictFor(model, task, where, options.command).judge(model, task, options);
}

/** The checkpoint's report sections: its workload's, or the verdict's headline and evidence table. */
export function checkpointVerdictSections(model: AnyModel, task: TaskBase, verdict: Verdict, name: string): Section[] {
  const entry = verdictOf(task.kind);
  if (entry?.sections) return entry.sections(model, task, verdict, { name });
  const b = verdict.behaviour;
  const detail = `${b.metric ?? 'exact match'} on ${b.split}: **${b.exactMatch.toFixed(3)}** — reported beside the score, never used in it`;
  return [verdictSection(name, verdict, detail, { workload: verdict.workload, 'instrument time (s)': verdict.seconds }), evidenceSection(name, verdict)];
}

/** The verdict that applies to this checkpoint; a UsageError naming the ones that exist otherwise. */
export function verdictFor(model: AnyModel, task: TaskBase, where: string, command = 'analyze'): AnyWorkloadVerdict {
  const entry = findWorkload(task.kind) && workloadOf(task, model, where).verdict;
  const unsupported = entry ? entry.unsupported?.(task) : '';
  if (entry && unsupported === undefined) return entry;
  throw new UsageError(
    `${command}: no verdict for a ${model.kind} model on task ${task.kind}${unsupported ? ` (${unsupported})` : ''} in ${where}; ` +
      `verdicts exist for ${verdictLabels().join(', ')}. Its instruments still apply: probe, ablate${model.kind === 'sequence' ? ', equiv' : ''}`,
  );
}
