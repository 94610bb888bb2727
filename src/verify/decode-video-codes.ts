/**
 * Decodes a video with ffmpeg and reads the frame codes in every frame, streaming: ffmpeg writes
 * raw RGB24 frames (scaled down for speed) to its stdout, read one at a time, and only the codes found
 * are kept. Each frame's exact presentation time comes from ffmpeg's metadata filter, which
 * prints every frame's timestamp (in microseconds, after settb) to a small text file, so
 * variable-frame-rate captures are timed frame by frame rather than assumed constant.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CaptureError, throwIfAborted } from '../errors.js';
import { changedCells } from '../frame-code/changed-cells.js';
import { readCodes, type FoundCode } from '../frame-code/frame-code.js';
import { Raster } from '../frame-code/raster.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { startProcess } from '../process/run-process.js';
import type { VideoStreamInfo } from '../recording/probe-media.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** One decoded frame: when it is shown and what codes it carries. */
export interface DecodedFrame {
  /** Presentation time, seconds on the output timeline (zero = timelineStart). */
  time: number;
  /** Codes found, boxes in the video's own pixels. */
  codes: FoundCode[];
  /**
   * Grid cells (CHANGED_CELLS_DEFAULTS.cell analysis pixels, frame-code/changed-cells.ts) in which
   * this frame differs from the one before; none for the first. Absent unless asked for.
   */
  changedCells?: number[];
}

/** Every frame of a video, reduced to its codes. */
export interface DecodedVideo {
  /** The video's size. */
  width: number;
  height: number;
  /** The size frames were analysed at. */
  analysisWidth: number;
  analysisHeight: number;
  frames: DecodedFrame[];
}

/** Options of decodeVideoCodes. */
export interface DecodeVideoCodesOptions {
  video: string;
  stream: Pick<VideoStreamInfo, 'width' | 'height'>;
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
  /** Frames wider than this are scaled down before reading codes (default 960). */
  maxWidth?: number;
  /** Container time that becomes output t=0, seconds. */
  timelineStart?: number;
  /** Also note where each frame differs from the one before (DecodedFrame.changedCells). */
  changes?: boolean;
}

const FRAMES_FILE = 'frames.txt';
const NO_CODES: FoundCode[] = [];
const NO_CELLS: number[] = [];

/** The size frames are analysed at: at most maxWidth wide, aspect kept, even dimensions. */
export function analysisSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  if (width <= maxWidth) return { width, height };
  const w = Math.max(2, Math.floor(maxWidth / 2) * 2);
  return { width: w, height: Math.max(2, Math.round((height * w) / width / 2) * 2) };
}

