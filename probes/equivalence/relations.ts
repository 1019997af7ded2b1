/**
 * The built-in candidate relations of each workload, kept on its registry entry (the probes/ half of an entry, as
 * the verdict is): lib/workloads/types.ts's `Workload` gains an optional `relations`, attached here to the built-in
 * workloads; a workload defined elsewhere may carry its own in the entry it registers.
 */
import { AnyModel } from '../../lib/models/types';
import { ArithmeticTask } from '../../lib/tasks/arithmetic';
import { LookupTask } from '../../lib/tasks/lookup';
import { SequenceTask, Task } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { extendWorkload, findWorkload } from '../../lib/workloads/registry';
import { arithmeticRelations } from './arithmetic';
import { lookupRelationsForTask } from './lookup';
import { CandidateRelation } from './types';

declare module '../../lib/workloads/types' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Workload<T extends Task = Task, M extends AnyModel = AnyModel, E = unknown> {
    /** Candidate relations for the equivalence instrument (`complens equiv`); `idSplit` holds the seen inputs. */
    readonly relations?: (task: T, idSplit?: string) => CandidateRelation[];
  }
}

/** Attaches candidate relations to a registered workload (re-registering the entry with them). */
export function registerRelations<T extends Task>(workload: string, relations: (task: T, idSplit?: string) => CandidateRelation[]): void {
  extendWorkload(workload, { relations });
}

/**
 * Candidate relations for a task, from its workload: arithmetic (op and idDigits from the spec), lookup (the
 * compositions of `idSplit` are the seen ones). Other tasks need their own.
 */
export function defaultRelations(task: SequenceTask, idSplit?: string): CandidateRelation[] {
  const relations = findWorkload(task.kind)?.relations;
  if (!relations) throw new ComplensError(`no built-in candidate relations for task kind ${JSON.stringify(task.kind)}; pass options.relations`);
  return relations(task, idSplit);
}

registerRelations('arithmetic', (task: ArithmeticTask) => arithmeticRelations({ op: task.spec.op, idDigits: task.spec.idDigits }));
registerRelations('lookup', (task: LookupTask, idSplit?: string) => lookupRelationsForTask(task, idSplit ?? task.splitNames()[0]));
