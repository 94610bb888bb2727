/**
 * Camera intervals of a recording's webcam composite, from its pixels: a coarse pass reads one
 * frame a second at 1/8 size, then each second in which the layout changed is read again frame by
 * frame, so every switch lands on the exact frame the composite changed.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcessBinary } from '../process/run-process.js';
import { probeMedia } from '../verify/probe-media.js';
import { frameClassifier, sameTiles, toIntervals, type CameraInterval } from './detect-camera-tiles.js';

export interface CameraIntervals {
  width: number;
  height: number;
  fps: number;
  duration: number;
  intervals: CameraInterval[];
}

// BBB writes the composite at 15 fps (bbb-playback.md §3); used when the file does not say.
const DEFAULT_FPS = 15;
// 1/8 of the canvas: enough to tell every grid apart (gutters and empty cells are many pixels wide).
const SHRINK = 8;

const frameTime = (n: number, fps: number) => (n / fps).toFixed(6);

function decodeTail(): string[] {
  return [
    // Every decoded frame as is: no duplicates or drops, so output frame k is a known source frame.
    '-fps_mode', 'passthrough',
    '-an', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-',
  ];
}

/** ffmpeg arguments: every `step`-th frame (frames 0, step, 2·step…) as w×h RGB24. */
export function coarseDecodeArgs(file: string, step: number, w: number, h: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-i', file,
    // Select by frame number so sample k is exactly frame k·step; area scaling averages tiles and gutters fairly.
    '-vf', `select=not(mod(n\\,${step})),scale=${w}:${h}:flags=area`,
    ...decodeTail(),
  ];
}

/** ffmpeg arguments: `count` consecutive frames from frame `first` as w×h RGB24. */
export function windowDecodeArgs(file: string, first: number, count: number, fps: number, w: number, h: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Accurate seek to half a frame before `first`: frame first-1 starts before it and is dropped,
    // frame `first` is the first kept.
    '-ss', frameTime(Math.max(0, first - 0.5), fps),
    '-i', file,
    '-frames:v', String(count),
    '-vf', `scale=${w}:${h}:flags=area`,
    ...decodeTail(),
  ];
}

function split(buffer: Buffer, size: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let o = 0; o + size <= buffer.length; o += size) frames.push(buffer.subarray(o, o + size));
  return frames;
}

/** Reads the camera intervals of a webcams video (video/webcams.webm or .mp4). */
export async function findCameraIntervals(file: string, options: { tools: FfmpegTools; signal?: AbortSignal | undefined }): Promise<CameraIntervals> {
  const probe = await probeMedia(file, options);
  if (!probe.video) return { width: 0, height: 0, fps: DEFAULT_FPS, duration: probe.duration, intervals: [] };
  const { width, height } = probe.video;
  const fps = probe.video.frameRate ?? DEFAULT_FPS;
  const duration = probe.video.duration ?? probe.duration;
  const w = 2 * Math.max(1, Math.round(width / SHRINK / 2));
  const h = 2 * Math.max(1, Math.round(height / SHRINK / 2));
  const classify = frameClassifier(width, height, w, h);
  const run = { signal: options.signal, label: 'ffmpeg (camera detection)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  const step = Math.max(1, Math.round(fps));
  const coarse = split(await runProcessBinary(options.tools.ffmpeg, coarseDecodeArgs(file, step, w, h), run), w * h * 3).map(classify);
  const indices = coarse.map((_, k) => k * step);
  const layouts = [...coarse];
  // Refine: read every frame between two samples that disagree, and insert them in order.
  for (let k = coarse.length - 1; k > 0; k--) {
    if (sameTiles(coarse[k - 1]!, coarse[k]!)) continue;
    const first = (k - 1) * step + 1;
    const frames = split(await runProcessBinary(options.tools.ffmpeg, windowDecodeArgs(file, first, step - 1, fps, w, h), run), w * h * 3).map(classify);
    indices.splice(k, 0, ...frames.map((_, i) => first + i));
    layouts.splice(k, 0, ...frames);
  }
  return { width, height, fps, duration, intervals: toIntervals(indices, layouts, fps, duration) };
}
