/**
 * Module combinations (task supports) as uint32 bitmasks: bit m set ⇔ module m is active. Bitmasks keep the
 * millions of supports of the large sweeps (M=32, K=7) in a few megabytes, and set tests are one AND.
 */

/** Σ_{k=1..K} C(M, k): how many supports have between 1 and K active modules. */
export function countCombinations(modules: number, maxActive: number): number {
  let total = 0;
  let c = 1;
  for (let k = 1; k <= maxActive; k++) {
    c = (c * (modules - k + 1)) / k;
    total += Math.round(c);
  }
  return total;
}

/** Every support with 1..K active modules, by size and then lexicographically (the order of itertools.combinations). */
export function enumerateCombinations(modules: number, maxActive: number): Uint32Array {
  const out = new Uint32Array(countCombinations(modules, maxActive));
  let n = 0;
  const pick = (start: number, left: number, mask: number) => {
    if (left === 0) {
      out[n++] = mask;
      return;
    }
    for (let m = start; m <= modules - left; m++) pick(m + 1, left - 1, (mask | (1 << m)) >>> 0);
  };
  for (let k = 1; k <= maxActive; k++) pick(0, k, 0);
  return out;
}

/** The active modules of a support, ascending. */
export function comboModules(mask: number, modules: number): number[] {
  const out: number[] = [];
  for (let m = 0; m < modules; m++) if ((mask >>> m) & 1) out.push(m);
  return out;
}

/** How many supports each module occurs in. */
export function moduleUsage(combos: ArrayLike<number>, modules: number): Int32Array {
  const usage = new Int32Array(modules);
  for (let i = 0; i < combos.length; i++) for (let m = 0; m < modules; m++) usage[m] += (combos[i] >>> m) & 1;
  return usage;
}

/** Every module occurs in at least one of the supports (otherwise the student never sees it). */
export function isCompositional(combos: ArrayLike<number>, modules: number): boolean {
  return moduleUsage(combos, modules).every((u) => u > 0);
}

/**
 * The co-occurrence graph (modules joined when they share a support) spans all M modules in one component. As in
 * the paper's check, a module that never occurs is its own component, so a connected set is also compositional.
 */
export function isConnected(combos: ArrayLike<number>, modules: number): boolean {
  const parent = Int32Array.from({ length: modules }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  const seen = new Uint8Array(modules);
  for (let i = 0; i < combos.length; i++) {
    let first = -1;
    for (let m = 0; m < modules; m++) {
      if (!((combos[i] >>> m) & 1)) continue;
      seen[m] = 1;
      if (first < 0) first = m;
      else parent[find(m)] = find(first);
    }
  }
  const root = find(0);
  for (let m = 0; m < modules; m++) if (!seen[m] || find(m) !== root) return false;
  return true;
}
