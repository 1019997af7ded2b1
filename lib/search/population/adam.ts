/**
 * In-place Adam over a member's parameter block, reproducing tf.train.adam's arithmetic in float32: the bias
 * corrections come from accumulated β powers updated by f32 multiplication, exactly as the tfjs optimizer keeps
 * them, so given equal gradients the two produce bit-identical weights. One SIMD call per model replaces ~13
 * tfjs kernels per variable.
 */
import { SimdKernels } from './simd';

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export class AdamState {
  private accBeta1: number;
  private accBeta2: number;
  constructor(private readonly hp: AdamHyper) {
    this.accBeta1 = Math.fround(hp.beta1);
    this.accBeta2 = Math.fround(hp.beta2);
  }

  /** Updates params (and the m, v moments) from grads; all blocks hold `count` floats (a multiple of 4). */
  step(k: SimdKernels, params: number, grads: number, m: number, v: number, count: number): void {
    const { beta1, beta2, learningRate, epsilon } = this.hp;
    const c1 = Math.fround(1 - this.accBeta1);
    const c2 = Math.fround(1 - this.accBeta2);
    k.adam(params, grads, m, v, count, beta1, 1 - beta1, beta2, 1 - beta2, c1, c2, -learningRate, epsilon);
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(beta2));
  }
}
