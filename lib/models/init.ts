/** Seeded weight initialisation from ParamSpecs: the same seed gives the same weights on every backend. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/random';
import { ParamSpec } from './types';

export function initialValues(spec: ParamSpec, rng: Rng): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const scale = spec.scale ?? 1;
  switch (spec.init) {
    case 'zeros':
      break;
    case 'ones':
      values.fill(1);
      break;
    case 'uniform':
      for (let i = 0; i < size; i++) values[i] = rng.uniform(-scale, scale);
      break;
    case 'normal':
      for (let i = 0; i < size; i++) values[i] = rng.normal() * scale;
      break;
  }
  return values;
}

/** Creates one variable per spec, in spec order; each tensor draws from its own stream so adding a tensor never shifts the others. */
export function initParams(specs: readonly ParamSpec[], seed: number): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  for (const spec of specs) {
    const values = initialValues(spec, Rng.derive(seed, spec.name));
    const initial = tf.tensor(values, spec.shape, 'float32');
    params[spec.name] = tf.variable(initial, true, `${spec.name}_${uniqueSuffix()}`);
    initial.dispose(); // the variable holds its own reference to the data
  }
  return params;
}

let counter = 0;
function uniqueSuffix(): string {
  // tfjs variable names are global; two models with the same param names must not collide.
  return String(counter++);
}

/** Picks weights: the override when given, else the model's own variable. */
export function weight(own: Record<string, tf.Variable>, override: Record<string, tf.Tensor> | undefined, name: string): tf.Tensor {
  return override?.[name] ?? own[name];
}
