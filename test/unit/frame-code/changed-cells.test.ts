import { describe, expect, it } from 'vitest';
import { changedCells } from '../../../src/frame-code/changed-cells.js';

const W = 64;
const H = 32;

describe('changedCells', () => {
  it('finds a moved dot and ignores coding noise', () => {
    const a = new Uint8Array(W * H).fill(200);
    const b = a.map((v, i) => v + ((i * 7) % 21) - 10); // ±10 levels everywhere: a re-coded still picture
    for (const [x, y] of [
      [40, 20],
      [41, 20],
      [40, 21],
      [41, 21],
    ] as const)
      b[y * W + x] = 60; // a dark dot in cell (2, 1)
    const options = { channels: 1, cell: 16, threshold: 40, minPixels: 3 } as const;
    expect(changedCells(a, b, W, H, options)).toEqual([1 * 4 + 2]);
    expect(changedCells(a, a, W, H, options)).toEqual([]);
  });

  it('compares every channel of RGB pictures', () => {
    const a = new Uint8Array(W * H * 3).fill(255);
    const b = Uint8Array.from(a);
    for (let x = 0; x < 4; x++) b[(5 * W + x) * 3 + 1] = 0; // green channel only, cell (0, 0)
    expect(changedCells(a, b, W, H)).toEqual([0]);
  });
});
