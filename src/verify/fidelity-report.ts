/**
 * The fidelity meter's result: plain JSON (no undefined, no Infinity), so it can be printed by
 * `bbb-capture verify`, stored beside a benchmark run, and compared across versions.
 * Times are milliseconds unless a name says otherwise; "output" times are on the exported
 * file's timeline (t=0 = its start), "source" times on the recording's.
 */
import type { Box } from '../frame-code/raster.js';

/** How well one picture source (a camera of the webcams video, or the screen share) came through. */
export interface TrackReport {
  kind: 'camera' | 'screenshare';
  /** Code channel: the camera index for cameras, 0 for the screen share. */
  channel: number;
  /** Source frames that should appear: in the exported range and while this source is visible. */
  expectedFrames: number;
  /** Distinct expected source frames seen in the output at least once. */
  deliveredFrames: number;
  /** deliveredFrames / expectedFrames; null when nothing was expected. */
  deliveredRatio: number | null;
  /**
   * The longest time the picture stood still although the source moved on: for each new source
   * frame, how much longer than its own duration (1/fps) it stayed before the next new one.
   * 0 for a perfect copy; one dropped frame at 15 fps gives 67.
   */
  longestFreezeMs: number | null;
  /** Output time at which it froze longest (start of that frame), ms. */
  longestFreezeAtMs: number | null;
  /** Median over source frames of (output time it first appears − its source time − from). */
  offsetMs: number | null;
  /** Change of that offset over the output (least-squares line, end minus start). */
  driftMs: number | null;
  /** Where its code was found most often, in the output's pixels. */
  box: Box | null;
  /**
   * Where the whole camera (or shared-screen) picture is, in the output's pixels: the code box
   * mapped through where the truth says the code sits in the picture. Null when it does not say.
   */
  pictureBox: Box | null;
}

/** Slides seen (by their slide code). */
export interface SlidesReport {
  /** Slide indexes visible for at least 300 ms of the range (screen share hides them). */
  expected: number[];
  /** Expected slide indexes whose code was found. */
  seen: number[];
  missing: number[];
  /** Slide changes inside the range found in the output. */
  changesMeasured: number;
  /** Median of (output time a new slide first shows − when it is due). Includes the player's time-event period. */
  changeOffsetMs: number | null;
  /** The latest slide change. */
  changeOffsetMaxMs: number | null;
}

/** How late one kind of page change showed (measure-page-changes.ts). */
export interface ChangeLatencyReport {
  /** Changes of the truth inside the range that show and stand apart from other instants. */
  expected: number;
  /** Of those, the ones whose picture change was found. */
  measured: number;
  /** Median and largest of (output time the picture changed − when it is due). */
  medianMs: number | null;
  maxMs: number | null;
}

/** Whiteboard and cursor changes, timed by where the slide's picture changes. */
export interface PageChangesReport {
  whiteboard: ChangeLatencyReport;
  cursor: ChangeLatencyReport;
}

/** What the audio track holds. */
export interface AudioReport {
  present: boolean;
  /** Peak level of the mono mix, dB full scale (−120 for digital silence); null without audio. */
  peakDbfs: number | null;
  /** Peak below −60 dBFS. */
  silent: boolean | null;
  /** Tone bursts in the range (the ground truth). */
  burstsExpected: number;
  /** Bursts detected in the output (anywhere). */
  burstsFound: number;
  /** Expected bursts paired with a detected one. */
  burstsMatched: number;
  /** Median of (detected onset − expected output time). Positive = audio late. */
  offsetMs: number | null;
  /** Largest minus smallest per-burst offset. */
  spreadMs: number | null;
  /** Change of the offset over the output (least-squares line). */
  driftMs: number | null;
}

/** How the output ends. */
export interface EndReport {
  /** Expected length of the output (= expectedDurationMs). */
  expectedEndMs: number;
  /** Output time at which the last frame with content stops being shown. */
  lastContentEndMs: number | null;
  /** lastContentEndMs − expectedEndMs: negative = content cut short, positive = runs long. */
  endErrorMs: number | null;
  /** Source time of the last webcam (or screen-share) frame shown, ms on the recording. */
  lastSourceTimeMs: number | null;
  /** Source time of the last webcam (or screen-share) frame that should be shown. */
  expectedLastSourceTimeMs: number | null;
}

/** Picture sources an output can show: the webcams, the screen share, the slides. */
export type FidelitySource = 'cameras' | 'screenshare' | 'slides';

/** Everything measureFidelity reports. */
export interface FidelityReport {
  version: 1;
  /** The file measured. */
  video: string;
  recordingDir: string;
  variant: string;
  /** The part of the recording the output should hold, source seconds. */
  range: { from: number; to: number };
  streams: { video: boolean; audio: boolean };
  /** What the output is expected to show (the truth's sources, or the `sources` option). */
  sources: FidelitySource[];
  /** Container duration of the output. */
  durationMs: number;
  /** (to − from) of the range. */
  expectedDurationMs: number;
  durationErrorMs: number;
  /** Decoded frames; null without a video stream. */
  frames: {
    count: number;
    width: number;
    height: number;
    /** The size codes were read at. */
    analysisWidth: number;
    analysisHeight: number;
    /** Median time between frames (≈ 1000 / output frame rate). */
    medianIntervalMs: number | null;
    /** Frames showing at least one code. */
    withContent: number;
  } | null;
  /** One per camera channel of the recording; empty when cameras are not among the sources. */
  cameras: TrackReport[];
  /** Null when the recording has no screen share or it is not among the sources. */
  screenshare: TrackReport | null;
  /** Null when the recording has no slides or they are not among the sources. */
  slides: SlidesReport | null;
  /** Whiteboard and cursor change lateness; null without slides or when the slide is not found. */
  pageChanges: PageChangesReport | null;
  /** Median offset over all cameras' frames (the screen share's when there are no cameras). */
  videoOffsetMs: number | null;
  videoDriftMs: number | null;
  audio: AudioReport;
  /** audio.offsetMs − videoOffsetMs. Negative = video behind audio. */
  avSyncMs: number | null;
  /** Output time of the first frame showing content (a camera code; a slide or screen-share code when no camera is on). */
  leadingMs: number | null;
  end: EndReport;
  /** How long the measurement took. */
  elapsedMs: number;
}
