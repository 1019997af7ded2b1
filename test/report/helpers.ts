/** Shared fixtures for the report tests: small vega-lite specs with inline data, and a PNG reader. */
import * as zlib from 'zlib';
import type { TopLevelSpec } from 'vega-lite';
import { heatmapSpec, scatterSpec } from '../../probes/charts';

export function barSpec(title = 'Accuracy by layer'): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: [0, 1, 2, 3].map((l) => ({ layer: `L${l}`, accuracy: 0.4 + 0.15 * l })) },
    mark: 'bar',
    encoding: { x: { field: 'layer', type: 'nominal' }, y: { field: 'accuracy', type: 'quantitative' } },
    config: { font: 'DejaVu Sans' },
  } as TopLevelSpec;
}

export function lineSpec(): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: Array.from({ length: 20 }, (_, i) => ({ step: i, loss: Math.exp(-i / 5) })) },
    mark: 'line',
    encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' } },
  } as TopLevelSpec;
}

export const heatSpec = (scale = 1): TopLevelSpec =>
  heatmapSpec(
    ['a', 'b', 'c'].flatMap((x) => ['p', 'q'].map((y, j) => ({ x, y, v: scale * (x.charCodeAt(0) - 96 + j) }))),
    { x: 'x', y: 'y', color: 'v', title: 'heat' },
  );

export const scatter = (): TopLevelSpec =>
  scatterSpec(
    Array.from({ length: 12 }, (_, i) => ({ pc1: Math.cos(i), pc2: Math.sin(i), cls: i % 2 ? 'odd' : 'even' })),
    { x: 'pc1', y: 'pc2', color: 'cls', title: 'PCA' },
  );

/** Width and height from a PNG's header (cheap). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const buf = Buffer.from(bytes);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Width, height and the unfiltered pixel bytes (8-bit RGB or RGBA) of a PNG. */
export function readPng(bytes: Uint8Array): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const buf = Buffer.from(bytes);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const [depth, colorType] = [buf[24], buf[25]];
  expect(depth).toBe(8);
  const channels = { 2: 3, 6: 4, 0: 1, 4: 2 }[colorType as 0 | 2 | 4 | 6];
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    if (buf.toString('ascii', off + 4, off + 8) === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      pixels[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth][filter]) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}
