/**
 * Task encodings (C.2, `make_encode_latent`): how the latent z is shown to the student. Fixed parts (the
 * orthogonal matrix, the interval permutation) come from the spec's seed; 'fewshot' draws fresh examples per task.
 */
import { Rng } from '../../util/random';
import { HtEncoding } from './spec';
import { sampleInputs, teacherForward, TeacherWeights } from './teacher';

export interface LatentEncoder {
  readonly encoding: HtEncoding;
  readonly codeSize: number;
  /** The code for latent z; `rng` is read only by 'fewshot'. */
  encode(z: Float32Array, rng: Rng): Float32Array;
}

export const INTERVALS = 10;

export function makeEncoder(encoding: HtEncoding, teacher: TeacherWeights, options: { maxActive: number; shots: number; seed: number }): LatentEncoder {
  const M = teacher.modules;
  switch (encoding) {
    case 'identity':
      return { encoding, codeSize: M, encode: (z) => Float32Array.from(z) };
    case 'orthogonal': {
      const q = randomOrthogonal(M, Rng.derive(options.seed, 'encoding.orthogonal'));
      return { encoding, codeSize: M, encode: (z) => matVec(q, z, M) };
    }
    case 'tokens':
      return { encoding, codeSize: 2 * M, encode: (z) => tokenCode(z) };
    case 'interval_shuffle': {
      const map = Rng.derive(options.seed, 'encoding.intervals').permutation(INTERVALS);
      return { encoding, codeSize: M, encode: (z) => intervalShuffle(z, map) };
    }
    case 'fewshot': {
      const { inputSize: I, outputSize: O } = teacher;
      const n = options.shots;
      return {
        encoding,
        codeSize: n * (I + O),
        encode: (z, rng) => {
          const x = sampleInputs(n, I, rng);
          const code = new Float32Array(n * (I + O));
          code.set(x);
          code.set(teacherForward(teacher, z, x, n, options.maxActive), n * I);
          return code;
        },
      };
    }
  }
}

/** A Haar-random orthogonal matrix [n, n] (row-major): Gram–Schmidt on Gaussian columns, like QR with sign fix. */
export function randomOrthogonal(n: number, rng: Rng): Float32Array {
  const cols: Float64Array[] = [];
  while (cols.length < n) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const c of cols) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * c[i];
        for (let i = 0; i < n; i++) v[i] -= dot * c[i];
      }
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-8) continue; // a degenerate draw: draw again
    cols.push(v.map((x) => x / norm));
  }
  const q = new Float32Array(n * n);
  cols.forEach((c, j) => c.forEach((v, i) => (q[i * n + j] = v)));
  return q;
}

function matVec(q: Float32Array, z: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += q[i * n + j] * z[j];
  return out;
}

/** "Language-like" code of length 2M: for each module m the pair (m + 1, ⌊10·z_m⌋ + M + 1), as floats. */
export function tokenCode(z: ArrayLike<number>): Float32Array {
  const M = z.length;
  const out = new Float32Array(2 * M);
  for (let m = 0; m < M; m++) {
    out[2 * m] = m + 1;
    // Math.fround: the latent is float32, and ⌊10·0.7⌋ must be 7 as in the float32 reference.
    out[2 * m + 1] = Math.floor(Math.fround(10 * Math.fround(z[m]))) + M + 1;
  }
  return out;
}

/**
 * Interval shift (Algorithm 1): the 0.1-wide interval holding each value is relabelled by the fixed permutation
 * `map`, keeping the offset inside the interval; exactly 1.0 stays 1.0. Zero is remapped too, so inactive
 * modules can become non-zero.
 */
export function intervalShuffle(z: ArrayLike<number>, map: readonly number[]): Float32Array {
  // float32 arithmetic as in the JAX reference: in float64, 0.7f / 0.1 falls just below 7 and lands in interval 6.
  const f = Math.fround;
  const width = f(1 / INTERVALS);
  return Float32Array.from(z, (v) => {
    if (v === 1) return 1;
    const k = Math.min(Math.floor(f(f(v) / width)), INTERVALS - 1);
    return f(map[k] * width) + f(v - f(k * width));
  });
}
