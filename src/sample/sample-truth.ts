/**
 * The ground truth the generator writes beside each synthetic recording
 * (`<recordingDir>/bbb-capture-sample.json`) and the meter reads: what was drawn where and when,
 * so an exported video can be checked frame by frame without guessing.
 * All times are seconds on the recording's timeline (t=0 is the first webcam frame).
 */
import type { Box } from '../frame-code/raster.js';

export const SAMPLE_TRUTH_FILE = 'bbb-capture-sample.json';

export type SampleVariant = 'full' | 'twocams' | 'fourcams' | 'audioonly' | 'tldraw';

/** A time interval [start, end) in seconds. */
export interface Interval {
  start: number;
  end: number;
}

/** One camera of the composite webcams video: while it is on, and where its tile is. */
export interface CameraTruth {
  /** The code channel drawn in this camera's picture (0..15). */
  channel: number;
  /** Each stretch the camera is visible, with its tile box in webcam-video pixels. */
  intervals: Array<Interval & { box: Box }>;
}

export interface SampleTruth {
  version: 1;
  variant: SampleVariant;
  recordId: string;
  meetingName: string;
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
  };
  /** Slides in order of showing; each slide picture carries a slide code with value = index. */
  slides: Array<Interval & { index: number; file: string }>;
  /** Screen-share intervals; the deskshare video carries screenshare codes with value = frame number. */
  screenshare?: { file: string; fps: number; width: number; height: number; intervals: Interval[] };
  /** Whiteboard shapes: when each appears and (if undone) disappears. */
  shapes: Array<{ id: string; kind: 'pencil' | 'line' | 'rectangle' | 'text' | 'ellipse'; start: number; end: number | null; slide: number }>;
  cursor: Array<{ time: number; x: number; y: number }>;
  chat: Array<{ time: number; name: string; message: string }>;
  panzooms: Array<{ time: number; viewBox: [number, number, number, number] }>;
}
