/**
 * Where the recording's first instant lies in the captured file, for video and for audio.
 * The page clock links the two measurements: the player reports when each media frame was
 * displayed (page clock), and the sync clip shows where one page-clock instant landed in the file.
 */
import type { FrameSample } from '../../player/player-page-api.js';

export interface AlignmentInput {
  /** Presentation samples from the start of playback (media s, page ms). */
  samples: readonly FrameSample[];
  /** Media time (s) the export starts at. */
  from: number;
  /** The sync clip: media time of each frame (index = its code value) and of the beep. */
  clipFrameTimes: readonly number[];
  clipBeepTime: number;
  /** Clip frames as the page displayed them (media s, page ms). */
  clipShown: readonly FrameSample[];
  /** Clip frame number -> file time (s) it first appears at; file time (s) of the beep. */
  clipFramesInFile: ReadonlyMap<number, number>;
  /** File time (s) of the beep, when the capture kept it. */
  beepInFile: number | undefined;
  /** Page clock (ms) at which the recorder started: file time 0, give or take the capture's own latency. */
  recorderStartedAt: number;
}

export interface Alignment {
  /** Page clock (s, performance.now / 1000) at which media time `from` was displayed: output t=0 on the page clock. */
  pageStart: number;
  /** File time (s) of the video frame for media time `from`. */
  videoStart: number;
  /** File time (s) of the audio sample for media time `from` (null without the beep; the sound comes from the recording's files anyway). */
  audioStart: number | null;
  /** How much later audio lands in the file than video for the same instant (ms): the capture's own skew (null without the beep). */
  captureSkewMs: number | null;
  /** Largest lag of playback behind a steady clock during the capture (ms): stalls show here. */
  maxLagMs: number;
  /** Sync clip frames matched between page and file, and the spread of their offsets (ms). */
  syncFrames: number;
  syncSpreadMs: number;
  /**
   * What mapped the page clock to file time: the sync clip, or (when none of its frames was both
   * displayed and captured: a loaded machine's encoder dropped them) the recorder's start.
   */
  sync: 'clip' | 'recorder-start';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Computes the alignment; throws when playback never presented a frame, falls back to the recorder's start without the clip. */
export function computeAlignment(input: AlignmentInput): Alignment {
  if (input.samples.length === 0) throw new Error('no presentation samples: playback never started');
  const firstDisplay = input.samples[0]![1];
  // Page time (s) at which media time `from` was (or would have been) displayed, from the first
  // second of playback, where every frame is sampled; the median rejects a late first frame.
  const early = input.samples.filter(([, display]) => display - firstDisplay < 1200);
  const presentedAt = (sample: FrameSample) => sample[1] / 1000 - (sample[0] - input.from);
  const startOnPageClock = median(early.map(presentedAt));
  // Video: for every clip frame both displayed and captured, file time minus page time.
  const videoOffsets: number[] = [];
  for (const [mediaTime, display] of input.clipShown) {
    const n = input.clipFrameTimes.findIndex((t) => Math.abs(t - mediaTime) < 0.005);
    const inFile = n >= 0 ? input.clipFramesInFile.get(n) : undefined;
    if (inFile !== undefined) videoOffsets.push(inFile - display / 1000);
  }
  const fromClip = videoOffsets.length > 0;
  const videoOffset = fromClip ? median(videoOffsets) : -input.recorderStartedAt / 1000;
  // Audio: the beep's page time, from the clip's own media-time-to-page-clock relation.
  const audioOffset =
    fromClip && input.beepInFile !== undefined ? input.beepInFile - (median(input.clipShown.map(([mediaTime, display]) => display / 1000 - mediaTime)) + input.clipBeepTime) : null;
  const maxLagMs = Math.max(0, ...input.samples.map((s) => (presentedAt(s) - startOnPageClock) * 1000));
  return {
    pageStart: startOnPageClock,
    videoStart: startOnPageClock + videoOffset,
    audioStart: audioOffset === null ? null : startOnPageClock + audioOffset,
    captureSkewMs: audioOffset === null ? null : (audioOffset - videoOffset) * 1000,
    maxLagMs,
    syncFrames: videoOffsets.length,
    syncSpreadMs: fromClip ? (Math.max(...videoOffsets) - Math.min(...videoOffsets)) * 1000 : 0,
    sync: fromClip ? 'clip' : 'recorder-start',
  };
}

/** From `pageMs` on (page clock), the page is `lagMs` behind where the part's start said it would be. */
export interface LagStep {
  pageMs: number;
  lagMs: number;
}

/** Lag changes smaller than this are the event timer's jitter, not the page falling behind. */
export const LAG_TOLERANCE_MS = 20;

/** The page's own clock of the recording's timeline, from its time events. */
export interface PageTimeline {
  /** Page clock (ms) at which the player announced media time `from`: output t=0 of the page layer. */
  startMs: number;
  /** Where the page fell behind that, increasing in both fields. */
  steps: LagStep[];
}

/**
 * The page layer's timeline, from the player's time events (media s, page ms). The page shows
 * the recording as of its last time event, so these, not the frames of a video the page no
 * longer shows, say when it showed which instant. In steady playback page time minus media time
 * is constant to a few ms of timer jitter; its median over the first second (as for the start
 * from the video frames) places `from`. A stall or a starved page makes it grow, and it never
 * shrinks (media does not catch up): the lag follows each rise of more than LAG_TOLERANCE_MS.
 * Undefined without events (a player that announces no time).
 */
export function pageTimeline(events: ReadonlyArray<readonly [mediaTime: number, pageMs: number]>, from: number): PageTimeline | undefined {
  if (events.length === 0) return undefined;
  const firstPage = events[0]![1];
  const reference = median(events.filter(([, p]) => p - firstPage < 1200).map(([t, p]) => p - t * 1000));
  const steps: LagStep[] = [];
  let lag = 0;
  for (const [t, p] of events) {
    const now = p - t * 1000 - reference;
    if (now > lag + LAG_TOLERANCE_MS) {
      lag = now;
      steps.push({ pageMs: p, lagMs: Math.round(lag) });
    }
  }
  return { startMs: reference + from * 1000, steps };
}
