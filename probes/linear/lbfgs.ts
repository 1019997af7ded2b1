/**
 * A small L-BFGS minimiser for smooth convex objectives (the L2-penalised multinomial log-loss). Written out rather
 * than imported because no maintained CommonJS package offers it, and because the probe has to report honestly
 * whether it converged: the stopping rule is on the gradient, the quantity a user can check.
 */

/** Objective: writes the gradient into `grad` and returns the value. */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when max |gradient| ≤ tol. */
  tol: number;
  /** Number of (s, y) pairs kept. */
  history?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradMaxAbs: number;
  nIter: number;
  converged: boolean;
}

export function minimizeLbfgs(f: ValueAndGradient, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = opts.history ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let value = f(x, g);
  const S: Float64Array[] = [];
  const Yh: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let iter = 0;
  while (maxAbs(g) > opts.tol && iter < opts.maxIter) {
    twoLoop(g, S, Yh, rho, dir);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // The quasi-Newton model went bad (only possible numerically): restart from steepest descent.
      S.length = Yh.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    // First step has no curvature information: scale it so that it moves about one unit.
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let valueNew = NaN;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      valueNew = f(xNew, gNew);
      // Armijo sufficient decrease; enough for convex objectives with the curvature check below.
      if (Number.isFinite(valueNew) && valueNew <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iter++;
    // No decrease even for tiny steps: we are at float resolution of the optimum (or the tol is unreachable).
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Yh.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Yh.shift();
        rho.shift();
      }
    }
    x.set(xNew);
    g.set(gNew);
    value = valueNew;
  }
  const gradMaxAbs = maxAbs(g);
  return { x, value, gradMaxAbs, nIter: iter, converged: gradMaxAbs <= opts.tol };
}

/** dir = −H·g with the two-loop recursion (H the L-BFGS inverse-Hessian estimate). */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], dir: Float64Array): void {
  const k = S.length;
  const alpha = new Float64Array(k);
  for (let i = 0; i < dir.length; i++) dir[i] = -g[i];
  for (let j = k - 1; j >= 0; j--) {
    alpha[j] = rho[j] * dot(S[j], dir);
    axpy(-alpha[j], Y[j], dir);
  }
  if (k > 0) {
    const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
    for (let i = 0; i < dir.length; i++) dir[i] *= gamma;
  }
  for (let j = 0; j < k; j++) {
    const beta = rho[j] * dot(Y[j], dir);
    axpy(alpha[j] - beta, S[j], dir);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
