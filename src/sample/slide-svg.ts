/**
 * SVG slides for tldraw recordings (BBB 2.6+ publishes `presentation/<id>/svgs/slideN.svg`). The
 * same drawing code as the PNG slides runs against a recorder that turns every filled rectangle
 * into an SVG `<rect>`, so both kinds of slide look alike and carry the same slide code.
 */
import { clipBox, type Box, type Raster, type Rgb } from '../frame-code/raster.js';
import { drawSlide } from './draw-sample-pictures.js';
import { SLIDE_HEIGHT, SLIDE_WIDTH } from './plan-sample.js';

/**
 * Has the public shape of a Raster (TypeScript types are structural), so drawCode, drawDigits and
 * drawSlide draw on it unchanged; it keeps rectangles instead of pixels. Rounding and clipping are
 * the Raster's, so the SVG matches the PNG pixel for pixel.
 */
class SvgRectRecorder {
  readonly data = Buffer.alloc(0);
  readonly rects: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  fill(color: Rgb): void {
    this.fillRect({ x: 0, y: 0, w: this.width, h: this.height }, color);
  }

  fillRect(box: Box, [r, g, b]: Rgb): void {
    // The same pixel rounding and clipping as the PNG slides, so both carry identical codes.
    const clipped = clipBox(box, this.width, this.height);
    if (!clipped) return;
    const { x0, y0, x1, y1 } = clipped;
    const hex = [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
    this.rects.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="#${hex}"/>`);
  }

  strokeRect(box: Box, thickness: number, color: Rgb): void {
    this.fillRect({ x: box.x, y: box.y, w: box.w, h: thickness }, color);
    this.fillRect({ x: box.x, y: box.y + box.h - thickness, w: box.w, h: thickness }, color);
    this.fillRect({ x: box.x, y: box.y, w: thickness, h: box.h }, color);
    this.fillRect({ x: box.x + box.w - thickness, y: box.y, w: thickness, h: box.h }, color);
  }

  pixel(): Rgb {
    return [0, 0, 0];
  }
}

/** The SVG document of slide N of `count`, SLIDE_WIDTH × SLIDE_HEIGHT, crisp edges. */
export function slideSvg(slide: number, count: number): string {
  const recorder = new SvgRectRecorder(SLIDE_WIDTH, SLIDE_HEIGHT);
  const raster: Raster = recorder;
  drawSlide(raster, slide, count);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${SLIDE_WIDTH}" height="${SLIDE_HEIGHT}" viewBox="0 0 ${SLIDE_WIDTH} ${SLIDE_HEIGHT}" shape-rendering="crispEdges">`,
    ...recorder.rects,
    '</svg>',
    '',
  ].join('\n');
}
