/** Job sections: completing them with a workload's defaults, and setting one field by its dotted path. */
import { ConfigError } from '../util/errors';
import { requireObject } from '../util/validate';
import { JobSections } from './types';

/**
 * The job's sections over the workload's defaults, field by field. The model section's defaults apply only when the
 * job names no architecture or the default's: a job that asks for another architecture starts from that
 * architecture's own defaults.
 */
export function withDefaults(defaults: JobSections, job: Partial<JobSections>): JobSections {
  const task = requireObject(job.task ?? {}, 'task');
  const model = requireObject(job.model ?? {}, 'model');
  const training = requireObject(job.training ?? {}, 'training');
  const sameArch = model.arch === undefined || model.arch === defaults.model.arch;
  return {
    task: { ...defaults.task, ...task },
    model: sameArch ? { ...defaults.model, ...model } : { ...model },
    training: { ...defaults.training, ...training },
  };
}

/** Sets `section.field` (or `section.a.b`, merging into an existing object) in a job's sections. */
export function setJobField(sections: JobSections, path: string, value: unknown): void {
  const [section, ...rest] = path.split('.');
  if (!(section === 'task' || section === 'model' || section === 'training') || rest.length === 0) {
    throw new ConfigError('field', 'task.<field>, model.<field> or training.<field>', path);
  }
  let target = sections[section] as Record<string, unknown>;
  for (const key of rest.slice(0, -1)) {
    const next = target[key];
    target = target[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
  }
  target[rest[rest.length - 1]] = value;
}
