/**
 * Camera intervals of a recording's webcam composite, from its pixels: a coarse pass reads one
 * frame a second at 1/8 size, then each second in which the layout changed is read again frame by
 * frame, so every switch lands on the exact frame the composite changed.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import type { Box } from '../frame-code/raster.js';
import { startProcess, type ProcessOptions } from '../process/run-process.js';
import { probeMedia } from '../recording/probe-media.js';
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
    '-fps_mode',
    'passthrough',
    '-an',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ];
}

/** ffmpeg arguments: every `step`-th frame (frames 0, step, 2·step…) as w×h RGB24. */
export function coarseDecodeArgs(file: string, step: number, w: number, h: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-i',
    file,
    // Select by frame number so sample k is exactly frame k·step; area scaling averages tiles and gutters fairly.
    '-vf',
    `select=not(mod(n\\,${step})),scale=${w}:${h}:flags=area`,
    ...decodeTail(),
  ];
}

/** ffmpeg arguments: `count` consecutive frames from frame `first` as w×h RGB24. */
export function windowDecodeArgs(file: string, first: number, count: number, fps: number, w: number, h: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    // Accurate seek to half a frame before `first`: frame first-1 starts before it and is dropped,
    // frame `first` is the first kept.
    '-ss',
    frameTime(Math.max(0, first - 0.5), fps),
    '-i',
    file,
    '-frames:v',
    String(count),
    '-vf',
    `scale=${w}:${h}:flags=area`,
    ...decodeTail(),
  ];
}

/**
 * Runs ffmpeg and hands each frame of its stdout (`frameBytes` each) to `onFrame` as it arrives, so
 * memory stays at one frame and a pipe's worth however long the video.
 */
async function forEachFrame(ffmpeg: string, args: string[], frameBytes: number, run: ProcessOptions, onFrame: (frame: Buffer) => void): Promise<void> {
  const child = startProcess(ffmpeg, args, run);
  // -nostdin: ffmpeg reads nothing from us.
  child.stdin.end();
  const frame = Buffer.alloc(frameBytes);
  let filled = 0;
  try {
    for await (const piece of child.stdout as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < piece.length; ) {
        const n = Math.min(frameBytes - filled, piece.length - offset);
        piece.copy(frame, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          onFrame(frame);
          filled = 0;
        }
      }
    }
  } catch (error) {
    // Reading or classifying failed: stop ffmpeg (its being killed is no news) and say why.
    child.child.kill();
    await child.done.catch(() => undefined);
    throw error;
  }
  await child.done;
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
  const frameBytes = w * h * 3;
  const classify = frameClassifier(width, height, w, h);
  const run = { signal: options.signal, label: 'ffmpeg (camera detection)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  const step = Math.max(1, Math.round(fps));
  // Coarse pass: only the samples whose layout differs from the one before are kept (with the
  // first), so what is kept grows with the number of switches, not with the duration.
  const changes: Array<{ k: number; layout: Box[] }> = [];
  let k = 0;
  await forEachFrame(options.tools.ffmpeg, coarseDecodeArgs(file, step, w, h), frameBytes, run, (frame) => {
    const layout = classify(frame);
    const last = changes.at(-1);
    if (!last || !sameTiles(last.layout, layout)) changes.push({ k, layout });
    k++;
  });
  const indices: number[] = [];
  const layouts: Box[][] = [];
  for (const [i, change] of changes.entries()) {
    // Refine: read every frame between the sample before a switch and the switch, in order.
    if (i > 0 && step > 1) {
      const first = (change.k - 1) * step + 1;
      let n = first;
      await forEachFrame(options.tools.ffmpeg, windowDecodeArgs(file, first, step - 1, fps, w, h), frameBytes, run, (frame) => {
        indices.push(n++);
        layouts.push(classify(frame));
      });
    }
    indices.push(change.k * step);
    layouts.push(change.layout);
  }
  return { width, height, fps, duration, intervals: toIntervals(indices, layouts, fps, duration) };
}
