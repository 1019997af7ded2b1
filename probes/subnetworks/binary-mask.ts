/**
 * A hard (binary) mask over named weight tensors, held in host memory (no tfjs tensors, nothing to dispose), and
 * its algebra after Csordás et al. (2021): union, intersection, difference, inverse, IoU, sparsity per tensor.
 *
 * A mask covers a fixed set of tensors; bit 1 = the weight belongs to the subnetwork. Tensors a mask does not
 * cover are outside the analysis: every mode leaves them untouched, and the algebra never invents them. Binary
 * operations require both masks to cover the same tensors with the same shapes (a ComplensError otherwise).
 */
import { ComplensError } from '../../lib/util/errors';

export interface MaskTensor {
  name: string;
  shape: number[];
  /** Row-major, one byte per weight: 1 = kept (in the subnetwork), 0 = removed. */
  bits: Uint8Array;
}

export interface TensorSparsity {
  name: string;
  shape: number[];
  /** Weights in the subnetwork. */
  kept: number;
  total: number;
  /** kept / total. */
  keptFraction: number;
  /** 1 − keptFraction: the fraction removed (the usual meaning of "sparsity"). */
  sparsity: number;
}

/** The JSON form written next to reports (`--out`), readable by `BinaryMask.fromJSON`. */
export interface BinaryMaskJson {
  format: 'complens-mask/1';
  tensors: { name: string; shape: number[]; /** base64 of the bit-packed mask, MSB first. */ packed: string }[];
}

export class BinaryMask {
  readonly tensors: readonly MaskTensor[];
  private readonly byName: Map<string, MaskTensor>;

  constructor(tensors: readonly MaskTensor[]) {
    const seen = new Set<string>();
    for (const t of tensors) {
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (t.bits.length !== size) throw new ComplensError(`BinaryMask: ${t.name} has ${t.bits.length} bits for shape [${t.shape}] (${size} entries)`);
      if (seen.has(t.name)) throw new ComplensError(`BinaryMask: tensor ${t.name} appears twice`);
      seen.add(t.name);
    }
    this.tensors = tensors.map((t) => ({ name: t.name, shape: [...t.shape], bits: t.bits }));
    this.byName = new Map(this.tensors.map((t) => [t.name, t]));
  }

  /** A mask from real-valued scores: bit = 1[s > 0] (the paper's evaluation-time mask). */
  static fromScores(scores: readonly { name: string; shape: number[]; values: ArrayLike<number> }[]): BinaryMask {
    return new BinaryMask(scores.map((s) => ({ name: s.name, shape: s.shape, bits: Uint8Array.from(s.values as ArrayLike<number>, (v) => (v > 0 ? 1 : 0)) })));
  }

  /** Every weight kept (`value` 1) or removed (0) in the given tensors. */
  static constant(tensors: readonly { name: string; shape: readonly number[] }[], value: 0 | 1): BinaryMask {
    return new BinaryMask(tensors.map((t) => ({ name: t.name, shape: [...t.shape], bits: new Uint8Array(t.shape.reduce((a, b) => a * b, 1)).fill(value) })));
  }

