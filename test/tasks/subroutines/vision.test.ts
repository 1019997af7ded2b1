import { decodeScene, encodeScene, isContact, isInside, randomScene, Scene, sceneSize, visionFamily } from '../../../lib/tasks/subroutines';
import { Rng } from '../../../lib/util/random';

const scene = (sx: number, sy: number, lx = 1, ly = 1, side = 4): Scene => ({
  lx, ly, side, sx, sy, largeColor: 0, smallColor: 1, largeShape: 2, smallShape: 0, noise: [1, 0],
});

test('inside: the dot lies within the box', () => {
  expect(isInside(scene(1, 1))).toBe(true);
  expect(isInside(scene(4, 4))).toBe(true);
  expect(isInside(scene(5, 4))).toBe(false);
  expect(isInside(scene(0, 2))).toBe(false);
});

test('contact: inside on the border ring, or outside and edge-adjacent to the box', () => {
  expect(isContact(scene(1, 3))).toBe(true); // left edge, inside
  expect(isContact(scene(2, 2))).toBe(false); // interior
  expect(isContact(scene(0, 2))).toBe(true); // just left of the box
  expect(isContact(scene(5, 4))).toBe(true); // just right of the box
  expect(isContact(scene(0, 0))).toBe(false); // diagonal to the corner: no shared edge
  expect(isContact(scene(2, 5))).toBe(true); // just below
  expect(isContact(scene(2, 6 + 0))).toBe(false); // two below
});

test.each(['thermometer', 'onehot'] as const)('%s code: encode and decode are inverse; layout size as documented', (code) => {
  const rng = new Rng(1);
  for (let i = 0; i < 200; i++) {
    const s = randomScene(7, 3, rng);
    const f = encodeScene(s, 7, code);
    expect(f.length).toBe(sceneSize(7, code, 3));
    expect(decodeScene(f, 7, code, 3)).toEqual(s);
  }
  expect(sceneSize(6, 'thermometer', 4)).toBe(4 * 5 + 1 + 8 + 6 + 4);
});

test('thermometer codes make coordinates linear: the sum of the lx bits is lx', () => {
  const f = encodeScene(scene(3, 2, 2, 1), 6, 'thermometer');
  expect(Array.from(f.subarray(0, 5))).toEqual([1, 1, 0, 0, 0]);
});

test('every (inside, contact) combination can be drawn and is what was asked for', () => {
  const family = visionFamily({ grid: 6, positionCode: 'thermometer', noiseBits: 2 });
  const rng = new Rng(3);
  for (const a of [true, false]) {
    for (const b of [true, false]) {
      for (let i = 0; i < 50; i++) {
        const item = family.sample(a, b, rng);
        const s = decodeScene(item.features, 6, 'thermometer', 2);
        expect([isInside(s), isContact(s)]).toEqual([a, b]);
        expect(item.attributes).toMatchObject({ lx: s.lx, sx: s.sx, side: s.side });
      }
    }
  }
});
