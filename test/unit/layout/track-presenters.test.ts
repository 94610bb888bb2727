import { describe, expect, it } from 'vitest';
import { matchTiles, numberPresenters, signatureDistance, tileSignature, type TileSignature } from '../../../src/layout/track-presenters.js';

/** A flat signature of one colour, with `changed` cells set to another (motion, a frame counter). */
function flat(rgb: [number, number, number], changed = 0, to: [number, number, number] = [0, 0, 0]): TileSignature {
  const s = new Float32Array(16 * 12 * 3);
  for (let c = 0; c < 16 * 12; c++) s.set(c < changed ? to : rgb, c * 3);
  return s;
}

const blue = flat([60, 80, 120]);
const green = flat([70, 120, 70]);
const brown = flat([120, 90, 60]);

describe('signatureDistance', () => {
  it('ignores the cells that changed (up to 30 %) and sees another camera', () => {
    expect(signatureDistance(blue, blue)).toBe(0);
    expect(signatureDistance(blue, flat([60, 80, 120], 50, [255, 255, 255]))).toBe(0);
    expect(signatureDistance(blue, flat([62, 78, 121]))).toBeCloseTo(5 / 3, 5);
    expect(signatureDistance(blue, green)).toBeGreaterThan(30);
  });
});

describe('tileSignature', () => {
  it("averages each cell of the tile, whatever the tile's size in the frame", () => {
    // A 64x48 RGB frame of a 640x480 canvas: left half red, right half blue.
    const w = 64;
    const h = 48;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set(x < 32 ? [200, 0, 0] : [0, 0, 200], (y * w + x) * 3);
    const whole = tileSignature(rgb, w, h, { x: 0, y: 0, w: 640, h: 480 }, { width: 640, height: 480 });
    const left = tileSignature(rgb, w, h, { x: 0, y: 0, w: 320, h: 480 }, { width: 640, height: 480 });
    expect(Array.from(whole.subarray(0, 3))).toEqual([200, 0, 0]);
    expect(Array.from(whole.subarray(whole.length - 3))).toEqual([0, 0, 200]);
    expect(new Set(Array.from(left)).size).toBe(2); // only 200 and 0: all red
    expect(signatureDistance(whole, left)).toBeGreaterThan(0);
  });
});

describe('matchTiles', () => {
  it('follows cameras when one leaves and the grid reflows', () => {
    // blue, green, brown → blue, brown: green left, brown moved into its place.
    expect(matchTiles([blue, green, brown], [blue, brown])).toEqual([0, 2]);
  });

  it('marks a camera that joins as new, and keeps the others', () => {
    expect(matchTiles([blue, brown], [blue, brown, green])).toEqual([0, 1, null]);
    expect(matchTiles([], [blue])).toEqual([null]);
    expect(matchTiles([blue], [])).toEqual([]);
  });

  it('keeps the order BBB keeps: two similar cameras do not swap', () => {
    const blue2 = flat([64, 84, 124]);
    expect(matchTiles([blue, blue2], [blue2, blue])).toEqual([0, 1]);
  });

  it('does not match a camera to a different one even when the count is the same', () => {
    expect(matchTiles([blue, green], [blue, brown])).toEqual([0, null]);
  });
});

describe('numberPresenters', () => {
  it('numbers presenters in order of first appearance and keeps numbers across switches', () => {
    const box = { x: 0, y: 0, w: 320, h: 240 };
    const intervals = [
      { start: 0, end: 1, tiles: [box] },
      { start: 1, end: 2, tiles: [box, box] },
      { start: 2, end: 3, tiles: [box] },
      { start: 3, end: 4, tiles: [box, box] },
    ];
    const numbered = numberPresenters(intervals, [[], [0, null], [1], [0, null]]);
    expect(numbered.map((i) => i.presenters)).toEqual([[1], [1, 2], [2], [2, 3]]);
    expect(numbered[1]!.tiles).toBe(intervals[1]!.tiles);
  });
});
