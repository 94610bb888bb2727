/**
 * The measuring stick: a machine-readable code drawn into every synthetic picture (webcam frames,
 * screen-share frames, slides) and read back from exported videos by the meter.
 *
 * A code is a ring of a key colour around a grid of 8×4 black/white cells. The ring's colour says
 * what the picture is (camera, slide, screen share); the 32 cells carry a 20-bit value (frame
 * number or slide number), a 4-bit channel (camera index) and a CRC-8. The ring makes the code
 * findable at any position and scale; sampling cell centres makes it survive scaling and lossy
 * re-encoding down to about 4 pixels a cell.
 */
import type { Box, Raster, Rgb } from './raster.js';

export type CodeKind = 'camera' | 'slide' | 'screenshare';

/** The ring colour of each kind. Synthetic content uses none of these elsewhere. */
export const KIND_COLORS: Record<CodeKind, Rgb> = {
  camera: [255, 0, 255],
  slide: [0, 255, 255],
  screenshare: [255, 255, 0],
};

export const CODE_COLS = 8;
export const CODE_ROWS = 4;
/** Panel size in cells: the grid plus half a cell of ring on each side. */
export const PANEL_CELLS_W = CODE_COLS + 1;
export const PANEL_CELLS_H = CODE_ROWS + 1;
export const MAX_VALUE = (1 << 20) - 1;
export const MAX_CHANNEL = 15;

/** One code found in a frame. */
export interface FoundCode {
  kind: CodeKind;
  channel: number;
  value: number;
  /** Where the ring was found, in the frame's pixels. */
  box: Box;
}

