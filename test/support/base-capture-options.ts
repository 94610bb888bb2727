/**
 * The capture options the batch and farm unit tests start from: a 1080p MP4 through the capture
 * engine, with nothing checked and nothing real to run (the tests fake the capture itself).
 */
import type { BaseCaptureOptions } from '../../src/batch/capture-settings.js';

/** Options of a plain 1080p job; spread and override what a test is about. */
export const BASE_CAPTURE_OPTIONS = {
  format: 'mp4',
  engine: 'capture',
  captions: 'track',
  chapters: true,
  jobTimeoutSeconds: null,
  width: 1920,
  height: 1080,
  layout: 'player',
  from: 0,
  to: undefined,
  fps: undefined,
  videoBitrate: 6_000_000,
  audioBitrate: 192_000,
  maxCaptureFps: 60,
  eventRate: 30,
  chromiumPath: '/bin/false',
  insecure: false,
  allowTruncatedMedia: false,
  runningAsRoot: false,
  tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
  fontFile: '/dev/null',
  readyTimeoutMs: 1000,
  stallTimeoutMs: 1000,
  verify: false,
  keepTemp: false,
} satisfies BaseCaptureOptions;