  get names(): string[] {
    return this.tensors.map((t) => t.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): MaskTensor {
    const t = this.byName.get(name);
    if (!t) throw new ComplensError(`BinaryMask: no tensor ${name} (covers ${this.names.join(', ')})`);
    return t;
  }

  /** Weights kept, over all covered tensors. */
  count(): number {
    let n = 0;
    for (const t of this.tensors) for (let i = 0; i < t.bits.length; i++) n += t.bits[i];
    return n;
  }

  /** Weights covered (kept or not). */
  size(): number {
    return this.tensors.reduce((n, t) => n + t.bits.length, 0);
  }

  /** Fraction of the covered weights that are kept (the paper's "subnetwork size", L0 / maskable weights). */
  keptFraction(): number {
    const size = this.size();
    return size ? this.count() / size : NaN;
  }

  /** Per tensor ("per layer") kept counts and sparsity, in the mask's tensor order. */
  perTensor(): TensorSparsity[] {
    return this.tensors.map((t) => {
      let kept = 0;
      for (let i = 0; i < t.bits.length; i++) kept += t.bits[i];
      const total = t.bits.length;
      const keptFraction = total ? kept / total : NaN;
      return { name: t.name, shape: [...t.shape], kept, total, keptFraction, sparsity: 1 - keptFraction };
    });
  }

  /** Kept in either. */
  union(other: BinaryMask): BinaryMask {
    return this.combine(other, (a, b) => a | b);
  }

  /** Kept in both. */
  intersection(other: BinaryMask): BinaryMask {
    return this.combine(other, (a, b) => a & b);
  }

  /** Kept here but not in `other`. */
  difference(other: BinaryMask): BinaryMask {
    return this.combine(other, (a, b) => a & (b ^ 1));
  }

  /** Every covered weight flipped: the complement subnetwork within the covered tensors. */
  inverse(): BinaryMask {
    return new BinaryMask(this.tensors.map((t) => ({ name: t.name, shape: t.shape, bits: t.bits.map((v) => v ^ 1) })));
  }

  /**
   * Intersection over union of the kept sets, |A ∩ B| / |A ∪ B|, over all covered tensors (or one tensor with
   * `name`). Two empty masks are identical, so their IoU is 1.
   */
  iou(other: BinaryMask, name?: string): number {
    this.checkCompatible(other);
    const names = name ? [name] : this.names;
    let inter = 0;
    let union = 0;
    for (const n of names) {
      const a = this.get(n).bits;
      const b = other.get(n).bits;
      for (let i = 0; i < a.length; i++) {
        inter += a[i] & b[i];
        union += a[i] | b[i];
      }
    }
    return union === 0 ? 1 : inter / union;
  }

  /** IoU per covered tensor, in the mask's tensor order. */
  iouByTensor(other: BinaryMask): { name: string; iou: number }[] {
    return this.names.map((name) => ({ name, iou: this.iou(other, name) }));
  }

  equals(other: BinaryMask): boolean {
    if (!this.sameLayout(other)) return false;
    return this.tensors.every((t) => {
      const o = other.get(t.name).bits;
      for (let i = 0; i < t.bits.length; i++) if (t.bits[i] !== o[i]) return false;
      return true;
    });
  }

  /** The same mask restricted to some of its tensors (e.g. one layer's kernels). */
  restrict(names: readonly string[]): BinaryMask {
    return new BinaryMask(names.map((n) => this.get(n)));
  }

  toJSON(): BinaryMaskJson {
    return {
      format: 'complens-mask/1',
      tensors: this.tensors.map((t) => ({ name: t.name, shape: [...t.shape], packed: Buffer.from(packBits(t.bits)).toString('base64') })),
    };
  }

  static fromJSON(json: BinaryMaskJson): BinaryMask {
    if (json?.format !== 'complens-mask/1' || !Array.isArray(json.tensors)) throw new ComplensError(`not a complens mask (expected format "complens-mask/1")`);
    return new BinaryMask(
      json.tensors.map((t) => {
        const size = t.shape.reduce((a, b) => a * b, 1);
        return { name: t.name, shape: t.shape, bits: unpackBits(new Uint8Array(Buffer.from(t.packed, 'base64')), size) };
      }),
    );
  }

  private sameLayout(other: BinaryMask): boolean {
    return (
      this.tensors.length === other.tensors.length &&
      this.tensors.every((t) => other.has(t.name) && other.get(t.name).shape.length === t.shape.length && other.get(t.name).shape.every((d, i) => d === t.shape[i]))
    );
  }

  private checkCompatible(other: BinaryMask): void {
    if (!this.sameLayout(other)) {
      const describe = (m: BinaryMask) => m.tensors.map((t) => `${t.name}[${t.shape}]`).join(', ');
      throw new ComplensError(`mask algebra needs masks over the same tensors: ${describe(this)} vs ${describe(other)}`);
    }
  }

  private combine(other: BinaryMask, op: (a: number, b: number) => number): BinaryMask {
    this.checkCompatible(other);
    return new BinaryMask(
      this.tensors.map((t) => {
        const o = other.get(t.name).bits;
        const bits = new Uint8Array(t.bits.length);
        for (let i = 0; i < bits.length; i++) bits[i] = op(t.bits[i], o[i]);
        return { name: t.name, shape: t.shape, bits };
      }),
    );
  }
}

function packBits(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

function unpackBits(packed: Uint8Array, size: number): Uint8Array {
  if (packed.length !== Math.ceil(size / 8)) throw new ComplensError(`mask: ${packed.length} packed bytes for ${size} weights`);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (packed[i >> 3] >> (7 - (i & 7))) & 1;
  return out;
}

/** IoU of every pair of masks, as a square matrix in the given order (1 on the diagonal). */
export function iouMatrix(masks: readonly BinaryMask[]): number[][] {
  return masks.map((a, i) => masks.map((b, j) => (i === j ? 1 : a.iou(b))));
}
