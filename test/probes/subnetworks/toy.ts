/**
 * A model with known structure for the subnetwork tests: a 4→4→4 ReLU MLP whose weights are identities, so logits
 * 0–1 read only features 0–1 (subroutine A: which of the two is on) through W[0:2] of both layers, and logits 2–3
 * read only features 2–3 (subroutine B) through W[2:4]. Off-diagonal weights are 0 and carry nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { MlpModel } from '../../../lib/models/mlp';
import { LabelledVectors } from '../../../lib/train/vector';
import { Rng } from '../../../lib/util/random';

export function toyModel(): MlpModel {
  const model = new MlpModel({ arch: 'mlp', inputSize: 4, hiddenSizes: [4], outputSize: 4, activation: 'relu', head: 'linear', items: 4 }, 0);
  const eye = tf.eye(4);
  const zeros = tf.zeros([4]);
  model.params['layers.0.W'].assign(eye);
  model.params['unembed.W_U'].assign(eye);
  model.params['layers.0.b'].assign(zeros);
  model.params['unembed.b_U'].assign(zeros);
  tf.dispose([eye, zeros]);
  return model;
}

/** Rows of subroutine A (labels 0/1: which of features 0–1 is on; features 2–3 noise in [0, 0.8)) or B (labels 2/3). */
export function toyData(sub: 'A' | 'B', rows: number, seed: number): LabelledVectors {
  const rng = new Rng(seed);
  const inputs = new Float32Array(rows * 4);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cls = rng.int(2);
    const on = sub === 'A' ? cls : 2 + cls;
    for (let j = 0; j < 4; j++) {
      const own = sub === 'A' ? j < 2 : j >= 2;
      inputs[r * 4 + j] = own ? (j === on ? 1 : 0) : rng.uniform(0, 0.8);
    }
    labels[r] = on;
  }
  return { batch: { inputs, batchSize: rows, inputSize: 4 }, labels };
}

/** Flat indices of the diagonal entries of a 4×4 kernel that belong to A (0, 1) and to B (2, 3). */
export const A_ENTRIES = [0, 5];
export const B_ENTRIES = [10, 15];
