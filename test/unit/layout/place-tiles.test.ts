import { describe, expect, it } from 'vitest';
import { placeTiles, toOutputTime } from '../../../src/layout/build-compose-args.js';
import { presentersLayout } from '../../../src/layout/layout-spec.js';
import { fitInBox, placeStack } from '../../../src/layout/place-tiles.js';

describe('fitInBox', () => {
  it('keeps the aspect and centres', () => {
    expect(fitInBox(320, 240, { x: 100, y: 0, w: 576, h: 1080 })).toEqual({ x: 100, y: 324, w: 576, h: 432 });
    expect(fitInBox(426, 240, { x: 0, y: 0, w: 400, h: 400 })).toEqual({ x: 0, y: 88, w: 400, h: 224 });
  });
});

describe('placeStack', () => {
  const column = { x: 1344, y: 0, w: 576, h: 1080 };
  it('gives one presenter one large tile', () => {
    expect(placeStack([{ w: 640, h: 480 }], column)).toEqual([{ x: 1344, y: 324, w: 576, h: 432 }]);
  });
  it('stacks two, then four, smaller tiles top to bottom, centred', () => {
    expect(
      placeStack(
        [
          { w: 320, h: 240 },
          { w: 320, h: 240 },
        ],
        column,
      ),
    ).toEqual([
      { x: 1344, y: 108, w: 576, h: 432 },
      { x: 1344, y: 540, w: 576, h: 432 },
    ]);
    const four = placeStack(Array(4).fill({ w: 320, h: 240 }), column);
    expect(four.map((b) => [b.w, b.h])).toEqual(Array(4).fill([360, 270]));
    expect(four.map((b) => b.y)).toEqual([0, 270, 540, 810]);
    expect(four.every((b) => b.x === 1344 + 108)).toBe(true);
  });
});

describe('placeTiles', () => {
  const spec = presentersLayout(1920, 1080, true);
  const intervals = [
    { start: 0, end: 2, tiles: [{ x: 0, y: 0, w: 640, h: 480 }] },
    {
      start: 2,
      end: 5,
      tiles: [
        { x: 0, y: 120, w: 320, h: 240 },
        { x: 320, y: 120, w: 320, h: 240 },
      ],
    },
  ];
  it('crops each tile and moves it as cameras join', () => {
    expect(placeTiles(spec, intervals, { width: 640, height: 480 })).toEqual([
      { start: 0, end: 2, crop: { x: 0, y: 0, w: 640, h: 480 }, place: { x: 1344, y: 324, w: 576, h: 432 } },
      { start: 2, end: 5, crop: { x: 0, y: 120, w: 320, h: 240 }, place: { x: 1344, y: 108, w: 576, h: 432 } },
      { start: 2, end: 5, crop: { x: 320, y: 120, w: 320, h: 240 }, place: { x: 1344, y: 540, w: 576, h: 432 } },
    ]);
  });
  it('shows presenter:N only while there is an N-th tile', () => {
    const one = { ...spec, regions: [{ source: { kind: 'presenter' as const, index: 1 }, box: { x: 0, y: 0, w: 320, h: 240 } }] };
    expect(placeTiles(one, intervals, { width: 640, height: 480 })).toEqual([
      { start: 2, end: 5, crop: { x: 320, y: 120, w: 320, h: 240 }, place: { x: 0, y: 0, w: 320, h: 240 } },
    ]);
  });
  it('moves intervals to output time', () => {
    expect(toOutputTime(intervals, 1.5, 2).map((i) => [i.start, i.end])).toEqual([
      [0, 0.5],
      [0.5, 2],
    ]);
  });
});
