/**
 * The teacher network (C.1.1): each module m owns a first-layer weight Θ_m [I, H] and bias b_m [H]; a task with
 * latent z uses W = Σ_m z̃_m Θ_m, b = Σ_m z̃_m b_m with z̃ = z/√K, and y = relu(x W + b) R with one readout R
 * [H, O] shared by all tasks. Plain typed-array code: the teacher is tiny and data generation must not touch tfjs.
 */
import { Rng } from '../../util/random';

export interface TeacherWeights {
  modules: number;
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  /** Θ, row-major [M, I, H]. */
  theta: Float32Array;
  /** Per-module biases [M, H], uniform in [0, 0.5). */
  bias: Float32Array;
  /** Shared readout [H, O]. */
  readout: Float32Array;
}

/** Standard deviation of a standard normal truncated to [−2, 2]; dividing by it restores unit variance. */
export const TRUNCATED_NORMAL_STD = 0.8796256610342398;

/** Standard normal truncated to [−2, 2] by rejection (the truncation of jax.random.truncated_normal in variance_scaling). */
export function truncatedNormal(rng: Rng): number {
  for (;;) {
    const v = rng.normal();
    if (v >= -2 && v <= 2) return v;
  }
}

/**
 * Flax `variance_scaling(scale, 'fan_in', 'truncated_normal')`: N(0, 1) truncated to ±2 standard deviations, scaled
 * so the variance is exactly scale / fan_in. With scale √3 (the paper's config) every weight has |w| ≤
 * 2·sqrt(√3/fan_in)/0.8796.
 */
export function varianceScaling(size: number, fanIn: number, scale: number, rng: Rng): Float32Array {
  const std = Math.sqrt(scale / fanIn) / TRUNCATED_NORMAL_STD;
  return Float32Array.from({ length: size }, () => truncatedNormal(rng) * std);
}

export const TEACHER_SCALE = Math.sqrt(3);

export function initTeacher(sizes: { modules: number; inputSize: number; hiddenSize: number; outputSize: number }, seed: number): TeacherWeights {
  const { modules: M, inputSize: I, hiddenSize: H, outputSize: O } = sizes;
  // Fan-in excludes the module axis (Flax batch_axis=(0,)): each Θ_m alone is a properly scaled layer.
  const rng = Rng.derive(seed, 'teacher.modules');
  const theta = varianceScaling(M * I * H, I, TEACHER_SCALE, rng);
  const biasRng = Rng.derive(seed, 'teacher.bias');
  const bias = Float32Array.from({ length: M * H }, () => biasRng.uniform(0, 0.5));
  const readout = varianceScaling(H * O, H, TEACHER_SCALE, Rng.derive(seed, 'teacher.readout'));
  return { modules: M, inputSize: I, hiddenSize: H, outputSize: O, theta, bias, readout };
}

/** Outputs [n, O] of the task with raw latent z (length M) on inputs x [n, I]; `maxActive` is K of the √K scaling. */
export function teacherForward(t: TeacherWeights, z: ArrayLike<number>, x: Float32Array, n: number, maxActive: number): Float32Array {
  const { modules: M, inputSize: I, hiddenSize: H, outputSize: O } = t;
  const w = new Float32Array(I * H);
  const b = new Float32Array(H);
  const norm = 1 / Math.sqrt(maxActive);
  for (let m = 0; m < M; m++) {
    const zm = z[m] * norm;
    if (zm === 0) continue;
    for (let k = 0; k < I * H; k++) w[k] += zm * t.theta[m * I * H + k];
    for (let h = 0; h < H; h++) b[h] += zm * t.bias[m * H + h];
  }
  const y = new Float32Array(n * O);
  const hidden = new Float32Array(H);
  for (let s = 0; s < n; s++) {
    hidden.set(b);
    for (let i = 0; i < I; i++) {
      const xi = x[s * I + i];
      for (let h = 0; h < H; h++) hidden[h] += xi * w[i * H + h];
    }
    for (let h = 0; h < H; h++) {
      const a = hidden[h];
      if (a <= 0) continue;
      for (let o = 0; o < O; o++) y[s * O + o] += a * t.readout[h * O + o];
    }
  }
  return y;
}

/** Inputs x ~ U[−1, 1]^I for n samples. */
export function sampleInputs(n: number, inputSize: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n * inputSize }, () => rng.uniform(-1, 1));
}
