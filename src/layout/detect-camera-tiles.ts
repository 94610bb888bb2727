/**
 * Finds the camera tiles of BBB's webcam composite from its pixels (the raw per-camera streams are
 * not published): each frame is matched against every grid BBB's compositor can draw (1 to 16
 * cameras, 4:3 or 16:9, record-and-playback's composite_cut, see layoutCameraGrid) by comparing
 * where the frame is white (background, gutters, empty cells) with where the grid has no tile.
 * Matching whole grids rather than tracing edges is what makes it exact to the pixel at full
 * resolution while reading the frames at 1/8 size, and robust to cameras with dark or busy edges.
 */
import type { Box } from '../frame-code/raster.js';
import { layoutCameraGrid } from './layout-camera-grid.js';

/** One stretch of the composite with the same tiles; times in seconds of the recording. */
export interface CameraInterval {
  start: number;
  end: number;
  /** Tile boxes in webcam-video pixels, in BBB's grid order (cameras in join order). */
  tiles: Box[];
}

const MAX_CAMERAS = 16;
const PARTIAL = 2;
const ASPECTS: Array<[number, number]> = [
  [4, 3],
  [16, 9],
];
// BBB's background is white; a pixel is white when every channel is at least this (decoding
// rounds 255 down a little; cameras rarely hold large areas this bright).
const WHITE_LEVEL = 225;

function isWhite(rgb: Buffer, i: number): boolean {
  return rgb[3 * i]! >= WHITE_LEVEL && rgb[3 * i + 1]! >= WHITE_LEVEL && rgb[3 * i + 2]! >= WHITE_LEVEL;
}

/** Every grid BBB can draw on a canvas of this size, in order of camera count. */
export function candidateGrids(canvasW: number, canvasH: number): Box[][] {
  const grids: Box[][] = [[]];
  for (let count = 1; count <= MAX_CAMERAS; count++) {
    for (const [aw, ah] of ASPECTS) grids.push(layoutCameraGrid(count, canvasW, canvasH, aw, ah));
  }
  return grids;
}

/**
 * A classifier for frames of a canvasW×canvasH composite shrunk to frameW×frameH (RGB24): returns the grid
 * (tile boxes in canvas pixels) that best explains the frame. Each grid's tile mask is drawn once.
 */
export function frameClassifier(canvasW: number, canvasH: number, frameW: number, frameH: number): (data: Buffer) => Box[] {
  const grids = candidateGrids(canvasW, canvasH);
  const sx = canvasW / frameW;
  const sy = canvasH / frameH;
  // Per shrunk pixel: 1 wholly inside a tile, 0 touching none, PARTIAL straddling a tile's edge
  // (a mix of tile and white whose colour proves nothing, so it is not scored).
  const masks = grids.map((grid) => {
    const mask = new Uint8Array(frameW * frameH);
    for (let y = 0; y < frameH; y++) {
      const [y0, y1] = [y * sy, (y + 1) * sy];
      for (let x = 0; x < frameW; x++) {
        const [x0, x1] = [x * sx, (x + 1) * sx];
        let value = 0;
        for (const b of grid) {
          if (x0 >= b.x && x1 <= b.x + b.w && y0 >= b.y && y1 <= b.y + b.h) {
            value = 1;
            break;
          }
          if (x0 < b.x + b.w && x1 > b.x && y0 < b.y + b.h && y1 > b.y) value = PARTIAL;
        }
        mask[y * frameW + x] = value;
      }
    }
    return mask;
  });
  // Tiles that touch (4 cameras of 4:3 on a 4:3 canvas) leave no white between them, so their
  // masks equal fewer, larger tiles; the seams between touching tiles tell those apart.
  const seams = grids.map((grid) => touchingEdges(grid, sx, sy, frameW, frameH));
  return (data) => {
    const scores = masks.map((mask) => {
      // Pixels inside a tile should be non-white, those outside every tile white; the score is
      // minus the pixels that disagree.
      let score = 0;
      for (let i = 0; i < mask.length; i++) if (mask[i] !== PARTIAL && mask[i] !== (isWhite(data, i) ? 0 : 1)) score--;
      return score;
    });
    const top = Math.max(...scores);
    let best = -1;
    let bestSeam = -1;
    scores.forEach((score, g) => {
      if (score < top - TIE_SHARE * frameW * frameH) return;
      // Along a real seam nearly every position steps in colour more than beside it; two alike
      // cameras can make one seam weak, so the grid's seams are judged together. No seam at all
      // counts as SEAM_SHARE.
      const edges = seams[g]!;
      const seam = edges.length === 0 ? SEAM_SHARE : edges.reduce((sum, edge) => sum + seamShare(data, edge), 0) / edges.length;
      // Strictly better only: on ties the grid with fewer cameras (listed first) wins.
      if (seam > bestSeam || (best >= 0 && seam === bestSeam && score > scores[best]!)) {
        bestSeam = seam;
        best = g;
      }
    });
    return grids[best]!;
  };
}

