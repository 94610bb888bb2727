/**
 * The fully resolved options of one capture. The CLI (or batch/worker) builds this once; nothing
 * below reads argv or the environment.
 */
import type { PageLayout } from '../player/layout-css.js';
import type { OutputFormat } from '../compose/output-format.js';
import type { CaptionsMode } from '../mux/captions-mode.js';
import type { AudioFormat } from './audio-format.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import type { RecordingCredentials } from '../recording/recording-credentials.js';
import type { RecordEvent } from '../progress/record-event.js';

export const RESOLUTIONS = {
  '1280x720': { width: 1280, height: 720 },
  '1920x1080': { width: 1920, height: 1080 },
  '2560x1440': { width: 2560, height: 1440 },
  '3840x2160': { width: 3840, height: 2160 },
} as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** Said once per capture with --insecure. */
export const INSECURE_WARNING = '--insecure: TLS certificates are not checked, so a man in the middle could swap the player or the media';

/** Video bitrate of the tab capture per megapixel, by --quality. */
export const QUALITY_BITS_PER_MEGAPIXEL = { low: 1_500_000, medium: 3_000_000, high: 6_000_000 } as const;
export type Quality = keyof typeof QUALITY_BITS_PER_MEGAPIXEL;

/** Engines of `--engine`: `auto` chooses per recording (see job/choose-engine.ts). */
export const ENGINE_CHOICES = ['auto', 'capture', 'render'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** What `--format` may ask for: a video container, or sound only (no browser). */
export type ExportFormat = OutputFormat | AudioFormat;

export interface RecordOptions {
  /** Playback URL of the recording. */
  url: string;
  /** Final output path. */
  output: string;
  format: ExportFormat;
  /** Which engine exports it; auto: render where it can, capture otherwise. */
  engine: EngineChoice;
  width: number;
  height: number;
  layout: PageLayout;
  /** Part of the recording to export, seconds; `to` undefined = the end. */
  from: number;
  to: number | undefined;
  /** Constant output frame rate (re-encodes); undefined keeps the player's own frames. */
  fps: number | undefined;
  videoBitrate: number;
  audioBitrate: number;
  /** Largest frame rate the tab capture may deliver. */
  maxCaptureFps: number;
  /** Player time-event rate (Hz). */
  eventRate: number;
  chromiumPath: string;
  runningAsRoot: boolean;
  tools: FfmpegTools;
  fontFile: string;
  readyTimeoutMs: number;
  /** Accept any TLS certificate of the recording's server (--insecure). */
  insecure: boolean;
  /** Export a recording whose media ends well before it does, with a warning, instead of failing MEDIA_TRUNCATED. */
  allowTruncatedMedia: boolean;
  /** Playback that does not advance for this long is a stall. */
  stallTimeoutMs: number;
  /** The recording's captions as subtitle tracks, burnt into the picture, or left out. */
  captions: CaptionsMode;
  /** Chapters (slide changes, screen shares) in the container. */
  chapters: boolean;
  /** --job-timeout: the job's wall-clock limit in seconds, 0 = none; null: derived from the duration (job-timeout-ms.ts). */
  jobTimeoutSeconds: number | null;
  /** Check the result after writing (duration, streams, sound, no leading black). */
  verify: boolean;
  keepTemp: boolean;
  /** Cookies, headers, basic auth for recordings behind authentication; serialise as `[redacted]`. */
  credentials?: RecordingCredentials | undefined;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
}
