/**
 * The compositor of both engines, as pure functions: the page layer (the player without its
 * videos: the render engine's pictures, or the capture engine's live capture) is overlaid with the
 * webcams and screen-share videos drawn by ffmpeg from the recording's own files into the
 * rectangles the player gives them.
 *
 * - The page layer has a frame only where the page changed. ffmpeg's overlay
 *   filter makes an output frame only for each frame of its main input, so the pictures are
 *   stacked (xstack, which makes a frame whenever any input has one, holding the others) with a
 *   "clock": a 2x2 picture listed at every instant a composited video shows a new frame
 *   (videoFrameInstants), then cropped back. Each page picture is decoded once, not once per
 *   video frame: on the 60 s `full` sample this took the segment encoders from 4.6 to 2.8 CPU
 *   seconds per 10 s, with identical output (framemd5).
 * - Each (video, rectangle) pair becomes one scaled branch of the source video and one overlay,
 *   placed off the frame (x=W) outside the times it applies (overlayRuns), evaluated on the main
 *   frame's time so a switch lands on the exact picture.
 * - The source videos are read from the frame covering the segment's start, and their WebM
 *   timestamps (whole milliseconds, the same instants the page pictures use) are kept exactly.
 */

import { toOutputColour, type Matrix } from './colour.js';

/** How the page layer's pictures are converted to the output's colours (colour.ts). */
export interface PageColour {
  /** Filter from the page layer's pixels to BT.709 limited yuv420p. */
  page: string;
}

/** A picture of the page layer from `timeMs` on, with the videos to draw over it. */
export interface LayeredPicture {
  /** Recording time, integer ms. */
  timeMs: number;
  /** Videos to draw over the picture; none when the page drew its videos itself. */
  layers?: LayerBox[] | undefined;
}

/** The recording's videos a page can show. */
export type VideoKind = 'webcams' | 'screenshare';