// Grids whose mask scores are this share of the frame apart count as tied.
const TIE_SHARE = 0.005;
// A position along a grid line is a cut between pictures when the colour step (|ΔR|+|ΔG|+|ΔB|)
// across the line is at least SEAM_STEP and half again the steps beside it; the grid's touching
// tiles are real when, on average over its seams, more than SEAM_SHARE of the positions are cuts.
// Measured on generated composites: 0.8-1 on real seams, under 0.2 across one camera's picture.
const SEAM_STEP = 10;
const SEAM_SHARE = 0.5;

/** A seam between touching tiles in shrunk pixels: per position along it, the pixel indices of a
 * run of four across it (two each side), so the step at the seam can be compared with the steps beside it. */
type Edge = Array<[number, number, number, number]>;

function touchingEdges(grid: readonly Box[], sx: number, sy: number, frameW: number, frameH: number): Edge[] {
  // The last shrunk pixel wholly before the line at canvas position e, and the first wholly after
  // it (a pixel mixing both sides lies between them when the line is not on the shrunk grid).
  const before = (e: number, s: number) => Math.floor(e / s) - 1;
  const after = (e: number, s: number) => Math.ceil(e / s);
  const edges: Edge[] = [];
  for (const a of grid) {
    for (const b of grid) {
      if (b.x === a.x + a.w && b.y === a.y && b.h === a.h) {
        const [l, r] = [before(b.x, sx), after(b.x, sx)];
        const edge: Edge = [];
        for (let y = Math.ceil(a.y / sy); y < Math.floor((a.y + a.h) / sy); y++)
          if (l > 0 && r < frameW - 1) edge.push([y * frameW + l - 1, y * frameW + l, y * frameW + r, y * frameW + r + 1]);
        if (edge.length) edges.push(edge);
      }
      if (b.y === a.y + a.h && b.x === a.x && b.w === a.w) {
        const [t, u] = [before(b.y, sy), after(b.y, sy)];
        const edge: Edge = [];
        for (let x = Math.ceil(a.x / sx); x < Math.floor((a.x + a.w) / sx); x++)
          if (t > 0 && u < frameH - 1) edge.push([(t - 1) * frameW + x, t * frameW + x, u * frameW + x, (u + 1) * frameW + x]);
        if (edge.length) edges.push(edge);
      }
    }
  }
  return edges;
}

function step(rgb: Buffer, i: number, j: number): number {
  return Math.abs(rgb[3 * i]! - rgb[3 * j]!) + Math.abs(rgb[3 * i + 1]! - rgb[3 * j + 1]!) + Math.abs(rgb[3 * i + 2]! - rgb[3 * j + 2]!);
}

function seamShare(rgb: Buffer, edge: Edge): number {
  let cuts = 0;
  for (const [a, b, c, d] of edge) {
    const across = step(rgb, b, c);
    if (across >= SEAM_STEP && across > 1.5 * Math.max(step(rgb, a, b), step(rgb, c, d))) cuts++;
  }
  return cuts / edge.length;
}

/** True when two tile lists are the same layout. */
export function sameTiles(a: readonly Box[], b: readonly Box[]): boolean {
  return a.length === b.length && a.every((t, i) => t.x === b[i]!.x && t.y === b[i]!.y && t.w === b[i]!.w && t.h === b[i]!.h);
}

/**
 * Runs of equal layouts from per-frame layouts: `layouts[k]` is the layout of frame `indices[k]`
 * (ascending); a run starts at the first frame showing it (frame n is shown from n/fps).
 */
export function toIntervals(indices: readonly number[], layouts: readonly Box[][], fps: number, duration: number): CameraInterval[] {
  const out: CameraInterval[] = [];
  indices.forEach((n, k) => {
    const tiles = layouts[k]!;
    const last = out.at(-1);
    if (last && sameTiles(last.tiles, tiles)) return;
    const start = k === 0 ? 0 : n / fps;
    if (last) last.end = start;
    out.push({ start, end: duration, tiles });
  });
  return out;
}
