/** The error a loader throws for bad input, checked to be of the expected class, to say what it should and to allocate no tensor. */
import * as tf from '@tensorflow/tfjs';

export function expectRefusal<E extends Error>(
  fn: () => unknown,
  errorClass: abstract new (...args: never[]) => E,
  ...fragments: Array<string | RegExp>
): E {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(errorClass);
  const msg = (caught as Error).message;
  for (const f of fragments) typeof f === 'string' ? expect(msg).toContain(f) : expect(msg).toMatch(f);
  expect(tf.memory().numTensors).toBe(before); // a rejected input allocates nothing
  return caught as E;
}
