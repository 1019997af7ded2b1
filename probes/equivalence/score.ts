/**
 * Scoring candidate relations against a model's outputs: pure functions of (examples, outputs, relations), no
 * model involved, so they can be tested on hand-made outputs and reused on outputs computed elsewhere.
 */
import { EncodedExample } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { CandidateRelation, FamilyScore, Prediction, RelationScore } from './types';

export interface RelationScoring {
  /** Ranked, best first. */
  relations: RelationScore[];
  families: FamilyScore[];
  /** Per relation (in the input order of `relations`): 1 where it explains the output. */
  explains: Map<string, Uint8Array>;
  /** Indices of outputs no relation explains. */
  unexplained: number[];
  notApplicable: string[];
}

/** The prediction of a relation for one example: `predict`, else the target of its representative. */
export function predictionOf(relation: CandidateRelation, example: EncodedExample): Prediction {
  if (relation.predict) return relation.predict(example);
  if (relation.representative) return relation.representative(example)?.target;
  throw new ComplensError(`relation ${JSON.stringify(relation.name)} has neither predict nor representative`);
}

const tokenKey = (tokens: readonly number[]) => tokens.join(',');

export function scoreRelations(
  examples: readonly EncodedExample[],
  outputs: readonly (readonly number[])[],
  relations: readonly CandidateRelation[],
): RelationScoring {
  const n = examples.length;
  if (outputs.length !== n) throw new ComplensError(`scoreRelations: ${outputs.length} outputs for ${n} examples`);
  if (relations.length === 0) throw new ComplensError('scoreRelations: no candidate relations');
  const names = new Set<string>();
  for (const r of relations) {
    if (!r || typeof r.name !== 'string' || !r.name) throw new ComplensError('every candidate relation needs a non-empty name');
    if (names.has(r.name)) throw new ComplensError(`two candidate relations are named ${JSON.stringify(r.name)}`);
    names.add(r.name);
  }
  const outputKeys = outputs.map(tokenKey);
  const outputCounts = countBy(outputKeys);

  const explains = new Map<string, Uint8Array>();
  const scores: (RelationScore & { order: number })[] = [];
  const notApplicable: string[] = [];
  relations.forEach((r, order) => {
    const hit = new Uint8Array(n);
    let predicted = 0;
    let explained = 0;
    let chance = 0;
    let decoded: (number | undefined)[] | undefined;
    let decodedCounts: Map<number, number> | undefined;
    for (let i = 0; i < n; i++) {
      const p = predictionOf(r, examples[i]);
      if (p === undefined) continue;
      predicted++;
      if (typeof p === 'number') {
        if (!r.decode) throw new ComplensError(`relation ${JSON.stringify(r.name)} predicts values but has no decode(tokens) to read the model's answers`);
        if (!decoded) {
          decoded = outputs.map((o, j) => r.decode!(o, examples[j]));
          decodedCounts = countBy(decoded.filter((v): v is number => v !== undefined));
        }
        if (decoded[i] === p) hit[i] = 1;
        chance += decodedCounts!.get(p) ?? 0;
      } else {
        const key = tokenKey(p);
        if (key === outputKeys[i]) hit[i] = 1;
        chance += outputCounts.get(key) ?? 0;
      }
      explained += hit[i];
    }
    explains.set(r.name, hit);
    if (predicted === 0) notApplicable.push(r.name);
    scores.push({
      rank: 0,
      name: r.name,
      description: r.description,
      family: r.family ?? r.name,
      explained,
      fraction: n ? explained / n : NaN,
      predicted,
      precision: predicted ? explained / predicted : NaN,
      baseline: n ? chance / (n * n) : NaN,
      isTruth: r.isTruth === true,
      order,
    });
  });
  scores.sort((a, b) => b.explained - a.explained || a.predicted - b.predicted || a.order - b.order);
  const ranked = scores.map(({ order: _order, ...s }, i) => ({ ...s, rank: i + 1 }));

  const familyNames = [...new Set(relations.map((r) => r.family ?? r.name))];
  const families: FamilyScore[] = familyNames
    .map((family) => {
      const members = relations.filter((r) => (r.family ?? r.name) === family);
      const any = new Uint8Array(n);
      for (const m of members) explains.get(m.name)!.forEach((v, i) => (any[i] |= v));
      const explained = any.reduce((s, v) => s + v, 0);
      return { family, relations: members.length, explained, fraction: n ? explained / n : NaN };
    })
    .sort((a, b) => b.explained - a.explained);

  const unexplained: number[] = [];
  for (let i = 0; i < n; i++) {
    let any = false;
    for (const hit of explains.values()) if (hit[i]) {
      any = true;
      break;
    }
    if (!any) unexplained.push(i);
  }
  return { relations: ranked, families, explains, unexplained, notApplicable };
}

function countBy<K>(keys: readonly K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
