/**
 * A composed layout: the output frame, its background, and where each source goes. Every
 * composed layout (`presenters`, `custom` from a --layout-file) is one of these; the page
 * layouts (`player`, `content`, `webcams`) are rendered by the player itself.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError } from '../errors.js';
import type { Box } from '../frame-code/raster.js';

/**
 * What a region shows: the content capture (slides, whiteboard, screen share), the whole webcam
 * composite, the N-th camera tile of the composite (0-based, BBB's grid order = join order), or
 * all camera tiles stacked top to bottom (the `presenters` preset).
 */
export type RegionSource = { kind: 'content' } | { kind: 'webcams' } | { kind: 'presenter'; index: number } | { kind: 'presenters' };

export interface LayoutRegion {
  source: RegionSource;
  box: Box;
}

export interface LayoutSpec {
  width: number;
  height: number;
  /** `#rrggbb`, or an image file scaled to the frame. */
  background: { color: string } | { image: string };
  regions: LayoutRegion[];
}

const bad = (field: string, message: string): CaptureError => new CaptureError('BAD_LAYOUT', `layout ${field}: ${message}`);

function evenSize(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 16 || value > 7680 || value % 2 !== 0) {
    throw bad(field, `expected an even whole number of pixels from 16 to 7680, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseSource(value: unknown, field: string): RegionSource {
  if (value === 'content' || value === 'webcams' || value === 'presenters') return { kind: value };
  const match = typeof value === 'string' ? /^presenter:(\d{1,2})$/.exec(value) : null;
  if (match) return { kind: 'presenter', index: Number(match[1]) };
  throw bad(field, `expected "content", "webcams", "presenters" or "presenter:N" (N from 0), got ${JSON.stringify(value)}`);
}

function parseBox(value: unknown, field: string, width: number, height: number): Box {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(field, `expected {"x", "y", "w", "h"} in pixels, got ${JSON.stringify(value)}`);
  const raw = value as Record<string, unknown>;
  const box: Box = { x: 0, y: 0, w: 0, h: 0 };
  for (const key of ['x', 'y', 'w', 'h'] as const) {
    const n = raw[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw bad(`${field}.${key}`, `expected a whole number of pixels >= 0, got ${JSON.stringify(n)}`);
    box[key] = n;
  }
  // Even sizes and positions: H.264 4:2:0 frames, and no half-pixel chroma seams between regions.
  if (box.w < 16 || box.h < 16 || box.w % 2 || box.h % 2) throw bad(field, `size ${box.w}x${box.h} must be even and at least 16x16`);
  if (box.x + box.w > width || box.y + box.h > height) {
    throw bad(field, `box ${box.x},${box.y} ${box.w}x${box.h} reaches outside the ${width}x${height} frame`);
  }
  return box;
}

/** Validates a parsed layout file; errors (BAD_LAYOUT) name the field. Image paths are resolved against `baseDir`. */
export function parseLayoutSpec(json: unknown, baseDir: string): LayoutSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('file', 'expected a JSON object');
  const raw = json as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['width', 'height', 'background', 'regions'].includes(key)) throw bad(key, 'unknown field (expected width, height, background, regions)');
  }
  const width = evenSize(raw.width, 'width');
  const height = evenSize(raw.height, 'height');
  let background: LayoutSpec['background'] = { color: '#000000' };
  if (raw.background !== undefined) {
    const value = raw.background;
    if (typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value)) background = { color: value.toLowerCase() };
    else if (typeof value === 'object' && value !== null && typeof (value as { image?: unknown }).image === 'string') {
      background = { image: path.resolve(baseDir, (value as { image: string }).image) };
    } else throw bad('background', `expected "#rrggbb" or {"image": "file.png"}, got ${JSON.stringify(value)}`);
  }
  if (!Array.isArray(raw.regions) || raw.regions.length === 0) throw bad('regions', 'expected a non-empty list of {"source", "box"}');
  const seen = new Set<string>();
  const regions = raw.regions.map((entry: unknown, i): LayoutRegion => {
    const field = `regions[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw bad(field, 'expected {"source", "box"}');
    const r = entry as Record<string, unknown>;
    const source = parseSource(r.source, `${field}.source`);
    const key = source.kind === 'presenter' ? `presenter:${source.index}` : source.kind;
    if (seen.has(key)) throw bad(`${field}.source`, `"${key}" is placed twice`);
    seen.add(key);
    return { source, box: parseBox(r.box, `${field}.box`, width, height) };
  });
  return { width, height, background, regions };
}

/** Reads and validates a --layout-file. */
export async function readLayoutFile(file: string): Promise<LayoutSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CaptureError('BAD_LAYOUT', `cannot read layout file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CaptureError('BAD_LAYOUT', `layout file ${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseLayoutSpec(json, path.dirname(path.resolve(file)));
}

/** Share of the frame width the presenters column takes in the `presenters` preset. */
const PRESENTER_COLUMN = 0.3;

/**
 * The `presenters` preset: content on the left, the camera tiles stacked in a column on the
 * right (see placeStack); with no camera at all the content fills the frame.
 */
export function presentersLayout(width: number, height: number, hasCameras: boolean): LayoutSpec {
  if (!hasCameras) return { width, height, background: { color: '#000000' }, regions: [{ source: { kind: 'content' }, box: { x: 0, y: 0, w: width, h: height } }] };
  const column = 2 * Math.round((width * PRESENTER_COLUMN) / 2);
  return {
    width,
    height,
    background: { color: '#000000' },
    regions: [
      { source: { kind: 'content' }, box: { x: 0, y: 0, w: width - column, h: height } },
      { source: { kind: 'presenters' }, box: { x: width - column, y: 0, w: column, h: height } },
    ],
  };
}
