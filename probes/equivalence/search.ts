/**
 * Automatic search for a consistent input mapping behind outputs no candidate relation explains.
 *
 * For each unexplained OOD input x, its preimages P(x) are the ID inputs on which the model gives the same output
 * (read from the model's own outputs on the ID split). We look for one position-wise map Φ = (φ_0, …, φ_{L−1}) on
 * prompts of length L, each φ_j a function of the token at position j, such that Φ(x) ∈ P(x) for as many x as
 * possible: "the model answers as if position j held φ_j(x_j)". Xu et al.'s equivalence is such a map (the
 * thousands digits of both operands → 0); so is a table substitution in the lookup task (tA → tB at one position).
 *
 * Search (a hard-EM alternation, deterministic):
 * 1. assign each x the preimage closest in Hamming distance;
 * 2. φ_j(v) = the most common token at j among the assigned preimages of inputs with x_j = v (ties: keep v);
 * 3. re-assign each x the preimage agreeing with Φ(x) at the most positions; repeat 2–3 until stable.
 * The support — how many x the final Φ maps exactly into P(x) — is counted exactly; substitutions the support
 * does not need are then undone one by one (so the description lists only what matters). Maps depending on other
 * positions (e.g. carries) or changing the length are not searched; the candidate library covers those.
 */
import { ComplensError } from '../../lib/util/errors';
import { DiscoveredMapping, MappingSearchResult, PositionRule } from './types';

export interface SearchInput {
  prompts: readonly (readonly number[])[];
  outputs: readonly (readonly number[])[];
}

export interface SearchOptions {
  /** Alternations of steps 2–3 at most. Default 20. */
  maxIterations?: number;
  /** Token id → text, for descriptions (e.g. the task's vocab). */
  tokenName?: (token: number) => string;
  /**
   * Least support for `best`. Default 2: any single input can be mapped onto one of its own preimages, so a
   * mapping is only evidence of a consistent rule when it covers several inputs.
   */
  minSupport?: number;
}

const key = (tokens: readonly number[]) => tokens.join(',');

export function searchMappings(ood: SearchInput, id: SearchInput, options: SearchOptions = {}): MappingSearchResult {
  if (ood.prompts.length !== ood.outputs.length) throw new ComplensError(`searchMappings: ${ood.prompts.length} OOD prompts but ${ood.outputs.length} outputs`);
  if (id.prompts.length !== id.outputs.length) throw new ComplensError(`searchMappings: ${id.prompts.length} ID prompts but ${id.outputs.length} outputs`);
  const maxIterations = options.maxIterations ?? 20;
  const name = options.tokenName ?? String;
  const byOutput = new Map<string, number[]>();
  id.outputs.forEach((o, j) => {
    const k = key(o);
    const list = byOutput.get(k);
    if (list) list.push(j);
    else byOutput.set(k, [j]);
  });
  const lengths = [...new Set(ood.prompts.map((p) => p.length))].sort((a, b) => a - b);
  const mappings = lengths.map((L) => {
    const items = ood.prompts.map((_, i) => i).filter((i) => ood.prompts[i].length === L);
    return searchLength(L, items, ood, id, byOutput, maxIterations, name);
  });
  mappings.sort((a, b) => b.support - a.support || b.examples - a.examples);
  const best = mappings.find((m) => m.support >= Math.max(1, options.minSupport ?? 2));
  return { examples: ood.prompts.length, mappings, ...(best ? { best } : {}) };
}

