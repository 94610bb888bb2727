/**
 * The pictures of a synthetic recording: webcam frames, screen-share frames and slides. Each one
 * carries a machine-readable code (frame-code.ts) and the same information as seven-segment text
 * for a person looking at a frame. Colours are muted and never a code's key colour (pure magenta,
 * cyan, yellow), so the only codes a meter finds are the ones drawn on purpose.
 */
import { drawCode, fitPanel } from '../frame-code/frame-code.js';
import { drawDigits, type Box, type Raster, type Rgb } from '../frame-code/raster.js';
import { formatClock, SLIDE_HEIGHT, SLIDE_WIDTH, type LayoutSegment } from './plan-sample.js';

/** Background colour of each camera channel (cycled beyond four). */
export const CAMERA_COLORS: readonly Rgb[] = [
  [62, 84, 120],
  [120, 84, 62],
  [64, 112, 80],
  [112, 104, 64],
];

const WHITE: Rgb = [255, 255, 255];
const TEXT_LIGHT: Rgb = [240, 240, 240];
const TEXT_DARK: Rgb = [30, 30, 30];

/** Where the camera code sits inside a camera picture: most of it, above the time text. */
export function cameraCodeBox(box: Box): Box {
  return fitPanel({ x: box.x + Math.round(box.w * 0.04), y: box.y + Math.round(box.h * 0.04), w: Math.round(box.w * 0.92), h: Math.round(box.h * 0.72) });
}

/** One camera's picture for webcam frame n: background, code (value n, channel), time text. */
function drawCamera(raster: Raster, box: Box, channel: number, n: number, fps: number): void {
  raster.fillRect(box, CAMERA_COLORS[channel % CAMERA_COLORS.length]!);
  drawCode(raster, cameraCodeBox(box), 'camera', n, channel);
  const textHeight = Math.max(8, Math.round(box.h * 0.08));
  drawDigits(raster, `${formatClock(n / fps)} #${n}`, box.x + Math.round(box.w * 0.04), box.y + Math.round(box.h * 0.8), textHeight, TEXT_LIGHT);
}

/** Webcam frame n of the composite: white canvas, each camera of the segment in its box. */
export function drawWebcamFrame(raster: Raster, segment: LayoutSegment, n: number, fps: number): void {
  // A single camera fills the canvas; only composites show white gutters.
  const first = segment.cameras[0];
  if (segment.cameras.length !== 1 || first?.box.w !== raster.width || first.box.h !== raster.height) raster.fill(WHITE);
  for (const camera of segment.cameras) drawCamera(raster, camera.box, camera.channel, n, fps);
}

const DESK_BACKGROUND: Rgb = [28, 32, 40];
const DESK_WINDOW: Rgb = [200, 204, 212];

/** Where the screen-share code is in a deskshare frame of the given size. */
export function deskshareCodeBox(width: number, height: number): Box {
  return fitPanel({ x: Math.round(width * 0.094), y: Math.round(height * 0.111), w: Math.round(width * 0.812), h: Math.round(height * 0.653) });
}

/** A shared-screen frame m: a "window" holding the screenshare code (value m) and the time. */
export function drawDeskshareFrame(raster: Raster, m: number, fps: number): void {
  const { width, height } = raster;
  raster.fill(DESK_BACKGROUND);
  raster.fillRect({ x: Math.round(width * 0.0625), y: Math.round(height * 0.07), w: Math.round(width * 0.875), h: Math.round(height * 0.86) }, DESK_WINDOW);
  drawCode(raster, deskshareCodeBox(width, height), 'screenshare', m, 0);
  drawDigits(raster, `${formatClock(m / fps)} #${m}`, Math.round(width * 0.094), Math.round(height * 0.8), Math.round(height * 0.07), TEXT_DARK);
}

/** Title-band colour of each slide (cycled). */
const SLIDE_BANDS: readonly Rgb[] = [
  [52, 73, 110],
  [110, 60, 52],
  [52, 100, 70],
  [96, 80, 120],
];
const GRID: Rgb = [215, 215, 215];
const BAND_HEIGHT = 150;

/**
 * Where the slide code is on every slide, in slide pixels: inside the top-left quarter, so it
 * stays whole when the presenter zooms into that quarter; 76 px cells, still 4 px when the slide is
 * shown 90 px wide.
 */
export const SLIDE_CODE_BOX: Box = fitPanel({ x: 50, y: 190, w: 700, h: 380 });

/**
 * Slide N of `count` (SLIDE_WIDTH × SLIDE_HEIGHT): white, a coloured title band with "N-count",
 * grid lines, the number N big, and the slide code (value N) in SLIDE_CODE_BOX.
 */
export function drawSlide(target: Raster, slide: number, count: number): void {
  if (target.width !== SLIDE_WIDTH || target.height !== SLIDE_HEIGHT) throw new RangeError(`slides are ${SLIDE_WIDTH}x${SLIDE_HEIGHT}`);
  target.fill(WHITE);
  for (let x = 100; x < SLIDE_WIDTH; x += 100) target.fillRect({ x: x - 1, y: BAND_HEIGHT, w: 2, h: SLIDE_HEIGHT - BAND_HEIGHT }, GRID);
  for (let y = 200; y < SLIDE_HEIGHT; y += 100) target.fillRect({ x: 0, y: y - 1, w: SLIDE_WIDTH, h: 2 }, GRID);
  target.fillRect({ x: 0, y: 0, w: SLIDE_WIDTH, h: BAND_HEIGHT }, SLIDE_BANDS[(slide - 1) % SLIDE_BANDS.length]!);
  drawDigits(target, `${slide}-${count}`, 50, 30, 90, TEXT_LIGHT);
  drawDigits(target, String(slide), 900, 260, 560, TEXT_DARK);
  drawCode(target, SLIDE_CODE_BOX, 'slide', slide, 0);
}

/** The picture BBB shows in place of slides while the screen is shared (plain, no code). */
export function drawDesksharePlaceholder(target: Raster): void {
  target.fill(DESK_BACKGROUND);
}

/** BBB's "no presentation" picture: light grey with a band; carries no code. */
export function drawLogo(target: Raster): void {
  target.fill([236, 238, 240]);
  target.fillRect({ x: 0, y: Math.round(target.height * 0.45), w: target.width, h: Math.round(target.height * 0.1) }, [52, 73, 110]);
}
