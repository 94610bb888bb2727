import { describe, expect, it } from 'vitest';
import { layoutCameraGrid } from '../../../src/layout/layout-camera-grid.js';

describe('layoutCameraGrid (BBB composite)', () => {
  it('fills the canvas with one 4:3 camera', () => {
    expect(layoutCameraGrid(1, 640, 480)).toEqual([{ x: 0, y: 0, w: 640, h: 480 }]);
  });

  it('puts two 4:3 cameras side by side at 320x240, centred in their 320x480 cells', () => {
    expect(layoutCameraGrid(2, 640, 480)).toEqual([
      { x: 0, y: 120, w: 320, h: 240 },
      { x: 320, y: 120, w: 320, h: 240 },
    ]);
  });

  it('stacks two 16:9 cameras at 426x240', () => {
    const boxes = layoutCameraGrid(2, 640, 480, 16, 9);
    expect(boxes.map((b) => [b.w, b.h])).toEqual([
      [426, 240],
      [426, 240],
    ]);
    expect(boxes[1]!.y).toBe(240);
    // Centred in a 640-wide cell, rounded down to even pixels.
    expect(boxes[0]!.x).toBe(106);
  });

  it('uses a 2x2 grid for three cameras with the short last row left-aligned', () => {
    expect(layoutCameraGrid(3, 640, 480)).toEqual([
      { x: 0, y: 0, w: 320, h: 240 },
      { x: 320, y: 0, w: 320, h: 240 },
      { x: 0, y: 240, w: 320, h: 240 },
    ]);
  });

  it('uses a 2x2 grid for four cameras', () => {
    expect(layoutCameraGrid(4, 640, 480).map((b) => [b.x, b.y])).toEqual([
      [0, 0],
      [320, 0],
      [0, 240],
      [320, 240],
    ]);
  });

  it('gives nothing for no camera', () => {
    expect(layoutCameraGrid(0, 640, 480)).toEqual([]);
  });
});
