/**
 * The render engine's page pictures are PNG screenshots (RGB as Chromium shows the page): the
 * compositor's filter for them must give BT.709 limited-range YUV, the output's tags.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_COLOUR } from '../../../src/compose/colour.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../../src/process/run-process.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const opts = { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING', timeoutMs: 60_000 } as const;
const SIZE = 16;

/** BT.709 limited range, 8 bits, from full-range RGB (the output's tags: colorspace bt709, range tv). */
function bt709Limited([r, g, b]: readonly number[]): [number, number, number] {
  const [R, G, B] = [r!, g!, b!].map((v) => v / 255) as [number, number, number];
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  return [16 + 219 * y, 128 + 224 * ((B - y) / 1.8556), 128 + 224 * ((R - y) / 1.5748)];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-screenshot-colour-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SCREENSHOT_COLOUR', () => {
  // Saturated primaries, mid grey, the orange of the colour e2e test, near black and white.
  const colours = [
    [255, 0, 0],
    [0, 217, 3],
    [0, 0, 255],
    [128, 128, 128],
    [230, 120, 40],
    [16, 16, 16],
    [255, 255, 255],
  ] as const;
  // Chromium's PNG screenshots may carry an alpha channel.
  for (const pixelFormat of ['rgb24', 'rgba'] as const) {
    it(`turns a ${pixelFormat} PNG into BT.709 limited YUV within a level`, async () => {
      for (const rgb of colours) {
        const hex = rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
        const png = path.join(dir, `${hex}-${pixelFormat}.png`);
        await runProcess(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${hex}:s=${SIZE}x${SIZE}:d=0.04,format=${pixelFormat}`, '-frames:v', '1', png], opts);
        const yuv = await runProcessBinary(tools.ffmpeg, ['-v', 'error', '-i', png, '-vf', SCREENSHOT_COLOUR, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], opts);
        const chroma = (SIZE / 2) * (SIZE / 2);
        const got = [yuv[0]!, yuv[SIZE * SIZE]!, yuv[SIZE * SIZE + chroma]!];
        const want = bt709Limited(rgb);
        for (let c = 0; c < 3; c++)
          expect(Math.abs(got[c]! - want[c]!), `${hex} channel ${'YUV'[c]}: got ${got.join(',')}, want ${want.map((v) => v.toFixed(1)).join(',')}`).toBeLessThanOrEqual(1);
      }
    });
  }
});
