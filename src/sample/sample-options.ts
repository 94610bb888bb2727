/**
 * Options of the synthetic recording generator, resolved and validated once before anything is
 * drawn or spawned.
 */
import { CaptureError } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import type { SampleVariant } from './sample-truth.js';

export const SAMPLE_VARIANTS: readonly SampleVariant[] = ['full', 'twocams', 'fourcams', 'audioonly', 'tldraw', 'lecture'];

/** Shortest and longest recording the generator makes, seconds. */
export const MIN_SAMPLE_DURATION = 3;
export const MAX_SAMPLE_DURATION = 12 * 3600;

/** What a stage of the generator reports while it works. */
export interface SampleProgress {
  stage: 'slides' | 'webcams' | 'audio' | 'deskshare' | 'documents' | 'done';
  /** 0..1 within the stage. */
  fraction: number;
}

/** Options of generateRecording; only `root` and `ffmpeg` are required. */
export interface SampleOptions {
  /** Directory that receives `<recordId>/` (like /var/bigbluebutton/published/presentation). */
  root: string;
  variant?: SampleVariant;
  /** Length in seconds (3 s to 12 h); rounded to whole webcam frames. Default 60. */
  duration?: number;
  /** Webcam frames a second. Default 30. */
  fps?: number;
  ffmpeg: FfmpegTools;
  signal?: AbortSignal;
  onProgress?: (progress: SampleProgress) => void;
}

/** SampleOptions with every default filled in. */
export interface ResolvedSampleOptions {
  root: string;
  variant: SampleVariant;
  /** Exact length: frameCount / fps. */
  duration: number;
  fps: number;
  frameCount: number;
  ffmpeg: FfmpegTools;
  signal: AbortSignal | undefined;
  onProgress: (progress: SampleProgress) => void;
}

/** Validates options and fills defaults; throws USAGE naming the bad value. */
export function resolveSampleOptions(options: SampleOptions): ResolvedSampleOptions {
  const variant = options.variant ?? 'full';
  if (!SAMPLE_VARIANTS.includes(variant)) {
    throw new CaptureError('USAGE', `unknown sample variant "${String(variant)}": expected one of ${SAMPLE_VARIANTS.join(', ')}`);
  }
  const fps = options.fps ?? 30;
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) throw new CaptureError('USAGE', `fps ${fps} is not an integer from 1 to 60`);
  const requested = options.duration ?? 60;
  if (!Number.isFinite(requested) || requested < MIN_SAMPLE_DURATION || requested > MAX_SAMPLE_DURATION) {
    throw new CaptureError('USAGE', `duration ${requested} s is outside ${MIN_SAMPLE_DURATION}..${MAX_SAMPLE_DURATION} s`);
  }
  if (!options.root) throw new CaptureError('USAGE', 'no output directory given');
  const frameCount = Math.round(requested * fps);
  return {
    root: options.root,
    variant,
    duration: frameCount / fps,
    fps,
    frameCount,
    ffmpeg: options.ffmpeg,
    signal: options.signal,
    onProgress: options.onProgress ?? (() => undefined),
  };
}
