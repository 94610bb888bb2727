/**
 * Who is who across camera joins and leaves. BBB's composite does not say which camera a tile
 * shows, and the grid reflows whenever a camera joins or leaves (bbb-playback.md §3), so a
 * presenter's tile moves. Across each switch the same person looks almost the same in the last
 * frame before and the first frame after it (1/15 s apart): each tile is shrunk to a few colour
 * cells and matched to the tiles before it. BBB keeps the remaining cameras in join order, so the
 * matching is order-preserving (an alignment, like a diff), which also keeps two similar-looking
 * cameras from swapping.
 */
import type { Box } from '../frame-code/raster.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcessBinary } from '../process/run-process.js';
import type { CameraInterval } from './detect-camera-tiles.js';
import { windowDecodeArgs } from './find-camera-intervals.js';

/** A camera interval with a presenter number (1, 2, … in order of first appearance) per tile. */
export interface PresenterInterval extends CameraInterval {
  presenters: number[];
}

/** A tile's picture as a small grid of mean colours (CELLS_X × CELLS_Y × RGB). */
export type TileSignature = Float32Array;

const CELLS_X = 16;
const CELLS_Y = 12;
/**
 * The share of cells that must look alike: a distance is the colour difference that 70 % of the
 * cells stay within, so what moves between two frames (a hand, a head turning, the frame
 * counter of the test bed's cameras) does not count, while another camera (another room,
 * person, background) differs in most cells.
 */
const ALIKE_SHARE = 0.7;
/**
 * Distance (mean absolute difference per colour channel, 0-255) above which two tiles are
 * different cameras. The same camera 1/15 s apart stays within a few levels; two cameras differ
 * by tens.
 */
export const SAME_CAMERA_MAX_DISTANCE = 20;

/** The signature of `box` (in canvas pixels) in an RGB24 frame that is the canvas shrunk to w×h. */
export function tileSignature(rgb: Buffer, w: number, h: number, box: Box, canvas: { width: number; height: number }): TileSignature {
  const sx = w / canvas.width;
  const sy = h / canvas.height;
  const sums = new Float32Array(CELLS_X * CELLS_Y * 3);
  const counts = new Float32Array(CELLS_X * CELLS_Y);
  const x0 = Math.max(0, Math.floor(box.x * sx));
  const y0 = Math.max(0, Math.floor(box.y * sy));
  const x1 = Math.min(w, Math.ceil((box.x + box.w) * sx));
  const y1 = Math.min(h, Math.ceil((box.y + box.h) * sy));
  for (let y = y0; y < y1; y++) {
    const cy = Math.min(CELLS_Y - 1, Math.floor(((y - y0) * CELLS_Y) / (y1 - y0)));
    for (let x = x0; x < x1; x++) {
      const cx = Math.min(CELLS_X - 1, Math.floor(((x - x0) * CELLS_X) / (x1 - x0)));
      const cell = cy * CELLS_X + cx;
      const i = (y * w + x) * 3;
      sums[cell * 3] = sums[cell * 3]! + rgb[i]!;
      sums[cell * 3 + 1] = sums[cell * 3 + 1]! + rgb[i + 1]!;
      sums[cell * 3 + 2] = sums[cell * 3 + 2]! + rgb[i + 2]!;
      counts[cell] = counts[cell]! + 1;
    }
  }
  for (let c = 0; c < counts.length; c++) for (let k = 0; k < 3; k++) sums[c * 3 + k] = counts[c]! > 0 ? sums[c * 3 + k]! / counts[c]! : 0;
  return sums;
}

/** The colour difference (per channel, 0-255) that ALIKE_SHARE of the cells stay within. */
export function signatureDistance(a: TileSignature, b: TileSignature): number {
  const cells = new Float32Array(a.length / 3);
  for (let c = 0; c < cells.length; c++) {
    cells[c] = (Math.abs(a[3 * c]! - b[3 * c]!) + Math.abs(a[3 * c + 1]! - b[3 * c + 1]!) + Math.abs(a[3 * c + 2]! - b[3 * c + 2]!)) / 3;
  }
  cells.sort();
  return cells[Math.min(cells.length - 1, Math.floor(cells.length * ALIKE_SHARE))]!;
}