/** ffmpeg arguments that write raw RGB24 frames to stdout and each frame's pts to framesFile. */
export function videoDecodeArgs(options: { video: string; width: number; height: number; scale: boolean; framesFile: string }): string[] {
  const filters = [
    // Microsecond time base, so the printed pts are exact integers whatever the container used.
    'settb=AVTB',
    // Shrink in YUV first (area averaging keeps code cells clean), then convert the small
    // picture to RGB: converting 1080p to RGB while scaling costs about twice the CPU.
    // Skipped at native size.
    ...(options.scale ? [`scale=${options.width}:${options.height}:flags=area`, 'format=yuv420p'] : []),
    // The conversion to RGB needs no interpolation quality: cells are several pixels wide.
    'scale=flags=fast_bilinear',
    'format=rgb24',
    // metadata=print writes a frame's "frame:N pts:P" header only when the frame has metadata,
    // so tag every frame first, then print to a file (stderr stays small and readable).
    'metadata=mode=add:key=bbb_capture:value=1',
    `metadata=mode=print:file=${options.framesFile}`,
  ];
  return [
    ...FFMPEG_QUIET,
    '-copyts', // keep container timestamps: the meter places t=0 itself (see measureFidelity)
    '-noautorotate', // boxes are reported in stored pixels
    '-i',
    options.video,
    '-map',
    '0:v:0', // the first video stream only
    '-an',
    '-sn',
    '-dn',
    '-fps_mode',
    'passthrough', // one output frame per decoded frame: no duplicates, no drops
    '-vf',
    filters.join(','),
    '-pix_fmt',
    'rgb24', // what Raster and readCodes read
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** Parses the metadata filter's print file into one pts (microseconds) per frame; NaN if absent. */
export function parseFrameTimes(text: string): number[] {
  const times: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^frame:(\d+)\s+pts:(\S+)/.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    const pts = Number(m[2]);
    times[index] = Number.isFinite(pts) ? pts : Number.NaN;
  }
  for (let i = 0; i < times.length; i++) if (times[i] === undefined) times[i] = Number.NaN;
  return times;
}

/** Decodes every frame of a video and returns the codes found in each, with its time. */
export async function decodeVideoCodes(options: DecodeVideoCodesOptions): Promise<DecodedVideo> {
  const { width, height } = options.stream;
  const size = analysisSize(width, height, options.maxWidth ?? 960);
  const frameBytes = size.width * size.height * 3;
  const sx = width / size.width;
  const sy = height / size.height;
  throwIfAborted(options.signal);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-verify-'));
  try {
    const args = videoDecodeArgs({
      video: path.resolve(options.video),
      width: size.width,
      height: size.height,
      scale: size.width !== width,
      // Relative to cwd, so no path escaping is needed inside the filter graph.
      framesFile: FRAMES_FILE,
    });
    const proc = startProcess(options.tools.ffmpeg, args, {
      label: 'ffmpeg (decoding video for the meter)',
      signal: options.signal,
      failureCode: 'FFMPEG_FAILED',
      missingCode: 'FFMPEG_MISSING',
      cwd: dir,
    });
    proc.stdin.end();
    const codes: FoundCode[][] = [];
    const cells: number[][] = [];
    const frame = Buffer.alloc(frameBytes);
    const previous = options.changes ? Buffer.alloc(frameBytes) : undefined;
    const raster = new Raster(size.width, size.height, frame);
    let filled = 0;
    try {
      for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(frameBytes - filled, chunk.length - offset);
          chunk.copy(frame, filled, offset, offset + n);
          filled += n;
          offset += n;
          if (filled === frameBytes) {
            filled = 0;
            if (previous) {
              const changed = codes.length === 0 ? NO_CELLS : changedCells(previous, frame, size.width, size.height);
              cells.push(changed.length === 0 ? NO_CELLS : changed);
              frame.copy(previous);
            }
            const found = readCodes(raster);
            codes.push(
              found.length === 0
                ? NO_CODES
                : found.map((c) => ({
                    ...c,
                    box: { x: Math.round(c.box.x * sx), y: Math.round(c.box.y * sy), w: Math.round(c.box.w * sx), h: Math.round(c.box.h * sy) },
                  })),
            );
          }
        }
      }
      await proc.done;
    } catch (error) {
      proc.child.kill('SIGKILL');
      await proc.done.catch(() => undefined);
      throw error;
    }
    const pts = parseFrameTimes(await readFile(path.join(dir, FRAMES_FILE), 'utf8').catch(() => ''));
    if (pts.length !== codes.length) {
      throw new CaptureError('INTERNAL', `ffmpeg gave ${codes.length} frames of ${options.video} but timed ${pts.length}`);
    }
    const start = options.timelineStart ?? 0;
    const frames: DecodedFrame[] = [];
    for (let i = 0; i < codes.length; i++) {
      let t = pts[i]! / 1e6;
      // A frame without a timestamp (rare, broken streams) is placed just after its predecessor.
      if (!Number.isFinite(t)) t = i > 0 ? frames[i - 1]!.time + start + 1 / 30 : start;
      frames.push({ time: t - start, codes: codes[i]!, ...(options.changes ? { changedCells: cells[i]! } : {}) });
    }
    return { width, height, analysisWidth: size.width, analysisHeight: size.height, frames };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
