/** The output's frames against the player's own screenshots at the same instants (SSIM). */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { layoutCss } from '../../../src/player/layout-css.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { expect, test, type ServedSample } from './samples-fixture.js';
import { openPlayer, routeFonts, stepTo, waitUntilReady, warmUp } from './step-player.js';

/** SSIM (ffmpeg's ssim filter, "All") of the output's frame at `time` against a PNG. */
export async function ssimAt(video: string, time: number, png: string): Promise<number> {
  const { stderr } = await runProcess(findFfmpeg(process.env.BBB_CAPTURE_FFMPEG).ffmpeg, ['-hide_banner', '-nostdin', '-i', video, '-i', png, '-filter_complex', `[0:v]trim=start=${time},setpts=PTS-STARTPTS[a];[a][1:v]ssim`, '-frames:v', '1', '-f', 'null', '-'], { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  const all = /SSIM .* All:([0-9.]+)/.exec(stderr);
  if (!all) throw new Error(`no SSIM in ffmpeg output: ${stderr.slice(-500)}`);
  return Number(all[1]);
}

/**
 * SSIM of the output's frames against the player's own screenshots at the same instants (the
 * page stepped by the tests' own helper, drawing its videos itself): the proof that the hybrid
 * path (videos composited from the source files) shows what the player shows.
 */
export async function compareWithPlayer(page: Page, rec: ServedSample, file: string, outDir: string, times: readonly number[]): Promise<Record<string, number>> {
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
    scores[time] = await ssimAt(file, time, png);
  }
  test.info().annotations.push({ type: 'ssim vs player', description: JSON.stringify(scores) });
  console.log(`SSIM vs the player's own screenshots (${rec.truth.variant}) ${JSON.stringify(scores)}`);
  return scores;
}

