/** Tile placement math for composed layouts: pure, unit-tested. */
import type { Box } from '../frame-code/raster.js';

const even = (n: number): number => 2 * Math.floor(n / 2);

/** The largest even box of the size `w`×`h` keeps inside `box`, centred (a tile keeps its aspect). */
export function fitInBox(w: number, h: number, box: Box): Box {
  const scale = Math.min(box.w / w, box.h / h);
  const fw = Math.max(2, Math.min(box.w, even(w * scale)));
  const fh = Math.max(2, Math.min(box.h, even(h * scale)));
  return { x: box.x + even((box.w - fw) / 2), y: box.y + even((box.h - fh) / 2), w: fw, h: fh };
}

/**
 * Tiles of the given sizes stacked top to bottom in `box`: each gets an equal share of the height,
 * is fitted into it keeping its aspect, and the stack is centred vertically, so one presenter gets
 * one large tile and four get four smaller ones.
 */
export function placeStack(tiles: ReadonlyArray<{ w: number; h: number }>, box: Box): Box[] {
  if (tiles.length === 0) return [];
  const slotH = even(box.h / tiles.length);
  const fitted = tiles.map((t) => fitInBox(t.w, t.h, { x: box.x, y: 0, w: box.w, h: slotH }));
  const total = fitted.reduce((sum, f) => sum + f.h, 0);
  let y = box.y + even((box.h - total) / 2);
  return fitted.map((f) => {
    const placed = { ...f, y };
    y += f.h;
    return placed;
  });
}
