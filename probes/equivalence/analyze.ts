/**
 * analyzeEquivalence: what a model answers on an OOD split, in terms of candidate relations (seeds B.6), with the
 * representation-level check (B.7) and an automatic search for the outputs no candidate explains.
 */
import { Params, SequenceModel } from '../../lib/models/types';
import { evaluateExamples } from '../../lib/train/evaluate';
import { EncodedExample, SequenceTask } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { representationCheck } from './representation';
import { defaultRelations } from './relations';
import { scoreRelations } from './score';
import { searchMappings } from './search';
import { CandidateRelation, EquivalenceResult, RelationScore } from './types';

export interface EquivalenceOptions {
  /** Candidate relations (default: the task kind's built-in library, see defaultRelations). */
  relations?: readonly CandidateRelation[];
  /** The in-distribution split: random ID partners, preimages for the search, seen compositions. Default: the training split. */
  idSplit?: string;
  /** Hook for the representation check (default model.stateHook). */
  hook?: string;
  /** Input position for the representation check (default 'last-prompt'). */
  position?: 'last-prompt' | number;
  /**
   * Relation whose representatives the representation check uses. Default: the best-ranked relation that has
   * representatives for some example (even if it explains no output: the states may agree when the outputs do not).
   */
  representationRelation?: string;
  /** Run the representation check (default true). */
  representation?: boolean;
  /** Run the automatic search on unexplained outputs (default true; it decodes the ID split greedily once). */
  search?: boolean;
  /** Analyse only the first `limit` examples of the split. */
  limit?: number;
  /** Seed of the random ID partners. Default 0. */
  seed?: number;
  params?: Params;
  batchSize?: number;
}

function checkSplit(task: SequenceTask, name: string, flag: string): void {
  if (!task.splitNames().includes(name)) {
    throw new ComplensError(`${flag}: the ${task.kind} task has no split ${JSON.stringify(name)}; its splits are ${task.splitNames().join(', ')}`);
  }
}

/**
 * @example
 * const { model, task } = loadModelCheckpoint('runs/adder');
 * const r = analyzeEquivalence(model as SequenceModel, task, 'ood_4digit');
 * r.best?.name;                    // 'operands mod 10^3'
 * r.representation?.ratio;         // ≈ 0.02 for the paper's adder (0.43 / 21.0)
 */
export function analyzeEquivalence(model: SequenceModel, task: SequenceTask, splitName: string, options: EquivalenceOptions = {}): EquivalenceResult {
  if (!model || model.kind !== 'sequence') throw new ComplensError('analyzeEquivalence needs a sequence model (it compares decoded answers)');
  checkSplit(task, splitName, 'split');
  const idSplit = options.idSplit ?? task.splitNames()[0];
  checkSplit(task, idSplit, 'idSplit');
  let examples: readonly EncodedExample[] = task.split(splitName).examples;
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new ComplensError(`limit: expected a positive integer, got ${options.limit}`);
    examples = examples.slice(0, options.limit);
  }
  if (examples.length === 0) throw new ComplensError(`split ${splitName} has no examples`);
  const relations = options.relations ? [...options.relations] : defaultRelations(task, idSplit);

  const evaluation = evaluateExamples(model, examples, { params: options.params, batchSize: options.batchSize });
  const outputs = evaluation.predictions;
  const scoring = scoreRelations(examples, outputs, relations);
  const ranked = scoring.relations;
  const best: RelationScore | undefined = ranked[0] && ranked[0].explained > 0 ? ranked[0] : undefined;

  const result: EquivalenceResult = {
    kind: 'equivalence',
    task: task.kind,
    split: splitName,
    idSplit,
    count: examples.length,
    exactAccuracy: evaluation.exactMatch,
    relations: ranked,
    families: scoring.families,
    ...(best ? { best } : {}),
    unexplained: { count: scoring.unexplained.length, fraction: scoring.unexplained.length / examples.length, indices: scoring.unexplained },
    notApplicable: scoring.notApplicable,
  };

  const idExamples = task.split(idSplit).examples;
  if (options.representation !== false) {
    const byName = new Map(relations.map((r) => [r.name, r]));
    let chosen: CandidateRelation | undefined;
    if (options.representationRelation !== undefined) {
      chosen = byName.get(options.representationRelation);
      if (!chosen) throw new ComplensError(`representationRelation: no candidate relation named ${JSON.stringify(options.representationRelation)}`);
      if (!chosen.representative) throw new ComplensError(`representationRelation: ${chosen.name} has no representatives`);
    } else {
      chosen = ranked
        .map((s) => byName.get(s.name)!)
        .find((r) => r.representative && examples.some((ex) => r.representative!(ex)));
    }
    if (chosen) {
      const check = representationCheck(model, examples, chosen, idExamples, {
        hook: options.hook,
        position: options.position,
        seed: options.seed,
        params: options.params,
        chunkSize: options.batchSize,
      });
      if (check) result.representation = check;
    }
  }

  if (options.search !== false && scoring.unexplained.length > 0) {
    const idOutputs = evaluateExamples(model, idExamples, { params: options.params, batchSize: options.batchSize }).predictions;
    const un = scoring.unexplained;
    result.search = searchMappings(
      { prompts: un.map((i) => examples[i].prompt), outputs: un.map((i) => outputs[i]) },
      { prompts: idExamples.map((e) => e.prompt), outputs: idOutputs },
      { tokenName: (t) => task.vocab[t] ?? String(t) },
    );
  }
  return result;
}