/** A video drawn into a whole-pixel rectangle of the output (which may reach past its edges). */
export interface LayerBox {
  kind: VideoKind;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A video the page would show, and where: the rectangle its picture fills (CSS px = output px), as the page reports it. */
export interface PageVideoLayer {
  /** Which of the recording's videos: the webcams or the screen share. */
  kind: VideoKind;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The whole-pixel rectangle Chromium paints a video into: edges rounded to the nearest pixel (a
 * box from 100.4 to 420.6 covers pixels 100-420). Undefined when nothing of it is on the frame.
 */
export function snapLayer(layer: PageVideoLayer, frame: { width: number; height: number }): LayerBox | undefined {
  const x = Math.round(layer.x);
  const y = Math.round(layer.y);
  const w = Math.round(layer.x + layer.width) - x;
  const h = Math.round(layer.y + layer.height) - y;
  if (w <= 0 || h <= 0 || x >= frame.width || y >= frame.height || x + w <= 0 || y + h <= 0) return undefined;
  return { kind: layer.kind, x, y, w, h };
}

/** Presentation times (integer ms, sorted) of each source video's frames. */
export type VideoFrameTimes = Readonly<Record<VideoKind, readonly number[]>>;

/** Index of the last time ≤ t in sorted `times`, or -1. */
function lastAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The times in sorted `times` strictly after `after` and before `before`. */
export function timesBetween(times: readonly number[], after: number, before: number): number[] {
  const out: number[] = [];
  for (let k = lastAtOrBefore(times, after) + 1; k < times.length && times[k]! < before; k++) out.push(times[k]!);
  return out;
}

/**
 * The instants (integer ms, sorted) in [first picture, endMs) at which a video composited over a
 * picture shows a new frame, other than the pictures' own instants: where the output needs a frame
 * the page did not render. Pictures must be sorted by time.
 */
export function videoFrameInstants(frames: readonly LayeredPicture[], endMs: number, videos: VideoFrameTimes): number[] {
  const times = new Set<number>();
  frames.forEach((frame, i) => {
    const until = frames[i + 1]?.timeMs ?? endMs;
    const kinds = new Set((frame.layers ?? []).map((l) => l.kind));
    for (const kind of kinds) for (const t of timesBetween(videos[kind], frame.timeMs, until)) times.add(t);
  });
  return Array.from(times).sort((a, b) => a - b);
}

/** The clock picture: a 2x2 black PPM (see the header), written beside the segment lists. */
export const CLOCK_PICTURE = Buffer.concat([Buffer.from('P6\n2 2\n255\n'), Buffer.alloc(12)]);

/** One video drawn in one rectangle during some intervals of the segment (ms from its start). */
export interface OverlayRun {
  box: LayerBox;
  intervals: Array<[startMs: number, endMs: number]>;
}

/** Groups the pictures' layers into runs: one per (video, rectangle), intervals merged when adjacent. */
export function overlayRuns(frames: readonly LayeredPicture[], startMs: number, endMs: number): OverlayRun[] {
  const runs = new Map<string, OverlayRun>();
  frames.forEach((frame, i) => {
    const from = frame.timeMs - startMs;
    const to = (frames[i + 1]?.timeMs ?? endMs) - startMs;
    if (!(to > from)) return;
    for (const box of frame.layers ?? []) {
      const key = `${box.kind} ${box.x} ${box.y} ${box.w} ${box.h}`;
      const run = runs.get(key) ?? { box, intervals: [] };
      runs.set(key, run);
      const last = run.intervals.at(-1);
      if (last && last[1] === from) last[1] = to;
      else run.intervals.push([from, to]);
    }
  });
  return Array.from(runs.values());
}

/** A source video file and its frame times, for the segment's overlays. */
export interface VideoSource {
  file: string;
  /** The matrix Chromium reads it with (compose/colour.ts, chromiumMatrix). */
  matrix?: Matrix | undefined;
  /** Presentation times of its frames, integer ms, sorted. */
  frameTimesMs: readonly number[];
}

/**
 * How Chromium scales a video into its box, as ffmpeg scaler flags: swscale's `area` averages
 * when shrinking and is bilinear when enlarging. Against the page drawing the video itself (10 s
 * `full` sample, 1080p): webcam 640x480 shrunk into the player's box SSIM 0.9952 (bilinear
 * 0.9867, bicubic 0.9893, lanczos 0.9872); enlarged to full frame (`--layout webcams`) 0.9975
 * (bilinear the same, bicubic 0.9946).
 */
export const SCALE_FLAGS = 'area';

const sec = (ms: number) => (ms / 1000).toFixed(4);

/**
 * Input arguments and filter graph that draw `runs` over the page pictures (input 0, `frame`
 * sized), stepped by the clock list `clock` (input 1, see the header), for a segment starting at
 * `startMs`. The graph's output is `[v]`, yuv420p.
 */
export function overlayGraph(
  runs: readonly OverlayRun[],
  sources: Readonly<Partial<Record<VideoKind, VideoSource>>>,
  startMs: number,
  clock: string,
  frame: { width: number; height: number },
  colour: PageColour,
): { inputs: string[]; graph: string } {
  const inputs: string[] = ['-f', 'concat', '-safe', '0', '-i', clock];
  const graph: string[] = [
    `[0:v]${colour.page}[pages]`,
    '[1:v]format=yuv420p[clock]',
    // A frame whenever a page picture or a clock tick comes, holding the other; the clock's rows are cut off again.
    '[pages][clock]xstack=inputs=2:layout=0_0|0_h0[stacked]',
    `[stacked]crop=${frame.width}:${frame.height}:0:0[p0]`,
  ];
  const kinds = (['webcams', 'screenshare'] as const).filter((kind) => runs.some((r) => r.box.kind === kind));
  const branch = new Map<OverlayRun, string>();
  kinds.forEach((kind, k) => {
    const source = sources[kind];
    if (!source) throw new RangeError(`no source video for the ${kind} layer`);
    const mine = runs.filter((r) => r.box.kind === kind);
    // Start decoding at the frame on screen at the segment's start (an accurate seek keeps the
    // frame at exactly the seek time); -seek_timestamp makes -ss a plain timestamp, so the decoded
    // times are exactly the file's minus the seek, whatever the file's start time.
    const seekMs = Math.max(0, source.frameTimesMs[lastAtOrBefore(source.frameTimesMs, startMs)] ?? 0);
    inputs.push('-seek_timestamp', '1', '-ss', sec(seekMs), '-i', source.file);
    const labels = mine.map((_, i) => `${kind}${i}`);
    mine.forEach((run, i) => {
      branch.set(run, labels[i]!);
    });
    // Back to the file's own millisecond times, then to the segment's (on a 1/90000 time base).
    // Converted to the output's colours once per source, as Chromium reads it (compose/colour.ts).
    graph.push(
      `[${k + 2}:v]settb=1/90000,setpts=(round(T*1000)+${seekMs - startMs})*90,${toOutputColour(source.matrix ?? 'bt601', 'tv')},split=${mine.length}${labels.map((l) => `[${l}s]`).join('')}`,
    );
    for (const run of mine) {
      const label = branch.get(run)!;
      graph.push(`[${label}s]scale=${run.box.w}:${run.box.h}:flags=${SCALE_FLAGS},setsar=1,format=yuv420p[${label}]`);
    }
  });
  runs.forEach((run, i) => {
    // Frame times are whole milliseconds: comparing with half-millisecond bounds is immune to rounding.
    const when = run.intervals.map(([a, b]) => `gte(t\\,${sec(a - 0.5)})*lt(t\\,${sec(b - 0.5)})`).join('+');
    // Off the frame (x=W) outside the run's intervals; evaluated per main frame (see the header).
    graph.push(`[p${i}][${branch.get(run)!}]overlay=x='if(${when}\\,${run.box.x}\\,W)':y=${run.box.y}:eval=frame:format=yuv420[p${i + 1}]`);
  });
  graph.push(`[p${runs.length}]null[v]`);
  return { inputs, graph: graph.join(';') };
}
