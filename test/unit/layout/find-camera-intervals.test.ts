import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '../../../src/frame-code/raster.js';
import { findCameraIntervals } from '../../../src/layout/find-camera-intervals.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { layoutCameraGrid } from '../../../src/layout/layout-camera-grid.js';

const tools = findFfmpeg(undefined);
const W = 1280;
const H = 720;
const ONE = layoutCameraGrid(1, W, H);
const TWO = layoutCameraGrid(2, W, H);

const ffmpeg = (args: string[]) =>
  runProcess(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    label: 'ffmpeg (fixture)',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });

/** drawbox filters for a BBB-like composite: white canvas, each camera a muted tile with a dark picture. */
function cameras(boxes: Box[]): string {
  return boxes
    .flatMap((b) => [
      `drawbox=x=${b.x}:y=${b.y}:w=${b.w}:h=${b.h}:color=0x465A82:t=fill`,
      `drawbox=x=${b.x + Math.round(b.w / 8)}:y=${b.y + Math.round(b.h / 8)}:w=${Math.round(b.w / 2)}:h=${Math.round(b.h / 2)}:color=black:t=fill`,
    ])
    .join(',');
}

/** Encodes `frames` frames of one layout at `fps` (H.264, one keyframe: cheap to decode). */
async function segment(file: string, boxes: Box[], fps: number, frames: number) {
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=white:s=${W}x${H}:r=${fps},${cameras(boxes)}`,
    '-frames:v',
    String(frames),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(frames),
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
}

/** Joins segments without re-encoding: a long video in a second. */
async function join(dir: string, name: string, parts: string[]): Promise<string> {
  const list = path.join(dir, `${name}.txt`);
  await writeFile(list, parts.map((p) => `file '${p}'`).join('\n'));
  const out = path.join(dir, `${name}.mp4`);
  await ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', out]);
  return out;
}

/** findCameraIntervals with the most memory (RSS) it added while running, sampled every 10 ms. */
async function measured(file: string) {
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await findCameraIntervals(file, { tools });
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, addedMiB: (peak - base) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'camera-intervals-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findCameraIntervals', () => {
  it('puts a switch on the exact frame (15 fps, between two coarse samples)', async () => {
    // 37 frames of one camera, then 38 of two: the switch is frame 37, between samples 30 and 45.
    await segment(path.join(dir, 'a15.mp4'), ONE, 15, 37);
    await segment(path.join(dir, 'b15.mp4'), TWO, 15, 38);
    const file = await join(dir, 'switch', [path.join(dir, 'a15.mp4'), path.join(dir, 'b15.mp4')]);
    const found = await findCameraIntervals(file, { tools });
    expect(found.intervals.map((i) => i.tiles)).toEqual([ONE, TWO]);
    // The joined file's frame rate is 15 give or take a rounding of its time base.
    expect(found.intervals[1]!.start * found.fps).toBeCloseTo(37, 6);
    expect(found.intervals[0]!.end).toBe(found.intervals[1]!.start);
  });

  it('reads a 3 h webcams video with the memory a 10 min one needs', async () => {
    // One frame a second keeps the decoding cheap; the frames findCameraIntervals reads are the
    // same 160x90 samples as at 15 fps (one a second), 10 800 of them: 466 MB when buffered.
    await segment(path.join(dir, 'a1.mp4'), ONE, 1, 300);
    await segment(path.join(dir, 'b1.mp4'), TWO, 1, 300);
    const [a, b] = [path.join(dir, 'a1.mp4'), path.join(dir, 'b1.mp4')];
    const short = await join(dir, 'ten-minutes', [a, b]);
    const long = await join(dir, 'three-hours', [...Array<string>(18).fill(a), ...Array<string>(18).fill(b)]);

    const tenMinutes = await measured(short);
    expect(tenMinutes.result.intervals).toEqual([
      { start: 0, end: 300, tiles: ONE },
      { start: 300, end: 600, tiles: TWO },
    ]);
    const threeHours = await measured(long);
    expect(threeHours.result.duration).toBe(10_800);
    expect(threeHours.result.intervals).toEqual([
      { start: 0, end: 5400, tiles: ONE },
      { start: 5400, end: 10_800, tiles: TWO },
    ]);
    console.log(`camera detection, memory added: 10 min ${tenMinutes.addedMiB.toFixed(1)} MiB, 3 h ${threeHours.addedMiB.toFixed(1)} MiB`);
    // 18 times the duration, the same memory give or take the garbage collector's slack.
    expect(threeHours.addedMiB).toBeLessThan(tenMinutes.addedMiB + 32);
    expect(threeHours.addedMiB).toBeLessThan(64);
  }, 120_000);
});