/**
 * For each tile after a switch, the index of the tile before it that shows the same camera, or
 * null for a camera that just joined: the order-preserving alignment of least total cost, where a
 * match costs its distance and leaving a tile unmatched costs SAME_CAMERA_MAX_DISTANCE.
 */
export function matchTiles(before: readonly TileSignature[], after: readonly TileSignature[], maxDistance = SAME_CAMERA_MAX_DISTANCE): Array<number | null> {
  const n = before.length;
  const m = after.length;
  // cost[i][j]: best cost aligning before[0..i) with after[0..j).
  const cost = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const step = Array.from({ length: n + 1 }, () => new Uint8Array(m + 1)); // 0 match, 1 skip before, 2 skip after
  const skip = maxDistance / 2;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue;
      let best = Infinity;
      let how = 0;
      if (i > 0 && j > 0) {
        const d = signatureDistance(before[i - 1]!, after[j - 1]!);
        if (d <= maxDistance && cost[i - 1]![j - 1]! + d < best) [best, how] = [cost[i - 1]![j - 1]! + d, 0];
      }
      if (i > 0 && cost[i - 1]![j]! + skip < best) [best, how] = [cost[i - 1]![j]! + skip, 1];
      if (j > 0 && cost[i]![j - 1]! + skip < best) [best, how] = [cost[i]![j - 1]! + skip, 2];
      cost[i]![j] = best;
      step[i]![j] = how;
    }
  }
  const result: Array<number | null> = new Array(m).fill(null);
  for (let i = n, j = m; i > 0 || j > 0; ) {
    const how = step[i]![j]!;
    if (how === 0) result[--j] = --i;
    else if (how === 1) i--;
    else j--;
  }
  return result;
}

/**
 * Numbers the presenters: tiles matched across a switch keep their number, new ones get the next.
 * `matches[k]` aligns interval k's tiles with interval k-1's (matches[0] is unused).
 */
export function numberPresenters(intervals: readonly CameraInterval[], matches: ReadonlyArray<ReadonlyArray<number | null>>): PresenterInterval[] {
  let next = 1;
  const out: PresenterInterval[] = [];
  intervals.forEach((interval, k) => {
    const previous = out[k - 1]?.presenters ?? [];
    const presenters = interval.tiles.map((_, i) => {
      const from = k === 0 ? null : (matches[k]?.[i] ?? null);
      return from === null ? next++ : previous[from]!;
    });
    out.push({ ...interval, presenters });
  });
  return out;
}

/** Reads the frames on both sides of every switch and numbers the presenters. */
export async function trackPresenters(
  file: string,
  cameras: { width: number; height: number; fps: number; intervals: readonly CameraInterval[] },
  options: { tools: FfmpegTools; signal?: AbortSignal | undefined },
): Promise<PresenterInterval[]> {
  // A quarter of the canvas: 16x12 cells of a 320x240 tile are still 5 pixels each at that size.
  const w = 2 * Math.max(8, Math.round(cameras.width / 8));
  const h = 2 * Math.max(6, Math.round(cameras.height / 8));
  const run = { signal: options.signal, label: 'ffmpeg (presenter tracking)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  const matches: Array<Array<number | null>> = [[]];
  for (let k = 1; k < cameras.intervals.length; k++) {
    const [previous, current] = [cameras.intervals[k - 1]!, cameras.intervals[k]!];
    const first = Math.round(current.start * cameras.fps);
    const frames = await runProcessBinary(options.tools.ffmpeg, windowDecodeArgs(file, Math.max(0, first - 1), 2, cameras.fps, w, h), run);
    const size = w * h * 3;
    if (frames.length < 2 * size) {
      matches.push(current.tiles.map(() => null));
      continue;
    }
    const [before, after] = [frames.subarray(0, size), frames.subarray(size, 2 * size)];
    matches.push(
      matchTiles(
        previous.tiles.map((t) => tileSignature(before, w, h, t, cameras)),
        current.tiles.map((t) => tileSignature(after, w, h, t, cameras)),
      ),
    );
  }
  return numberPresenters(cameras.intervals, matches);
}
