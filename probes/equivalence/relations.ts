/** The built-in candidate relations of each task kind. */
import { ArithmeticSpec } from '../../lib/tasks/arithmetic';
import { LookupTask } from '../../lib/tasks/lookup';
import { SequenceTask } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { arithmeticRelations } from './arithmetic';
import { lookupRelationsForTask } from './lookup';
import { CandidateRelation } from './types';

/**
 * Candidate relations for a task: arithmeticRelations for 'arithmetic' (op and idDigits from the spec),
 * lookupRelationsForTask for 'lookup' (the compositions of `idSplit` are the seen ones). Other tasks need their own.
 */
export function defaultRelations(task: SequenceTask, idSplit?: string): CandidateRelation[] {
  if (task.kind === 'arithmetic') {
    const spec = task.spec as ArithmeticSpec;
    return arithmeticRelations({ op: spec.op, idDigits: spec.idDigits });
  }
  if (task.kind === 'lookup' && task instanceof LookupTask) return lookupRelationsForTask(task, idSplit ?? task.splitNames()[0]);
  throw new ComplensError(`no built-in candidate relations for task kind ${JSON.stringify(task.kind)}; pass options.relations`);
}
