/**
 * BBB's webcam composite layout (record-and-playback edl/video.rb, composite_cut), reproduced so a
 * synthetic webcams video puts each camera exactly where BBB's processing would:
 * try every row count, take the grid whose fitted cameras cover the largest total area (the first
 * one on ties), fit each camera into its cell keeping its aspect (even sizes), centre it in the
 * cell, fill rows left to right, left-align a short last row, anchor the grid top-left.
 */
import type { Box } from '../frame-code/raster.js';

/** BBB's aspect_scale: the even-sized box of the video's aspect that fits in the tile. */
function aspectScale(videoW: number, videoH: number, tileW: number, tileH: number): { w: number; h: number } {
  if (videoW / videoH > tileW / tileH) return { w: tileW, h: 2 * Math.round((videoH * tileW) / videoW / 2) };
  return { w: 2 * Math.round((videoW * tileH) / videoH / 2), h: tileH };
}

/**
 * Boxes (in canvas pixels) of `count` cameras of aspect `aspectW:aspectH` in BBB's grid on a
 * `width`×`height` canvas, in the order the cameras are listed.
 */
export function layoutCameraGrid(count: number, width: number, height: number, aspectW = 4, aspectH = 3): Box[] {
  if (count <= 0) return [];
  let best = { cols: 0, rows: 0, tileW: 0, tileH: 0, area: 0 };
  for (let rows = 1; rows <= count; rows++) {
    const cols = Math.ceil(count / rows);
    const tileW = 2 * Math.floor(width / cols / 2);
    const tileH = 2 * Math.floor(height / rows / 2);
    if (tileW <= 0 || tileH <= 0) continue;
    const fitted = aspectScale(aspectW, aspectH, tileW, tileH);
    const area = count * fitted.w * fitted.h;
    if (area > best.area) best = { cols, rows, tileW, tileH, area };
  }
  const fitted = aspectScale(aspectW, aspectH, best.tileW, best.tileH);
  // ffmpeg's pad with x=-1/y=-1 centres, rounded down to the 4:2:0 chroma grid (even pixels).
  const padX = Math.floor((best.tileW - fitted.w) / 2 / 2) * 2;
  const padY = Math.floor((best.tileH - fitted.h) / 2 / 2) * 2;
  return Array.from({ length: count }, (_, i) => ({
    x: (i % best.cols) * best.tileW + padX,
    y: Math.floor(i / best.cols) * best.tileH + padY,
    w: fitted.w,
    h: fitted.h,
  }));
}
