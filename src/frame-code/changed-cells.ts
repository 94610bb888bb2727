/**
 * Where two decoded pictures of the same size differ, on a coarse grid: the capture engine uses it
 * to find the page-layer frame that first shows a change, the meter to time whiteboard and cursor
 * changes in an output. Lossy video re-codes a still picture with small differences everywhere
 * (a keyframe, the encoder refining its first coarse frame); a drawn change (a slide, a stroke, a
 * cursor dot moving) differs by far more, in a few pixels at least: only those count.
 */

/** How two pictures are compared. */
export interface ChangedCellsOptions {
  /** Bytes per pixel: 1 (gray) or 3 (RGB24). */
  channels: 1 | 3;
  /** Grid cell size, pixels. */
  cell: number;
  /** A pixel changed when a channel moved by more than this (0-255). */
  threshold: number;
  /** A cell changed when at least this many of its pixels did. */
  minPixels: number;
}

/** Default comparison: a 16-pixel grid, 64 levels, 3 pixels (a cursor dot of 8 px moves ~100). */
export const CHANGED_CELLS_DEFAULTS: ChangedCellsOptions = { channels: 3, cell: 16, threshold: 64, minPixels: 3 };

/**
 * Indexes (row * columns + column, columns = ceil(width / cell)) of the grid cells in which
 * `current` differs from `previous`, increasing. Both are width x height pictures, rows packed.
 */
export function changedCells(previous: Uint8Array, current: Uint8Array, width: number, height: number, options: ChangedCellsOptions = CHANGED_CELLS_DEFAULTS): number[] {
  const { channels, cell, threshold, minPixels } = options;
  if (previous.length < width * height * channels || current.length < width * height * channels) throw new RangeError(`pictures of ${width}x${height}x${channels} bytes expected`);
  const columns = Math.ceil(width / cell);
  const counts = new Uint32Array(columns * Math.ceil(height / cell));
  for (let y = 0; y < height; y++) {
    const rowCell = Math.floor(y / cell) * columns;
    let i = y * width * channels;
    for (let x = 0; x < width; x++, i += channels) {
      let moved = Math.abs(current[i]! - previous[i]!) > threshold;
      if (!moved && channels === 3) moved = Math.abs(current[i + 1]! - previous[i + 1]!) > threshold || Math.abs(current[i + 2]! - previous[i + 2]!) > threshold;
      if (moved) counts[rowCell + Math.floor(x / cell)]!++;
    }
  }
  const cells: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c]! >= minPixels) cells.push(c);
  return cells;
}
