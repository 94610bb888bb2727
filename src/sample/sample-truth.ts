/**
 * The ground truth the generator writes beside each synthetic recording
 * (`<recordingDir>/bbb-capture-sample.json`) and the meter reads: what was drawn where and when,
 * so an exported video can be checked frame by frame without guessing.
 * All times are seconds on the recording's timeline (t=0 is the first webcam frame).
 */
import type { Box } from '../frame-code/raster.js';

export const SAMPLE_TRUTH_FILE = 'bbb-capture-sample.json';

export type SampleVariant = 'full' | 'twocams' | 'fourcams' | 'audioonly' | 'tldraw' | 'lecture';

/** A time interval [start, end) in seconds. */
export interface Interval {
  start: number;
  end: number;
}

/** One camera of the composite webcams video: while it is on, and where its tile is. */
export interface CameraTruth {
  /** The code channel drawn in this camera's picture (0..15). */
  channel: number;
  /**
   * Each stretch the camera is visible, with its tile box in webcam-video pixels: the box the
   * camera's picture fills (BBB's fitted size, without the white padding of its grid cell).
   * Starts and ends fall on frame boundaries (a multiple of 1/fps).
   */
  intervals: Array<Interval & { box: Box; codeBox?: Box }>;
  /** The camera's background colour (RGB), muted and unlike any code colour. */
  color?: [number, number, number];
}

export interface SampleTruth {
  version: 1;
  variant: SampleVariant;
  recordId: string;
  meetingName: string;
  /** `start_time` of metadata.xml, ms since the epoch. */
  startTimeMs?: number;
  /** The presentation's id: slides live in presentation/<presentationId>/. */
  presentationId?: string;
  /** How the whiteboard is stored: shapes.svg canvases (BBB < 2.6) or tldraw.json v2 (BBB 3.0). */
  whiteboard?: 'svg' | 'tldraw';
  /** The meeting audio: the webcams video's track, or audio/audio.webm for audio-only recordings. */
  audio?: { file: string; codec: 'opus'; sampleRate: number; channels: number };
  /** Exact length of the recording (the webcams or audio media), seconds. */
  duration: number;
  /** The webcams video; absent for audio-only recordings. */
  webcams?: {
    file: string; // relative to the recording dir, e.g. video/webcams.webm
    width: number;
    height: number;
    fps: number;
    /** Frame n is shown from n/fps to (n+1)/fps and carries code value n. */
    frameCount: number;
    cameras: CameraTruth[];
  };
  /** Tone bursts in the meeting audio: each starts exactly at its time (to the sample). */
  tones: {
    frequency: number;
    lengthMs: number;
    times: number[];
    /** Peak amplitude of the tone (full scale = 1); silence is digital zero. */
    amplitude?: number;
    /** The burst starts at this sample (times[i] * sampleRate is an integer). */
    sampleRate?: number;
  };
  /**
   * Slides in order of showing; each slide picture carries a slide code with value = index.
   * `index` is the slide's number N as in `slide-N.png` / `slideN.svg` (1-based). A slide shown
   * twice appears twice. There is no entry while the screen share covers the presentation.
   */
  slides: Array<Interval & { index: number; file: string }>;
  /**
   * The slide pictures: their size in slide pixels (the coordinate space of `panzooms`,
   * `shapes[].box` and of shapes.svg) and where the slide code is drawn on every slide.
   */
  slidePicture?: { width: number; height: number; codeBox: Box };
  /**
   * Screen-share intervals; the deskshare video carries screenshare codes with value = frame number.
   * The deskshare video runs the whole recording at `fps` and is black outside the intervals; frame m
   * (shown from m/fps) carries value m, channel 0. `codeBox` is where the code is, in video pixels.
   */
  screenshare?: { file: string; fps: number; width: number; height: number; intervals: Interval[]; frameCount?: number; codeBox?: Box };
  /**
   * Whiteboard shapes: when each appears and (if undone) disappears. A shape belongs to slide
   * number `slide` and is visible while that slide is shown and start <= t < end (end null: never
   * undone), also when the slide is shown again later. `box` is its bounding box in slide pixels.
   */
  shapes: Array<{ id: string; kind: 'pencil' | 'line' | 'rectangle' | 'text' | 'ellipse'; start: number; end: number | null; slide: number; box?: Box; text?: string }>;
  /**
   * Presenter cursor: from `time` on, at (x, y) as fractions (0..1) of the whole slide's width and
   * height; x = y = -1 while hidden. (cursor.xml stores viewBox fractions, or tldraw page coordinates.)
   */
  cursor: Array<{ time: number; x: number; y: number }>;
  chat: Array<{ time: number; name: string; message: string }>;
  /**
   * Pan/zoom: from `time` on, the visible part of the slide (x, y, width, height in slide pixels,
   * as in panzooms.xml of a BBB < 2.6 recording). While a screen share is on, BBB writes the
   * deskshare.png size here; those events are listed too.
   */
  panzooms: Array<{ time: number; viewBox: [number, number, number, number] }>;
  /** Caption cues of caption_<locale>.vtt. */
  captions?: { locale: string; file: string; cues: Array<Interval & { text: string }> };
  /** Polls of polls.json (whole seconds, as BBB writes them). */
  polls?: Array<{ time: number; question: string }>;
}
