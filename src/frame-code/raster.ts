/**
 * A minimal RGB24 raster for drawing synthetic frames in Node (piped to ffmpeg as rawvideo) and
 * for reading decoded frames back. Only what the generator and the meter need: rectangles,
 * rings and seven-segment digits, all on integer pixels so output is bit-for-bit deterministic.
 */

export type Rgb = readonly [number, number, number];

/** A rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box rounded to whole pixels and clipped to a width x height frame; undefined when nothing is left. */
export function clipBox(box: Box, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(width, Math.round(box.x + box.w));
  const y1 = Math.min(height, Math.round(box.y + box.h));
  return x1 <= x0 || y1 <= y0 ? undefined : { x0, y0, x1, y1 };
}

/** An RGB24 image whose bytes can be handed to ffmpeg (`-f rawvideo -pix_fmt rgb24`). */
export class Raster {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    data?: Buffer,
  ) {
    this.data = data ?? Buffer.alloc(width * height * 3);
    if (this.data.length < width * height * 3) throw new RangeError(`raster ${width}x${height} needs ${width * height * 3} bytes`);
  }

  fill(color: Rgb): void {
    this.fillRect({ x: 0, y: 0, w: this.width, h: this.height }, color);
  }

  fillRect(box: Box, [r, g, b]: Rgb): void {
    const clipped = clipBox(box, this.width, this.height);
    if (!clipped) return;
    const { x0, y0, x1, y1 } = clipped;
    const rowBytes = (x1 - x0) * 3;
    // Paint the first row pixel by pixel, then copy it down: much faster than per-pixel loops.
    const first = (y0 * this.width + x0) * 3;
    for (let i = 0; i < rowBytes; i += 3) {
      this.data[first + i] = r;
      this.data[first + i + 1] = g;
      this.data[first + i + 2] = b;
    }
    for (let y = y0 + 1; y < y1; y++) this.data.copy(this.data, (y * this.width + x0) * 3, first, first + rowBytes);
  }

  /** A rectangular outline of the given thickness, drawn inside the box. */
  strokeRect(box: Box, thickness: number, color: Rgb): void {
    this.fillRect({ x: box.x, y: box.y, w: box.w, h: thickness }, color);
    this.fillRect({ x: box.x, y: box.y + box.h - thickness, w: box.w, h: thickness }, color);
    this.fillRect({ x: box.x, y: box.y, w: thickness, h: box.h }, color);
    this.fillRect({ x: box.x + box.w - thickness, y: box.y, w: thickness, h: box.h }, color);
  }

  pixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.data[i] ?? 0, this.data[i + 1] ?? 0, this.data[i + 2] ?? 0];
  }
}

// Seven-segment glyphs: segments a b c d e f g (top, top-right, bottom-right, bottom, bottom-left, top-left, middle).
const SEGMENTS: Record<string, string> = {
  '0': 'abcdef',
  '1': 'bc',
  '2': 'abdeg',
  '3': 'abcdg',
  '4': 'bcfg',
  '5': 'acdfg',
  '6': 'acdefg',
  '7': 'abc',
  '8': 'abcdefg',
  '9': 'abcdfg',
  '-': 'g',
  ' ': '',
};

/**
 * Draws text of digits and `-:. #` in seven-segment style: readable to a person looking at a frame
 * at any scale, and needing no font. Returns the width drawn.
 */
export function drawDigits(raster: Raster, text: string, x: number, y: number, height: number, color: Rgb): number {
  const w = Math.max(3, Math.round(height * 0.5));
  const t = Math.max(1, Math.round(height * 0.12));
  const half = Math.round(height / 2);
  let cx = x;
  for (const ch of text) {
    if (ch === '.' || ch === ':') {
      if (ch === '.') raster.fillRect({ x: cx, y: y + height - t, w: t, h: t }, color);
      else {
        raster.fillRect({ x: cx, y: y + Math.round(height * 0.3), w: t, h: t }, color);
        raster.fillRect({ x: cx, y: y + Math.round(height * 0.7), w: t, h: t }, color);
      }
      cx += t * 3;
      continue;
    }
    if (ch === '#') {
      raster.fillRect({ x: cx + Math.round(w * 0.3), y, w: t, h: height }, color);
      raster.fillRect({ x: cx + Math.round(w * 0.7), y, w: t, h: height }, color);
      raster.fillRect({ x: cx, y: y + Math.round(height * 0.33), w, h: t }, color);
      raster.fillRect({ x: cx, y: y + Math.round(height * 0.66), w, h: t }, color);
      cx += w + t * 2;
      continue;
    }
    const segs = SEGMENTS[ch] ?? '';
    if (segs.includes('a')) raster.fillRect({ x: cx, y, w, h: t }, color);
    if (segs.includes('b')) raster.fillRect({ x: cx + w - t, y, w: t, h: half }, color);
    if (segs.includes('c')) raster.fillRect({ x: cx + w - t, y: y + half, w: t, h: height - half }, color);
    if (segs.includes('d')) raster.fillRect({ x: cx, y: y + height - t, w, h: t }, color);
    if (segs.includes('e')) raster.fillRect({ x: cx, y: y + half, w: t, h: height - half }, color);
    if (segs.includes('f')) raster.fillRect({ x: cx, y, w: t, h: half }, color);
    if (segs.includes('g')) raster.fillRect({ x: cx, y: y + half - Math.floor(t / 2), w, h: t }, color);
    cx += w + t * 2;
  }
  return cx - x;
}
