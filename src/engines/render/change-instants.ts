/**
 * Which instants of the exported part the page must render, and how to cut them into segments:
 * every time the recording's timelines say the page can change, on a 1 ms grid (WebM timestamps
 * are whole milliseconds), plus the start of the part. Between two instants the picture is held,
 * so a still slide costs one frame; video frames are added by the renderer (render-segment.ts).
 */

import type { DeskshareInterval } from '../../recording/timeline-times.js';

/**
 * The frame times (integer ms, sorted, unique) at which the page shows a new video frame when it
 * draws its videos itself: every webcam frame, and the screen share's only while it is shown.
 */
export function pageVideoFrames(videos: { webcams: readonly number[]; screenshare: readonly number[] }, shares: readonly DeskshareInterval[]): number[] {
  const inShare = (ms: number) => shares.some((i) => ms >= Math.round(i.start * 1000) && ms < Math.round(i.stop * 1000));
  return Array.from(new Set([...videos.webcams, ...videos.screenshare.filter(inShare)])).sort((a, b) => a - b);
}

/** The exported part and the hold limit, milliseconds. */
export interface ChangeRange {
  fromMs: number;
  toMs: number;
  /**
   * Longest a picture is held without a fresh render. Players show things no timeline lists
   * (a poll's or a newer player's own animation); re-rendering now and then bounds how late
   * such a change can appear, for the cost of one frame per interval.
   */
  maxHoldMs: number;
}

/**
 * Sorted, unique instants (integer ms) in [fromMs, toMs) at which to render the page: the
 * timeline events (timelineTimes, seconds), the start, and one at least every maxHoldMs.
 */
export function computeChangeInstants(events: readonly number[], range: ChangeRange): number[] {
  const { fromMs, toMs, maxHoldMs } = range;
  if (!(toMs > fromMs)) throw new RangeError(`empty range ${fromMs}-${toMs} ms`);
  const set = new Set<number>([fromMs]);
  for (const t of events) {
    const ms = Math.round(t * 1000);
    if (ms > fromMs && ms < toMs) set.add(ms);
  }
  const sorted = Array.from(set).sort((a, b) => a - b);
  const filled: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!;
    filled.push(t);
    const next = sorted[i + 1] ?? toMs;
    for (let h = t + maxHoldMs; h < next; h += maxHoldMs) filled.push(h);
  }
  return filled;
}

/** A piece of the timeline rendered and encoded on its own, [startMs, endMs). */
export interface RenderSegment {
  index: number;
  startMs: number;
  endMs: number;
  /** Instants to render; the first is startMs. */
  instants: number[];
}

/** Edges of [fromMs, toMs) cut into pieces of about `segmentMs`, a tail shorter than half a piece joined to the one before. */
function evenEdges(fromMs: number, toMs: number, segmentMs: number): number[] {
  const edges = [fromMs];
  for (let start = fromMs; start < toMs; ) {
    let end = Math.min(toMs, start + segmentMs);
    // A tail shorter than half a segment joins this one instead of becoming its own.
    if (toMs - end < segmentMs / 2) end = toMs;
    edges.push(end);
    start = end;
  }
  return edges;
}

/**
 * Edges of [fromMs, toMs): pieces of rampMs, then each twice the one before while it stays
 * shorter than segmentMs and leaves at least a full segment after it, then even pieces.
 */
function rampEdges(fromMs: number, toMs: number, rampMs: number, segmentMs: number): number[] {
  const edges = [fromMs];
  let start = fromMs;
  for (let piece = rampMs; piece < segmentMs && toMs - (start + piece) >= segmentMs; piece *= 2) {
    start += piece;
    edges.push(start);
  }
  return [...edges.slice(0, -1), ...evenEdges(start, toMs, segmentMs)];
}

/**
 * Cuts the part into segments of about `segmentMs` (the last up to 1.5×), each starting with a rendered instant (its
 * first frame becomes a keyframe, so the encoded segments join without re-encoding).
 *
 * `rampMs` (0: none): where the part is long enough, the first segment is that short and the ones
 * after it double (2, 4, 8, 16 s, then `segmentMs`), and the last segment is that short again.
 * The encoders wait for a segment's pictures and the join for the last segment's encode, so both
 * ends of the pipeline idle for one segment's work: short segments at the start put the encoders
 * to work within a couple of seconds instead of after the first full segment's pictures (4-5 s
 * for 30 s on a 2-core machine), and a short one at the end keeps the join's wait short.
 */
export function splitSegments(instants: readonly number[], fromMs: number, toMs: number, segmentMs: number, rampMs = 0): RenderSegment[] {
  if (!(segmentMs > 0)) throw new RangeError(`segment length must be positive, got ${segmentMs}`);
  const ramped = rampMs > 0 && rampMs < segmentMs && toMs - fromMs >= 2 * rampMs + segmentMs;
  const edges = ramped ? [...rampEdges(fromMs, toMs - rampMs, rampMs, segmentMs), toMs] : evenEdges(fromMs, toMs, segmentMs);
  const segments: RenderSegment[] = [];
  let i = 0;
  for (let index = 0; index + 1 < edges.length; index++) {
    const start = edges[index]!;
    const end = edges[index + 1]!;
    const own: number[] = [start];
    while (i < instants.length && instants[i]! < end) {
      if (instants[i]! > start) own.push(instants[i]!);
      i++;
    }
    segments.push({ index, startMs: start, endMs: end, instants: own });
  }
  return segments;
}

/**
 * Segment length for a part and a number of workers: about six segments per worker, 2–30 s each.
 * Each segment is one ffmpeg process that seeks and decodes both videos from a keyframe and starts
 * its encoder afresh: 30 s rather than 10 s segments took 7 % less CPU for a 10-minute render
 * (120 vs 129 CPU-s, same run), and the first and last segments are short anyway (splitSegments).
 */
export function segmentLengthMs(durationMs: number, workers: number): number {
  return Math.round(Math.min(30_000, Math.max(2_000, durationMs / (workers * 6))));
}
