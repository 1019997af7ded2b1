/**
 * One step of each recurrent cell, written exactly as PyTorch's nn.RNN / nn.GRU / nn.LSTM define them (separate
 * input and hidden biases, GRU's reset gate applied to the hidden projection) so that imported PyTorch weights
 * reproduce PyTorch's outputs.
 */
import * as tf from '@tensorflow/tfjs';
import { HookRuntime } from '../../hooks';
import { CellType } from './config';

export interface CellWeights {
  W_ih: tf.Tensor; // [in, G*H]
  W_hh: tf.Tensor; // [H, G*H]
  b_ih: tf.Tensor; // [G*H]
  b_hh: tf.Tensor; // [G*H]
}

export interface CellState {
  h: tf.Tensor2D;
  c?: tf.Tensor2D;
}

/** Advances one layer by one step. `name` is the layer's hook prefix, e.g. 'cells.0.' or 'encoder.cells.1.'. */
export function cellStep(
  cell: CellType,
  w: CellWeights,
  x: tf.Tensor2D,
  state: CellState,
  rt: HookRuntime,
  name: string,
  t: number,
): CellState {
  const gi = tf.add(tf.matMul(x, w.W_ih), w.b_ih) as tf.Tensor2D;
  const gh = tf.add(tf.matMul(state.h, w.W_hh), w.b_hh) as tf.Tensor2D;
  if (cell === 'tanh') {
    const pre = rt.point(`${name}hook_pre`, tf.add(gi, gh) as tf.Tensor2D, t);
    return { h: rt.point(`${name}hook_h`, tf.tanh(pre), t) };
  }
  if (cell === 'gru') {
    const [ir, iz, inn] = tf.split(gi, 3, 1) as tf.Tensor2D[];
    const [hr, hz, hn] = tf.split(gh, 3, 1) as tf.Tensor2D[];
    const r = rt.point(`${name}gates.reset.hook_out`, tf.sigmoid(tf.add(ir, hr)) as tf.Tensor2D, t);
    const z = rt.point(`${name}gates.update.hook_out`, tf.sigmoid(tf.add(iz, hz)) as tf.Tensor2D, t);
    const n = rt.point(`${name}hook_candidate`, tf.tanh(tf.add(inn, tf.mul(r, hn))) as tf.Tensor2D, t);
    // h' = (1 − z) ⊙ n + z ⊙ h, written as n + z ⊙ (h − n) to save one op.
    const h = tf.add(n, tf.mul(z, tf.sub(state.h, n))) as tf.Tensor2D;
    return { h: rt.point(`${name}hook_h`, h, t) };
  }
  const [ii, ifg, ig, io] = tf.split(tf.add(gi, gh), 4, 1) as tf.Tensor2D[];
  const i = rt.point(`${name}gates.input.hook_out`, tf.sigmoid(ii) as tf.Tensor2D, t);
  const f = rt.point(`${name}gates.forget.hook_out`, tf.sigmoid(ifg) as tf.Tensor2D, t);
  const g = rt.point(`${name}hook_candidate`, tf.tanh(ig) as tf.Tensor2D, t);
  const o = rt.point(`${name}gates.output.hook_out`, tf.sigmoid(io) as tf.Tensor2D, t);
  const c = rt.point(`${name}hook_c`, tf.add(tf.mul(f, state.c as tf.Tensor2D), tf.mul(i, g)) as tf.Tensor2D, t);
  const h = rt.point(`${name}hook_h`, tf.mul(o, tf.tanh(c)) as tf.Tensor2D, t);
  return { h, c };
}
