/**
 * How much each frame of the page layer differs from the frame before inside the presentation: the page
 * layer is decoded once, cropped to the presentation and shrunk to a small gray picture (cheap
 * beside the compositor's encode of the same frames), and consecutive pictures are compared
 * on a coarse grid (frame-code/changed-cells.ts).
 */
import { CaptureError } from '../../errors.js';
import { changedCells } from '../../frame-code/changed-cells.js';
import type { PageBox } from '../../player/probe-presentation-box.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { startProcess } from '../../process/run-process.js';
import { FFMPEG_QUIET } from '../../process/ffmpeg-quiet.js';

/** Width of the compared picture: a cursor dot of 1080p (16 px) is still ~6 px across. */
export const CHANGE_ANALYSIS_WIDTH = 640;
/** Luma levels a pixel must move by, and pixels a 16 px cell must have, to count as a drawn change. */
const COMPARE = { channels: 1, cell: 16, threshold: 40, minPixels: 3 } as const;

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/** ffmpeg arguments writing the page layer's frames, cropped to `box` and shrunk, as raw gray pictures. */
export function changeDecodeArgs(file: string, box: PageBox, size: { width: number; height: number }): string[] {
  return [
    ...FFMPEG_QUIET,
    '-i',
    file,
    '-map',
    '0:v:0',
    '-an',
    '-fps_mode',
    'passthrough', // one picture per decoded frame: no duplicates, no drops
    '-vf',
    // Crop first (less to scale), area averaging (a moved dot stays a blob, not aliasing).
    `crop=${Math.round(box.width)}:${Math.round(box.height)}:${Math.round(box.x)}:${Math.round(box.y)},scale=${size.width}:${size.height}:flags=area,format=gray`,
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/**
 * For every frame of `file` (in order), the share (0-1) of the grid cells inside `box` that
 * differ from the frame before (0: unchanged; a slide repaints much of it, a cursor dot a cell or
 * two); the first frame has 0.
 */
export async function findChangedPageFrames(file: string, box: PageBox, tools: FfmpegTools, signal?: AbortSignal): Promise<number[]> {
  const width = even(Math.min(CHANGE_ANALYSIS_WIDTH, box.width));
  const height = even((box.height * width) / box.width);
  const bytes = width * height;
  const proc = startProcess(tools.ffmpeg, changeDecodeArgs(file, box, { width, height }), {
    signal,
    label: 'ffmpeg (finding page changes)',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  proc.stdin.end();
  const cells = Math.ceil(width / COMPARE.cell) * Math.ceil(height / COMPARE.cell);
  const shares: number[] = [];
  let previous: Buffer | undefined;
  let current: Buffer = Buffer.alloc(bytes);
  let filled = 0;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(bytes - filled, chunk.length - offset);
        chunk.copy(current, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled < bytes) continue;
        filled = 0;
        shares.push(previous === undefined ? 0 : changedCells(previous, current, width, height, COMPARE).length / cells);
        // Swap buffers: the next frame is read into the old one.
        const spare = previous ?? Buffer.alloc(bytes);
        previous = current;
        current = spare;
      }
    }
    await proc.done;
  } catch (error) {
    proc.child.kill('SIGKILL');
    await proc.done.catch(() => undefined);
    throw error;
  }
  if (filled !== 0) throw new CaptureError('FFMPEG_FAILED', `ffmpeg gave a partial picture of ${file}`);
  return shares;
}
