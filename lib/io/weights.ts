/**
 * Float32 weights on the host: the one encoding shared by checkpoints and safetensors (row-major, little-endian).
 * Everything here works on plain arrays so that validation can finish before a single tensor is allocated:
 * a rejected file never leaks tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { ComplensError } from '../util/errors';

/** A tensor's values outside tfjs: `data.length` equals the product of `shape`. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** A name and shape to check loaded weights against; `ParamSpec` satisfies it. */
export interface ExpectedTensor {
  name: string;
  shape: readonly number[];
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);
}

/** A tensor name as it appears in messages: quoted and escaped (a name holding a newline stays on one line), at most ~200 characters. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 200 ? name.slice(0, 200) + '…' : name);
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of `data`: a view (no copy) on little-endian hosts. */
export function float32ToBytes(data: Float32Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}

/** Float32 values of little-endian bytes. Always copies: file buffers need not be 4-byte aligned. */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length >>> 2);
  if (hostIsLittleEndian) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** A float32 tensor's values. Other dtypes are refused: turning int ids into floats would not round-trip. */
export function tensorToHost(name: string, t: tf.Tensor): HostTensor {
  checkFloat32Tensor(name, t);
  return { shape: t.shape.slice(), data: t.dataSync() as Float32Array };
}

export function checkFloat32Tensor(name: string, t: unknown): asserts t is tf.Tensor {
  if (!(t instanceof tf.Tensor)) throw new ComplensError(`weight "${name}": expected a tf.Tensor, got ${typeof t}`);
  if (t.isDisposed) throw new ComplensError(`weight "${name}": the tensor is disposed`);
  if (t.dtype !== 'float32') throw new ComplensError(`weight "${name}": expected dtype float32, got ${t.dtype}`);
}

export function hostToTensor(h: HostTensor): tf.Tensor {
  return tf.tensor(h.data, h.shape, 'float32');
}

/** Describes the first NaN/Inf in `data`, or undefined when all values are finite. */
export function nonFiniteReport(data: Float32Array): string | undefined {
  let first = -1;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return undefined;
  return `${count} non-finite value${count > 1 ? 's' : ''} (first: ${data[first]} at flat index ${first})`;
}

/** Every missing, unexpected or mis-shaped tensor, one line each (empty when `actual` matches `expected`). */
export function compareToExpected(actual: readonly ExpectedTensor[], expected: readonly ExpectedTensor[], alreadyReported: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  const got = new Map(actual.map((a) => [a.name, a.shape]));
  const want = new Map(expected.map((e) => [e.name, e.shape]));
  for (const [name, shape] of want) {
    const have = got.get(name);
    if (!have) {
      if (!alreadyReported.has(name)) problems.push(`missing tensor ${quoteName(name)} (expected shape ${shapeText(shape)})`);
    } else if (have.length !== shape.length || have.some((d, i) => d !== shape[i])) {
      problems.push(`tensor ${quoteName(name)}: expected shape ${shapeText(shape)}, got ${shapeText(have)}`);
    }
  }
  for (const [name, shape] of got) {
    if (!want.has(name)) problems.push(`unexpected tensor ${quoteName(name)} ${shapeText(shape)} (the model has no such parameter)`);
  }
  return problems;
}
