/**
 * A tiny WebAssembly assembler: just enough (i32/f32 scalars, 128-bit SIMD, loops) to write the population
 * trainer's fused elementwise kernels in TypeScript, with no toolchain and no npm dependency. Kernels are
 * expressions built from the helpers below (stack-machine order: operands, then the opcode) and are compiled once
 * into a module that imports the tfjs wasm backend's memory, so they work on the same heap with zero copies.
 */
export type Bytes = number[];
export type ValType = 'i32' | 'f32' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const f32Bytes = (x: number): Bytes => Array.from(new Uint8Array(new Float32Array([x]).buffer));
const simd = (op: number): Bytes => [0xfd, ...uleb(op)];
const cat = (...parts: Bytes[]): Bytes => ([] as number[]).concat(...parts);

/** A local variable (parameters first, in declaration order). */
export class Local {
  constructor(readonly index: number, readonly type: ValType) {}
}

export class Fn {
  readonly params: Local[];
  private readonly extra: Local[] = [];
  readonly body: Bytes[] = [];
  constructor(readonly name: string, paramTypes: ValType[]) {
    this.params = paramTypes.map((t, i) => new Local(i, t));
  }
  local(type: ValType): Local {
    const l = new Local(this.params.length + this.extra.length, type);
    this.extra.push(l);
    return l;
  }
  emit(...code: Bytes[]): void {
    this.body.push(...code);
  }
  /** The code-section entry: locals then body. */
  encode(): Bytes {
    const locals = cat(uleb(this.extra.length), ...this.extra.map((l) => [1, VALTYPE[l.type]]));
    const code = cat(locals, ...this.body, [0x0b]);
    return cat(uleb(code.length), code);
  }
}

// ---- expressions -------------------------------------------------------------------------------------------
export const get = (l: Local): Bytes => [0x20, ...uleb(l.index)];
export const set = (l: Local, e: Bytes): Bytes => cat(e, [0x21, ...uleb(l.index)]);
export const i32 = (n: number): Bytes => [0x41, ...sleb(n | 0)];
export const f32 = (x: number): Bytes => [0x43, ...f32Bytes(x)];
const bin = (op: number) => (a: Bytes, b: Bytes): Bytes => cat(a, b, [op]);
export const add = bin(0x6a);
export const mul = bin(0x6c);
export const shl = bin(0x74);
export const shr = bin(0x76); // unsigned
export const divU = bin(0x6e);
const geS = bin(0x4e);
export const i32Load = (addr: Bytes, offset = 0): Bytes => cat(addr, [0x28, 2, ...uleb(offset)]);

export const fLoad = (addr: Bytes, offset = 0): Bytes => cat(addr, [0x2a, 2, ...uleb(offset)]);
export const fStore = (addr: Bytes, value: Bytes, offset = 0): Bytes => cat(addr, value, [0x38, 2, ...uleb(offset)]);

export const vLoad = (addr: Bytes, offset = 0): Bytes => cat(addr, simd(0x00), [0, ...uleb(offset)]);
export const vStore = (addr: Bytes, value: Bytes, offset = 0): Bytes => cat(addr, value, simd(0x0b), [0, ...uleb(offset)]);
export const vSplat = (x: Bytes): Bytes => cat(x, simd(0x13));
/** v128.load32_splat: one float from memory into all four lanes. */
export const vLoadSplat = (addr: Bytes, offset = 0): Bytes => cat(addr, simd(0x09), [2, ...uleb(offset)]);
export const vConst = (x: number): Bytes => cat(simd(0x0c), f32Bytes(x), f32Bytes(x), f32Bytes(x), f32Bytes(x));
export const vConstI = (n: number): Bytes => {
  const b = Array.from(new Uint8Array(new Int32Array([n, n, n, n]).buffer));
  return cat(simd(0x0c), b);
};
const vbin = (op: number) => (a: Bytes, b: Bytes): Bytes => cat(a, b, simd(op));
const vun = (op: number) => (a: Bytes): Bytes => cat(a, simd(op));
export const vAdd = vbin(0xe4);
export const vSub = vbin(0xe5);
export const vMul = vbin(0xe6);
export const vDiv = vbin(0xe7);
/** pmin/pmax (b < a ? b : a, a < b ? b : a): single instructions, unlike min/max with their NaN rules. */
export const vPMin = vbin(0xea);
export const vPMax = vbin(0xeb);
export const vLt = vbin(0x43);
export const vAnd = vbin(0x4e);
export const vOr = vbin(0x50);
export const vSqrt = vun(0xe3);
export const vAbs = vun(0xe0);
export const iAdd = vbin(0xae);
export const iShl = (a: Bytes, bits: Bytes): Bytes => cat(a, bits, simd(0xab));
/** Lanes of `a` where mask is set, else lanes of `b`. */
export const vSelect = (a: Bytes, b: Bytes, mask: Bytes): Bytes => cat(a, b, mask, simd(0x52));

// ---- statements --------------------------------------------------------------------------------------------
/** for (i = from; i < to; i += step) body — signed compare. */
export function loop(i: Local, from: Bytes, to: Bytes, step: number, ...body: Bytes[]): Bytes {
  return cat(
    set(i, from),
    [0x02, 0x40, 0x03, 0x40],
    geS(get(i), to), [0x0d, 1], // br_if out of the block
    ...body,
    set(i, add(get(i), i32(step))),
    [0x0c, 0, 0x0b, 0x0b],
  );
}

// ---- module ------------------------------------------------------------------------------------------------
function section(id: number, content: Bytes): Bytes {
  return [id, ...uleb(content.length), ...content];
}
const name = (s: string): Bytes => [...uleb(s.length), ...Array.from(Buffer.from(s, 'utf8'))];

/** Encodes functions (all returning nothing) into a module importing `env.memory`. */
export function assemble(fns: Fn[]): Uint8Array {
  const types = cat(uleb(fns.length), ...fns.map((f) => cat([0x60], uleb(f.params.length), f.params.map((p) => VALTYPE[p.type]), [0])));
  const imports = cat([1], name('env'), name('memory'), [0x02, 0x00, 0x01]);
  const funcs = cat(uleb(fns.length), ...fns.map((_, i) => uleb(i)));
  const exports = cat(uleb(fns.length), ...fns.map((f, i) => cat(name(f.name), [0x00], uleb(i))));
  const code = cat(uleb(fns.length), ...fns.map((f) => f.encode()));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code),
  ]);
}
