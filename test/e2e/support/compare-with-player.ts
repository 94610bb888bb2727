/** The output's frames against the player's own screenshots at the same instants (SSIM). */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { layoutCss } from '../../../src/player/layout-css.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { expect, test, type ServedSample } from './samples-fixture.js';
import { openPlayer, routeFonts, stepTo, waitUntilReady, warmUp } from './step-player.js';

/** A region of the frame, in pixels. */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** SSIM (ffmpeg's ssim filter, "All") of the output's frame at `time` against a PNG, or of one region of both. */
export async function ssimAt(video: string, time: number, png: string, region?: Region): Promise<number> {
  const crop = region ? `,crop=${region.w}:${region.h}:${region.x}:${region.y}` : '';
  const { stderr } = await runProcess(
    findFfmpeg(process.env.BBB_CAPTURE_FFMPEG).ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-i',
      video,
      '-i',
      png,
      '-filter_complex',
      `[0:v]trim=start=${time},setpts=PTS-STARTPTS${crop}[a];[1:v]null${crop}[b];[a][b]ssim`,
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ],
    { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  const all = /SSIM .* All:([0-9.]+)/.exec(stderr);
  if (!all) throw new Error(`no SSIM in ffmpeg output: ${stderr.slice(-500)}`);
  return Number(all[1]);
}

/** SSIM of one region of two videos' frames at `time` (each trimmed to it). */
export async function ssimVideosAt(a: string, b: string, time: number, region: Region): Promise<number> {
  const crop = `crop=${region.w}:${region.h}:${region.x}:${region.y}`;
  const { stderr } = await runProcess(
    findFfmpeg(process.env.BBB_CAPTURE_FFMPEG).ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-i',
      a,
      '-i',
      b,
      '-filter_complex',
      `[0:v]trim=start=${time},setpts=PTS-STARTPTS,${crop}[a];[1:v]trim=start=${time},setpts=PTS-STARTPTS,${crop}[b];[a][b]ssim`,
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ],
    { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  const all = /SSIM .* All:([0-9.]+)/.exec(stderr);
  if (!all) throw new Error(`no SSIM in ffmpeg output: ${stderr.slice(-500)}`);
  return Number(all[1]);
}

/**
 * SSIM of the output's frames against the player's own screenshots at the same instants (the
 * page stepped by the tests' own helper, drawing its videos itself): the proof that the hybrid
 * path (videos composited from the source files) shows what the player shows. With `videosOnly`,
 * only the boxes where the player shows its videos are compared (for a capture, whose page layer
 * may lag the instant on a busy machine while the videos may not); with `against`, those boxes
 * are compared with that other output's instead of the screenshot.
 */
export async function compareWithPlayer(
  page: Page,
  rec: ServedSample,
  file: string,
  outDir: string,
  times: readonly number[],
  options: { videosOnly?: boolean; against?: string } = {},
): Promise<Record<string, number>> {
  await routeFonts(page, 'serve');
  expect(await openPlayer(page, rec.url)).toBe('player');
  const slideUrls = rec.truth.slides.map((s) => new URL(`/presentation/${rec.recordId}/${s.file}`, rec.url).href);
  await waitUntilReady(page, slideUrls);
  await page.addStyleTag({ content: layoutCss('player') });
  await warmUp(page, rec.truth);
  const scores: Record<string, number> = {};
  for (const time of times) {
    await stepTo(page, time);
    const png = path.join(outDir, `player-${rec.truth.variant}-${time}.png`);
    await page.screenshot({ path: png });
    if (!options.videosOnly) {
      scores[time] = await ssimAt(file, time, png);
      continue;
    }
    const boxes = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLVideoElement>('#webcams video, #screenshare:not(.inactive) video'))
        .filter((v) => v.getClientRects().length > 0 && v.videoWidth > 0)
        .map((v) => {
          const r = v.getBoundingClientRect();
          const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
          const [w, h] = [v.videoWidth * scale, v.videoHeight * scale];
          // Inside the picture by 2 px: the edges are where scaling differs most.
          return { x: Math.ceil(r.left + (r.width - w) / 2) + 2, y: Math.ceil(r.top + (r.height - h) / 2) + 2, w: 2 * Math.floor(w / 2) - 4, h: 2 * Math.floor(h / 2) - 4 };
        }),
    );
    for (const [i, box] of boxes.entries()) scores[`${time}#${i}`] = options.against ? await ssimVideosAt(file, options.against, time, box) : await ssimAt(file, time, png, box);
  }
  test.info().annotations.push({ type: 'ssim vs player', description: JSON.stringify(scores) });
  console.log(`SSIM vs ${options.against ? path.basename(options.against) : "the player's own screenshots"} (${rec.truth.variant}) ${JSON.stringify(scores)}`);
  return scores;
}
