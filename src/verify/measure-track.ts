/**
 * Delivery, freezes and timing of one picture source (a camera tile or the screen share) in a
 * decoded output, from the frame numbers its code carries. Pure: frames in, numbers out.
 */
import type { Box } from '../frame-code/raster.js';
import type { Interval } from '../sample/sample-truth.js';
import type { DecodedFrame } from './decode-video-codes.js';
import type { TrackReport } from './fidelity-report.js';
import { driftOf, median, round } from './stats.js';

/** What the truth says about one picture source. */
export interface TrackSpec {
  kind: 'camera' | 'screenshare';
  /** Code channel to follow; null follows any channel of that kind. */
  channel: number | null;
  fps: number;
  /** Frames in the source video (frame n is shown from n/fps to (n+1)/fps and carries value n). */
  frameCount: number;
  /** When the source is visible, source seconds. */
  intervals: readonly Interval[];
  /** The exported range, source seconds; output t=0 is `from`. */
  from: number;
  to: number;
  /** Where the code sits inside the picture, in source pixels, if the truth says. */
  placement?: { picture: Box; code: Box } | undefined;
}

/** A track's report plus what the caller pools across tracks. */
export interface TrackMeasurement {
  report: TrackReport;
  /** Each expected source frame's first appearance: output time and offset, seconds. */
  appearances: Array<{ time: number; offset: number }>;
  /** Output time of the last frame showing this track, seconds. */
  lastShownTime: number | null;
  /** Source time of the newest source frame shown, seconds. */
  lastSourceTime: number | null;
  /** Source time of the last source frame that should be shown, seconds. */
  expectedLastSourceTime: number | null;
}

// Frame times are n/fps in floating point; keep boundaries from flipping on rounding.
const EPS = 1e-6;

/** Merges touching or overlapping intervals (a camera moving between tiles stays visible). */
function visibleStretches(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out.at(-1);
    if (last && iv.start <= last.end + EPS) last.end = Math.max(last.end, iv.end);
    else out.push({ start: iv.start, end: iv.end });
  }
  return out;
}

/** Maps a found code box to its picture's box, by the placement's scale and offsets. */
function pictureFromCode(found: Box, placement: { picture: Box; code: Box }): Box {
  const sx = found.w / placement.code.w;
  const sy = found.h / placement.code.h;
  return {
    x: Math.round(found.x + (placement.picture.x - placement.code.x) * sx),
    y: Math.round(found.y + (placement.picture.y - placement.code.y) * sy),
    w: Math.round(placement.picture.w * sx),
    h: Math.round(placement.picture.h * sy),
  };
}

/** Measures one track over all decoded frames. */
export function measureTrack(frames: readonly DecodedFrame[], spec: TrackSpec): TrackMeasurement {
  const { fps, frameCount, from, to } = spec;
  // stretchOf[n]: which visible stretch source frame n falls in, -1 when it is not expected.
  const stretchOf = new Int32Array(Math.max(0, frameCount)).fill(-1);
  let expected = 0;
  let expectedLast = -1;
  visibleStretches(spec.intervals).forEach((iv, k) => {
    const start = Math.max(iv.start, from);
    const end = Math.min(iv.end, to);
    for (let n = Math.max(0, Math.ceil(start * fps - EPS)); n < frameCount && n / fps < end - EPS; n++) {
      if (stretchOf[n] !== -1) continue;
      stretchOf[n] = k;
      expected++;
      expectedLast = Math.max(expectedLast, n);
    }
  });
  const isExpected = (n: number) => n >= 0 && n < frameCount && stretchOf[n]! >= 0;

  const seen = new Uint8Array(Math.max(0, frameCount));
  let delivered = 0;
  let maxSeen = -1;
  let lastAdvance: { time: number; value: number } | null = null;
  let longest = -Infinity;
  let longestAt: number | null = null;
  let lastShownTime: number | null = null;
  let lastSourceValue = -1;
  const appearances: Array<{ time: number; offset: number }> = [];
  const boxCounts = new Map<string, { box: Box; count: number }>();

  for (const frame of frames) {
    let value = -1;
    let box: Box | undefined;
    for (const code of frame.codes) {
      if (code.kind !== spec.kind || (spec.channel !== null && code.channel !== spec.channel)) continue;
      if (isExpected(code.value) && seen[code.value] === 0) {
        seen[code.value] = 1;
        delivered++;
      }
      if (code.value > value) {
        value = code.value;
        box = code.box;
      }
    }
    if (value < 0) continue;
    lastShownTime = frame.time;
    lastSourceValue = Math.max(lastSourceValue, value);
    if (box) {
      const key = `${box.x},${box.y},${box.w},${box.h}`;
      const entry = boxCounts.get(key);
      if (entry) entry.count++;
      else boxCounts.set(key, { box, count: 1 });
    }
    // Only a newer source frame counts as an advance; an older one (a seek back) is ignored.
    if (value <= maxSeen) continue;
    maxSeen = value;
    if (!isExpected(value)) {
      lastAdvance = null;
      continue;
    }
    appearances.push({ time: frame.time, offset: frame.time - (value / fps - from) });
    if (lastAdvance && stretchOf[lastAdvance.value] === stretchOf[value]) {
      // It should have advanced 1/fps after it appeared; everything beyond that stood still.
      const freeze = frame.time - lastAdvance.time - 1 / fps;
      if (freeze > longest) {
        longest = freeze;
        longestAt = lastAdvance.time;
      }
    }
    lastAdvance = { time: frame.time, value };
  }

  let box: Box | null = null;
  let best = 0;
  for (const entry of boxCounts.values()) {
    if (entry.count > best) {
      best = entry.count;
      box = entry.box;
    }
  }
  const offsets = appearances.map((a) => a.offset);
  const offset = median(offsets);
  const drift = driftOf(
    appearances.map((a) => a.time),
    offsets,
  );
  const report: TrackReport = {
    kind: spec.kind,
    channel: spec.channel ?? 0,
    expectedFrames: expected,
    deliveredFrames: delivered,
    deliveredRatio: expected > 0 ? round(delivered / expected, 4) : null,
    // Below a millisecond is container rounding (WebM stores whole milliseconds), not a freeze.
    longestFreezeMs: longestAt === null ? null : longest < 0.001 ? 0 : round(longest * 1000),
    longestFreezeAtMs: longestAt === null ? null : round(longestAt * 1000),
    offsetMs: offset === null ? null : round(offset * 1000),
    driftMs: drift === null ? null : round(drift * 1000),
    box,
    pictureBox: box && spec.placement ? pictureFromCode(box, spec.placement) : null,
  };
  return {
    report,
    appearances,
    lastShownTime,
    lastSourceTime: lastSourceValue >= 0 ? lastSourceValue / fps : null,
    expectedLastSourceTime: expectedLast >= 0 ? expectedLast / fps : null,
  };
}
