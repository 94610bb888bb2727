/**
 * What the job hands an engine, and what an engine gives back. Both engines produce the same
 * thing: the part of the recording as a video file at `output`, its picture the player's page
 * (the page layer) with the recording's own videos composited into the boxes the page gives them,
 * its sound the recording's own, cut by samples (src/compose).
 */
import type { Browser } from 'playwright';
import type { OpenedPlayer } from '../player/open-player.js';
import type { OpenedRecording } from '../recording/open-recording.js';
import type { RecordOptions } from '../options/record-options.js';
import type { OutputFormat } from '../compose/output-format.js';

/** The browser and the first player page, opened by the job (it checked the player there). */
export interface PlayerSession {
  browser: Browser;
  player: OpenedPlayer;
  /** Opens another page of the same player in the same browser (the render engine's workers). */
  openPage: () => Promise<OpenedPlayer>;
}

/** The options an engine reads: a capture's, with the size and layout of this run. */
export type EngineOptions = Omit<RecordOptions, 'url' | 'output' | 'format'> & {
  /** A video container: audio-only formats never reach an engine. */
  format: OutputFormat;
  /** Render engine: player pages rendering segments in parallel. */
  workers: number;
  /** Render engine: composite the videos (true) or let the page draw them. */
  hybrid: boolean;
  /** Write no sound (a part rendered for the farm). */
  videoOnly: boolean;
};

/** One engine run. */
export interface EngineRun {
  recording: OpenedRecording;
  session: PlayerSession;
  options: EngineOptions;
  /** The job's work directory (same filesystem as the output). */
  workDir: string;
  /** Where to write the result (the job verifies and renames it). */
  output: string;
  /** Render engine: told of each encoded segment as it is ready (`--rtmp` streams them live). */
  segments?: SegmentSink | undefined;
}

/** Takes the render engine's segments as they are encoded, before the whole is joined. */
export interface SegmentSink {
  /** Longest segment, ms: the live stream starts once the first is rendered. */
  maxSegmentMs: number;
  /** The export (ms of the recording) and its segments, once planned, before any is rendered. */
  planned(span: { fromMs: number; toMs: number }, segments: ReadonlyArray<{ startMs: number; endMs: number }>): void;
  /** Segment `index` is encoded into `file` (video only, opening on a keyframe; kept until the job ends). */
  encoded(index: number, file: string): void;
}

/** What every engine reports. */
export interface EngineOutput {
  /** The exported part, seconds of the recording. */
  from: number;
  to: number;
  duration: number;
}