function searchLength(
  L: number,
  items: number[],
  ood: SearchInput,
  id: SearchInput,
  byOutput: Map<string, number[]>,
  maxIterations: number,
  name: (t: number) => string,
): DiscoveredMapping {
  const xs: (readonly number[])[] = [];
  const pre: number[][] = [];
  for (const i of items) {
    const P = (byOutput.get(key(ood.outputs[i])) ?? []).filter((j) => id.prompts[j].length === L);
    if (P.length) {
      xs.push(ood.prompts[i]);
      pre.push(P);
    }
  }
  const base = { promptLength: L, examples: items.length, withPreimage: xs.length };
  if (xs.length === 0) {
    return { ...base, support: 0, fraction: 0, meanPreimages: 0, rules: [], description: 'no ID input gives any of these outputs' };
  }
  const agree = (a: readonly number[], b: readonly number[]) => {
    let s = 0;
    for (let j = 0; j < L; j++) if (a[j] === b[j]) s++;
    return s;
  };
  // 1. Closest preimage.
  let assign = xs.map((x, k) => argmax(pre[k], (j) => agree(x, id.prompts[j]), -1));
  let phi: Map<number, number>[] = [];
  for (let it = 0; it < maxIterations; it++) {
    // 2. Majority map per position.
    phi = Array.from({ length: L }, (_, j) => {
      const counts = new Map<number, Map<number, number>>();
      xs.forEach((x, k) => {
        const v = x[j];
        const w = id.prompts[assign[k]][j];
        const c = counts.get(v) ?? new Map<number, number>();
        c.set(w, (c.get(w) ?? 0) + 1);
        counts.set(v, c);
      });
      const map = new Map<number, number>();
      for (const [v, c] of counts) {
        let bestW = v;
        let bestN = c.get(v) ?? 0;
        for (const [w, n] of c) if (n > bestN || (n === bestN && w !== v && bestW !== v && w < bestW)) [bestW, bestN] = [w, n];
        map.set(v, bestW);
      }
      return map;
    });
    // 3. Re-assign to the preimage that agrees most with Φ(x); keep the current one on ties.
    const next = xs.map((x, k) => {
      const target = apply(phi, x);
      return argmax(pre[k], (j) => agree(target, id.prompts[j]), assign[k]);
    });
    const changed = next.some((j, k) => j !== assign[k]);
    assign = next;
    if (!changed) break;
  }
  const preKeys = pre.map((P) => new Set(P.map((j) => key(id.prompts[j]))));
  const supportOf = (maps: Map<number, number>[]) => xs.reduce((s, x, k) => s + (preKeys[k].has(key(apply(maps, x))) ? 1 : 0), 0);
  let support = supportOf(phi);
  // Occam: undo every substitution v→w that the support does not need, so the description keeps only what matters.
  for (let j = 0; j < L; j++) {
    for (const [v, w] of [...phi[j].entries()].sort((a, b) => a[0] - b[0])) {
      if (v === w) continue;
      phi[j].set(v, v);
      const s = supportOf(phi);
      if (s >= support) support = s;
      else phi[j].set(v, w);
    }
  }
  const rules = phi.map((m, position) => rule(position, m));
  return {
    ...base,
    support,
    fraction: items.length ? support / items.length : 0,
    meanPreimages: pre.reduce((s, P) => s + P.length, 0) / pre.length,
    rules,
    description: describe(rules, name),
  };
}

/** Φ(x): each position through its map; tokens never seen at a position are kept. */
export function apply(phi: readonly Map<number, number>[], x: readonly number[]): number[] {
  return x.map((v, j) => phi[j]?.get(v) ?? v);
}

/** Applies a rule list to a prompt ('constant' rules set the token whatever it was). */
export function applyRules(rules: readonly PositionRule[], x: readonly number[]): number[] {
  const out = x.slice();
  for (const r of rules) {
    if (r.position >= out.length) continue;
    if (r.kind === 'constant') out[r.position] = r.value!;
    else if (r.kind === 'map') {
      const hit = r.map?.find(([v]) => v === out[r.position]);
      if (hit) out[r.position] = hit[1];
    }
  }
  return out;
}

function argmax(candidates: readonly number[], score: (j: number) => number, prefer: number): number {
  let best = candidates[0];
  let bestScore = -Infinity;
  for (const j of candidates) {
    const s = score(j);
    if (s > bestScore || (s === bestScore && j === prefer)) [best, bestScore] = [j, s];
  }
  return best;
}

function rule(position: number, map: Map<number, number>): PositionRule {
  const pairs = [...map.entries()].sort((a, b) => a[0] - b[0]);
  if (pairs.every(([v, w]) => v === w)) return { position, kind: 'keep' };
  const targets = new Set(pairs.map(([, w]) => w));
  if (targets.size === 1) return { position, kind: 'constant', value: pairs[0][1], map: pairs };
  return { position, kind: 'map', map: pairs };
}

function describe(rules: readonly PositionRule[], name: (t: number) => string): string {
  const parts = rules
    .filter((r) => r.kind !== 'keep')
    .map((r) => {
      const byTarget = new Map<number, number[]>();
      for (const [v, w] of r.map ?? []) if (v !== w) byTarget.set(w, [...(byTarget.get(w) ?? []), v]);
      const from = (vs: number[]) => (vs.length > 6 ? `${vs.slice(0, 3).map(name).join('|')}|…(${vs.length})` : vs.map(name).join('|'));
      return `pos ${r.position}: ${[...byTarget].map(([w, vs]) => `${from(vs)}→${name(w)}`).join(', ')}`;
    });
  return parts.length ? `${parts.join('; ')}; the rest kept` : 'identity: the ID input with the same tokens';
}
