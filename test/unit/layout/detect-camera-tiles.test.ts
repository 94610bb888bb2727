import { describe, expect, it } from 'vitest';
import { Raster, type Box, type Rgb } from '../../../src/frame-code/raster.js';
import { frameClassifier, toIntervals } from '../../../src/layout/detect-camera-tiles.js';
import { layoutCameraGrid } from '../../../src/layout/layout-camera-grid.js';

const COLOURS: Rgb[] = [
  [70, 90, 130],
  [120, 80, 70],
  [80, 110, 80],
  [90, 95, 125],
];

/** A composite like BBB's: white canvas, each camera a muted colour with a dark picture and a light bar inside. */
function composite(boxes: Box[], width = 640, height = 480): Raster {
  const r = new Raster(width, height);
  r.fill([255, 255, 255]);
  boxes.forEach((b, i) => {
    r.fillRect(b, COLOURS[i % COLOURS.length]!);
    r.fillRect({ x: b.x + b.w / 8, y: b.y + b.h / 8, w: b.w / 2, h: b.h / 2 }, [0, 0, 0]);
    r.fillRect({ x: b.x + b.w / 4, y: b.y + (3 * b.h) / 4, w: b.w / 3, h: b.h / 10 }, [240, 240, 240]);
  });
  return r;
}

/** Shrinks by averaging f×f blocks, as ffmpeg's area scaler does for whole factors. */
function shrink(r: Raster, f: number): Buffer {
  const w = r.width / f;
  const h = r.height / f;
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += r.data[((y * f + dy) * r.width + x * f + dx) * 3 + c]!;
        out[(y * w + x) * 3 + c] = Math.round(sum / (f * f));
      }
  return out;
}

describe('frameClassifier', () => {
  const classify = frameClassifier(640, 480, 80, 60);

  it('finds no tile on an empty (white) composite', () => {
    expect(classify(shrink(composite([]), 8))).toEqual([]);
  });

  for (const count of [1, 2, 3, 4, 5, 6, 9]) {
    it(`finds the exact boxes of ${count} 4:3 camera(s)`, () => {
      const boxes = layoutCameraGrid(count, 640, 480);
      expect(classify(shrink(composite(boxes), 8))).toEqual(boxes);
    });
  }

  it('finds 16:9 cameras stacked', () => {
    const boxes = layoutCameraGrid(2, 640, 480, 16, 9);
    expect(classify(shrink(composite(boxes), 8))).toEqual(boxes);
  });

  it('tells four touching tiles from one camera by their seams', () => {
    const four = layoutCameraGrid(4, 640, 480);
    expect(four.reduce((a, b) => a + b.w * b.h, 0)).toBe(640 * 480);
    expect(classify(shrink(composite(four), 8))).toEqual(four);
  });

  it('keeps one camera whose picture has an edge on the grid line', () => {
    const one = composite([{ x: 0, y: 0, w: 640, h: 480 }]);
    one.fillRect({ x: 320, y: 300, w: 64, h: 60 }, [255, 255, 255]);
    expect(classify(shrink(one, 8))).toEqual([{ x: 0, y: 0, w: 640, h: 480 }]);
  });

  it('works on a 1280x720 composite', () => {
    const wide = frameClassifier(1280, 720, 160, 90);
    const boxes = layoutCameraGrid(3, 1280, 720);
    expect(wide(shrink(composite(boxes, 1280, 720), 8))).toEqual(boxes);
  });
});

describe('toIntervals', () => {
  const a = [{ x: 0, y: 0, w: 640, h: 480 }];
  const b = layoutCameraGrid(2, 640, 480);
  it('starts each run at the first frame showing it and ends the last at the duration', () => {
    expect(toIntervals([0, 15, 16, 17, 30], [a, a, a, b, b], 15, 3)).toEqual([
      { start: 0, end: 17 / 15, tiles: a },
      { start: 17 / 15, end: 3, tiles: b },
    ]);
  });
});