/** CRC-8 (poly 0x07, init 0xff) of the 24 payload bits, so an all-black grid is never valid. */
export function crc8(payload: number): number {
  let crc = 0xff;
  for (let i = 2; i >= 0; i--) {
    crc ^= (payload >>> (i * 8)) & 0xff;
    for (let b = 0; b < 8; b++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** The 32 cell bits (row-major, most significant first) for a value and channel. */
export function encodeBits(value: number, channel: number): boolean[] {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VALUE) throw new RangeError(`code value ${value} outside 0..${MAX_VALUE}`);
  if (!Number.isInteger(channel) || channel < 0 || channel > MAX_CHANNEL) throw new RangeError(`code channel ${channel} outside 0..${MAX_CHANNEL}`);
  const payload = ((value << 4) | channel) >>> 0;
  const word = ((payload << 8) | crc8(payload)) >>> 0;
  return Array.from({ length: 32 }, (_, i) => ((word >>> (31 - i)) & 1) === 1);
}

/** Inverse of encodeBits; undefined when the CRC does not match. */
export function decodeBits(bits: readonly boolean[]): { value: number; channel: number } | undefined {
  if (bits.length !== 32) return undefined;
  let word = 0;
  for (const bit of bits) word = ((word << 1) | (bit ? 1 : 0)) >>> 0;
  const payload = word >>> 8;
  if (crc8(payload) !== (word & 0xff)) return undefined;
  return { value: payload >>> 4, channel: payload & 0xf };
}

/** The largest panel box of the code's aspect that fits in `area`, centred. */
export function fitPanel(area: Box): Box {
  const cell = Math.floor(Math.min(area.w / PANEL_CELLS_W, area.h / PANEL_CELLS_H));
  const w = cell * PANEL_CELLS_W;
  const h = cell * PANEL_CELLS_H;
  return { x: area.x + Math.floor((area.w - w) / 2), y: area.y + Math.floor((area.h - h) / 2), w, h };
}

/** Draws a code panel into `panel` (use fitPanel for a box of the right aspect). */
export function drawCode(raster: Raster, panel: Box, kind: CodeKind, value: number, channel: number): void {
  const bits = encodeBits(value, channel);
  const cellW = panel.w / PANEL_CELLS_W;
  const cellH = panel.h / PANEL_CELLS_H;
  raster.fillRect(panel, KIND_COLORS[kind]);
  const gx = panel.x + cellW / 2;
  const gy = panel.y + cellH / 2;
  for (let row = 0; row < CODE_ROWS; row++) {
    for (let col = 0; col < CODE_COLS; col++) {
      const on = bits[row * CODE_COLS + col];
      const x0 = Math.round(gx + col * cellW);
      const y0 = Math.round(gy + row * cellH);
      const x1 = Math.round(gx + (col + 1) * cellW);
      const y1 = Math.round(gy + (row + 1) * cellH);
      raster.fillRect({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, on ? [255, 255, 255] : [0, 0, 0]);
    }
  }
}

function classify(r: number, g: number, b: number): number {
  // 1 camera (magenta), 2 slide (cyan), 3 screenshare (yellow), 0 none. Thresholds leave room for
  // chroma subsampling and colour-range conversions.
  if (r > 140 && b > 140 && g < 110 && r - g > 70 && b - g > 70) return 1;
  if (g > 140 && b > 140 && r < 110 && g - r > 70 && b - r > 70) return 2;
  if (r > 140 && g > 140 && b < 110 && r - b > 70 && g - b > 70) return 3;
  return 0;
}

const KIND_BY_INDEX: readonly CodeKind[] = ['camera', 'camera', 'slide', 'screenshare'];

interface Component {
  kind: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

/**
 * Finds and decodes every code in an RGB24 frame. Works on a run-length labelling of key-colour
 * pixels, so a 960×540 frame takes a few milliseconds.
 */
export function readCodes(frame: Raster, options: { minPanelWidth?: number } = {}): FoundCode[] {
  const { width, height, data } = frame;
  const minW = options.minPanelWidth ?? 18;
  // Union-find over runs of same-kind pixels.
  const parent: number[] = [];
  const comps: Component[] = [];
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  let prevRuns: Array<{ x0: number; x1: number; kind: number; id: number }> = [];
  for (let y = 0; y < height; y++) {
    const runs: Array<{ x0: number; x1: number; kind: number; id: number }> = [];
    let x = 0;
    const row = y * width * 3;
    while (x < width) {
      const i = row + x * 3;
      const kind = classify(data[i]!, data[i + 1]!, data[i + 2]!);
      if (kind === 0) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < width) {
        const j = row + x * 3;
        if (classify(data[j]!, data[j + 1]!, data[j + 2]!) !== kind) break;
        x++;
      }
      const id = comps.length;
      parent.push(id);
      comps.push({ kind, x0, y0: y, x1: x - 1, y1: y, pixels: x - x0 });
      runs.push({ x0, x1: x - 1, kind, id });
    }
    // Join runs that touch runs of the same kind on the previous row (8-connected).
    let p = 0;
    for (const run of runs) {
      while (p < prevRuns.length && prevRuns[p]!.x1 < run.x0 - 1) p++;
      for (let q = p; q < prevRuns.length && prevRuns[q]!.x0 <= run.x1 + 1; q++) {
        const prev = prevRuns[q]!;
        if (prev.kind !== run.kind) continue;
        const a = find(run.id);
        const b = find(prev.id);
        if (a !== b) parent[a] = b;
      }
    }
    prevRuns = runs;
  }
  const merged = new Map<number, Component>();
  for (let i = 0; i < comps.length; i++) {
    const root = find(i);
    const c = comps[i]!;
    const m = merged.get(root);
    if (!m) merged.set(root, { ...c });
    else {
      m.x0 = Math.min(m.x0, c.x0);
      m.y0 = Math.min(m.y0, c.y0);
      m.x1 = Math.max(m.x1, c.x1);
      m.y1 = Math.max(m.y1, c.y1);
      m.pixels += c.pixels;
    }
  }
  const found: FoundCode[] = [];
  for (const c of merged.values()) {
    const w = c.x1 - c.x0 + 1;
    const h = c.y1 - c.y0 + 1;
    if (w < minW || h < minW * (PANEL_CELLS_H / PANEL_CELLS_W) * 0.6) continue;
    const aspect = w / h;
    if (aspect < 1.2 || aspect > 2.6) continue;
    const fill = c.pixels / (w * h);
    // The ring is 13 of the panel's 45 cells; a solid blob or a thin outline is something else.
    if (fill < 0.12 || fill > 0.55) continue;
    const bits = sampleCells(frame, { x: c.x0, y: c.y0, w, h });
    const decoded = decodeBits(bits);
    if (!decoded) continue;
    found.push({ kind: KIND_BY_INDEX[c.kind]!, ...decoded, box: { x: c.x0, y: c.y0, w, h } });
  }
  return found.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}

function sampleCells(frame: Raster, panel: Box): boolean[] {
  const cellW = panel.w / PANEL_CELLS_W;
  const cellH = panel.h / PANEL_CELLS_H;
  const bits: boolean[] = [];
  for (let row = 0; row < CODE_ROWS; row++) {
    for (let col = 0; col < CODE_COLS; col++) {
      const cx = panel.x + cellW * (col + 1);
      const cy = panel.y + cellH * (row + 1);
      // Average luma over the middle half of the cell, away from blurred edges.
      const rx = Math.max(0, Math.floor(cellW * 0.22));
      const ry = Math.max(0, Math.floor(cellH * 0.22));
      let sum = 0;
      let n = 0;
      for (let y = Math.round(cy) - ry; y <= Math.round(cy) + ry; y++) {
        for (let x = Math.round(cx) - rx; x <= Math.round(cx) + rx; x++) {
          if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) continue;
          const i = (y * frame.width + x) * 3;
          sum += 0.299 * frame.data[i]! + 0.587 * frame.data[i + 1]! + 0.114 * frame.data[i + 2]!;
          n++;
        }
      }
      bits.push(n > 0 && sum / n > 128);
    }
  }
  return bits;
}
