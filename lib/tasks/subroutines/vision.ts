/**
 * Symbolic "object scenes" for the vision-like variant (Inside–Contact of CVR task 103). A scene on a G×G grid has
 * a large object, a square box of side 3 or 4 at (lx, ly) (its top-left cell), and a small one-cell object at
 * (sx, sy), each with a colour and a shape that no rule reads, plus random noise bits.
 *   A, inside:  the small cell lies within the box.
 *   B, contact: the small cell shares an edge with the box outline: inside, it sits on the box's border ring;
 *               outside, it is edge-adjacent to a box cell.
 * Items with given (A, B) are drawn by rejection from uniform scenes, i.e. uniform among scenes with those flags.
 */
import { ComplensError } from '../../util/errors';
import { Rng } from '../../util/random';
import { Item, ItemFamily } from './items';
import { PositionCode } from './spec';

export const BOX_SIDES = [3, 4] as const;
export const COLORS = 4;
export const SHAPES = 3;

export interface Scene {
  lx: number;
  ly: number;
  side: number;
  sx: number;
  sy: number;
  largeColor: number;
  smallColor: number;
  largeShape: number;
  smallShape: number;
  noise: number[];
}

const within = (v: number, lo: number, side: number) => v >= lo && v < lo + side;

export function isInside(s: Scene): boolean {
  return within(s.sx, s.lx, s.side) && within(s.sy, s.ly, s.side);
}

export function isContact(s: Scene): boolean {
  if (isInside(s)) return s.sx === s.lx || s.sx === s.lx + s.side - 1 || s.sy === s.ly || s.sy === s.ly + s.side - 1;
  const besideX = (s.sx === s.lx - 1 || s.sx === s.lx + s.side) && within(s.sy, s.ly, s.side);
  const besideY = (s.sy === s.ly - 1 || s.sy === s.ly + s.side) && within(s.sx, s.lx, s.side);
  return besideX || besideY;
}

export function randomScene(grid: number, noiseBits: number, rng: Rng): Scene {
  const side = BOX_SIDES[rng.int(BOX_SIDES.length)];
  return {
    lx: rng.int(grid - side + 1),
    ly: rng.int(grid - side + 1),
    side,
    sx: rng.int(grid),
    sy: rng.int(grid),
    largeColor: rng.int(COLORS),
    smallColor: rng.int(COLORS),
    largeShape: rng.int(SHAPES),
    smallShape: rng.int(SHAPES),
    noise: Array.from({ length: noiseBits }, () => rng.int(2)),
  };
}

/** Feature layout: lx, ly, sx, sy (G−1 thermometer bits or G one-hot each), side, colours, shapes (one-hot), noise. */
export function sceneSize(grid: number, code: PositionCode, noiseBits: number): number {
  const position = code === 'thermometer' ? grid - 1 : grid;
  const side = code === 'thermometer' ? BOX_SIDES.length - 1 : BOX_SIDES.length;
  return 4 * position + side + 2 * COLORS + 2 * SHAPES + noiseBits;
}

export function encodeScene(s: Scene, grid: number, code: PositionCode): Float32Array {
  const out = new Float32Array(sceneSize(grid, code, s.noise.length));
  let at = 0;
  const ordinal = (v: number, levels: number) => {
    if (code === 'thermometer') for (let k = 0; k < levels - 1; k++) out[at++] = v > k ? 1 : 0;
    else {
      out[at + v] = 1;
      at += levels;
    }
  };
  const oneHot = (v: number, n: number) => {
    out[at + v] = 1;
    at += n;
  };
  for (const v of [s.lx, s.ly, s.sx, s.sy]) ordinal(v, grid);
  ordinal(BOX_SIDES.indexOf(s.side as 3 | 4), BOX_SIDES.length);
  oneHot(s.largeColor, COLORS);
  oneHot(s.smallColor, COLORS);
  oneHot(s.largeShape, SHAPES);
  oneHot(s.smallShape, SHAPES);
  for (const bit of s.noise) out[at++] = bit;
  return out;
}

/** Reads a scene back from its features (the inverse of encodeScene), so tests can check the rules independently. */
export function decodeScene(features: Float32Array, grid: number, code: PositionCode, noiseBits: number): Scene {
  let at = 0;
  const ordinal = (levels: number) => {
    if (code === 'thermometer') {
      let v = 0;
      for (let k = 0; k < levels - 1; k++) v += features[at++];
      return v;
    }
    const v = Array.from(features.subarray(at, at + levels)).indexOf(1);
    at += levels;
    return v;
  };
  const oneHot = (n: number) => {
    const v = Array.from(features.subarray(at, at + n)).indexOf(1);
    at += n;
    return v;
  };
  const [lx, ly, sx, sy] = [ordinal(grid), ordinal(grid), ordinal(grid), ordinal(grid)];
  const side = BOX_SIDES[ordinal(BOX_SIDES.length)];
  return {
    lx, ly, side, sx, sy,
    largeColor: oneHot(COLORS),
    smallColor: oneHot(COLORS),
    largeShape: oneHot(SHAPES),
    smallShape: oneHot(SHAPES),
    noise: Array.from(features.subarray(at, at + noiseBits)),
  };
}

const MAX_REJECTIONS = 100000;

export function visionFamily(options: { grid: number; positionCode: PositionCode; noiseBits: number }): ItemFamily {
  const { grid, positionCode, noiseBits } = options;
  return {
    itemSize: sceneSize(grid, positionCode, noiseBits),
    subroutines: { a: 'inside', b: 'contact' },
    sample(a, b, rng): Item {
      for (let i = 0; i < MAX_REJECTIONS; i++) {
        const s = randomScene(grid, noiseBits, rng);
        if (isInside(s) === a && isContact(s) === b) {
          const { noise: _noise, ...attributes } = s;
          return { features: encodeScene(s, grid, positionCode), a, b, attributes };
        }
      }
      throw new ComplensError(`no scene on a ${grid}×${grid} grid with inside=${a}, contact=${b}`);
    },
    describe(item) {
      const s = item.attributes;
      return `box ${s.side}×${s.side} at (${s.lx},${s.ly}), dot at (${s.sx},${s.sy}): ${item.a ? 'inside' : 'outside'}, ${item.b ? 'contact' : 'no contact'}`;
    },
  };
}
