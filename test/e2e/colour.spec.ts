/**
 * Colour, end to end: a recording whose screen share is a set of flat colour patches (VP8,
 * untagged, converted with the BT.601 matrix as BBB's own files are: Chromium reads that at 720
 * lines as BT.709 and shows shifted colours, which is what the output must show too). The
 * player's own PNG screenshot and each engine's output played in the same Chromium (PNG
 * screenshot) agree within 3 levels per channel in the interior of every patch and of a flat
 * area of the slide. ffmpeg converting the output to RGB with its tags honoured agrees too: with
 * the slide as the player shows it, and with the screen share's own file read as Chromium reads
 * it (ffmpeg and Chromium round a saturated orange's blue 6 levels apart, the same for both
 * files). The output carries BT.709 tags.
 */
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { layoutCss } from '../../src/player/layout-css.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../src/process/run-process.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import type { Raster } from '../../src/frame-code/raster.js';
import { runCli } from './support/cli.js';
import { decodePng } from './support/decode-png.js';
import { expect, test, type ServedSample } from './support/samples-fixture.js';
import { openPlayer, routeFonts, stepTo, waitUntilReady, warmUp } from './support/step-player.js';
import { NO_CLOCK_CONTRACT } from './support/player-dir.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const ff = { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
/** The patches, left to right, top row then bottom row. */
const PATCHES = ['0xFF0000', '0x00FF00', '0x0000FF', '0xFFFF00', '0x00FFFF', '0xFF00FF', '0x808080', '0xE67828'];
const SHARE = { width: 1280, height: 720, fps: 15 };
const TOLERANCE = 3;
let outDir: string;

test.use({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
test.setTimeout(600_000);
test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-colour-'));
  await writeFile(path.join(outDir, 'blank.html'), '<html><body style="margin:0;background:#000"></body></html>');
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** A private copy of the sample whose screen share is the colour patches, as BBB writes its files. */
async function patchesCopy(rec: ServedSample): Promise<ServedSample & { share: { start: number; stop: number } }> {
  const recordId = `${'d'.repeat(40)}-${String(1700000000000 + 77)}`;
  const dir = path.join(path.dirname(rec.dir), recordId);
  await rm(dir, { recursive: true, force: true });
  await cp(rec.dir, dir, { recursive: true });
  const metadata = path.join(dir, 'metadata.xml');
  await writeFile(metadata, (await readFile(metadata, 'utf8')).replaceAll(rec.recordId, recordId));
  const deskshare = path.join(dir, 'deskshare', 'deskshare.webm');
  const { duration } = await probeMedia(deskshare, { tools });
  const w = SHARE.width / 4;
  const h = SHARE.height / 2;
  const sources = PATCHES.map((c, i) => `color=c=${c}:s=${w}x${h}:r=${SHARE.fps}:d=${duration.toFixed(3)},format=rgb24[p${i}]`).join(';');
  const layout = PATCHES.map((_, i) => `${(i % 4) * w}_${Math.floor(i / 4) * h}`).join('|');
  await runProcess(
    tools.ffmpeg,
    [
      '-v',
      'error',
      '-y',
      '-filter_complex',
      `${sources};${PATCHES.map((_, i) => `[p${i}]`).join('')}xstack=inputs=${PATCHES.length}:layout=${layout},scale=out_color_matrix=bt601:out_range=tv,format=yuv420p[v]`,
      '-map',
      '[v]',
      // Untagged VP8, as BBB's deskshare files are.
      '-c:v',
      'libvpx',
      '-b:v',
      '2M',
      '-auto-alt-ref',
      '0',
      '-f',
      'webm',
      deskshare,
    ],
    ff,
  );
  const xml = await readFile(path.join(dir, 'deskshare.xml'), 'utf8');
  const event = /start_timestamp="([\d.]+)" stop_timestamp="([\d.]+)"/.exec(xml)!;
  return { ...rec, recordId, dir, url: rec.url.replace(rec.recordId, recordId), share: { start: Number(event[1]), stop: Number(event[2]) } };
}

/** The mean colour of the 9x9 pixels around (x, y). */
function meanAround(raster: Raster, x: number, y: number): [number, number, number] {
  const sum = [0, 0, 0];
  for (let dy = -4; dy <= 4; dy++)
    for (let dx = -4; dx <= 4; dx++)
      raster.pixel(Math.round(x) + dx, Math.round(y) + dy).forEach((v, i) => {
        sum[i]! += v;
      });
  return sum.map((v) => Math.round(v / 81)) as [number, number, number];
}

/** Where the page shows the screen share's picture (the video's box with object-fit applied). */
async function shareBox(page: Page): Promise<{ x: number; y: number; w: number; h: number }> {
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('#screenshare video')!;
    const box = video.getBoundingClientRect();
    const scale = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
    const [w, h] = [video.videoWidth * scale, video.videoHeight * scale];
    return { x: box.left + (box.width - w) / 2, y: box.top + (box.height - h) / 2, w, h };
  });
}

/** The output's frame at `time` as Chromium shows it: a <video> at its own size, screenshot. */
async function shownInChromium(page: Page, file: string, time: number): Promise<Raster> {
  await page.goto(`file://${path.join(outDir, 'blank.html')}`);
  await page.evaluate(
    async ([src, t]) => {
      const v = document.createElement('video');
      v.muted = true;
      v.src = src;
      v.style.cssText = 'display:block;position:fixed;left:0;top:0';
      document.body.appendChild(v);
      await new Promise((resolve, reject) => {
        v.addEventListener('loadeddata', resolve, { once: true });
        v.addEventListener('error', () => reject(new Error(`cannot play ${src}: ${v.error?.message}`)), { once: true });
      });
      v.currentTime = t;
      await new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    [`file://${file}`, time] as const,
  );
  return decodePng(await page.screenshot());
}

/**
 * A video's frame at `time` converted to RGB by ffmpeg (zimg, exact arithmetic) with the file's
 * own tags honoured, or with `matrix` where the file has none (as Chromium reads it).
 */
async function decodedWithTags(file: string, time: number, matrix = 'input'): Promise<Raster> {
  const png = await runProcessBinary(
    tools.ffmpeg,
    [
      '-v',
      'error',
      '-ss',
      time.toFixed(3),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      `zscale=matrixin=${matrix}:rangein=${matrix === 'input' ? 'input' : 'limited'}:range=full:dither=none,format=gbrp,format=rgb24`,
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      '-',
    ],
    ff,
  );
  return decodePng(png);
}

test('flat colours of the screen share and the slide match the player within 3 levels, in both engines', async ({ sample, page, browser, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await patchesCopy(await sample('full', 8));
  const shareAt = (rec.share.start + rec.share.stop) / 2;
  const slide = rec.truth.slides.find((s) => s.end - s.start > 1 && (s.end <= rec.share.start || s.start >= rec.share.stop))!;
  const slideAt = (slide.start + slide.end) / 2;

  // The player's own pictures at both instants.
  await routeFonts(page, 'serve');
  expect(await openPlayer(page, rec.url)).toBe('player');
  await waitUntilReady(
    page,
    rec.truth.slides.map((s) => new URL(`/presentation/${rec.recordId}/${s.file}`, rec.url).href),
  );
  await page.addStyleTag({ content: layoutCss('player') });
  await warmUp(page, rec.truth);
  await stepTo(page, shareAt);
  const box = await shareBox(page);
  const playerShare = decodePng(await page.screenshot());
  await stepTo(page, slideAt);
  const slideBox = await page.evaluate(() => {
    const r = document.querySelector('#presentation svg image, #presentation img')!.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  const playerSlide = decodePng(await page.screenshot());
  const patchCentres = PATCHES.map((_, i) => [box.x + ((i % 4) + 0.5) * (box.w / 4), box.y + (Math.floor(i / 4) + 0.5) * (box.h / 2)] as const);
  // The screen share's own file through ffmpeg: untagged at 720 lines, so BT.709 as Chromium reads it.
  const source = await decodedWithTags(path.join(rec.dir, 'deskshare', 'deskshare.webm'), shareAt, '709');
  const sourceColours = PATCHES.map((_, i) => meanAround(source, ((i % 4) + 0.5) * (SHARE.width / 4), (Math.floor(i / 4) + 0.5) * (SHARE.height / 2)));
  // The slide's title band (a flat colour across its top) and its white body.
  const slidePoints = [
    [slideBox.x + slideBox.w * 0.5, slideBox.y + slideBox.h * 0.04],
    [slideBox.x + slideBox.w * 0.15, slideBox.y + slideBox.h * 0.9],
  ] as const;

  // The outputs are shown in a page of their own (the player's page blocks everything but its server).
  const viewer = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 })).newPage();
  const report: Record<string, unknown> = {};
  for (const engine of ['render', 'capture'] as const) {
    const file = path.join(outDir, `${engine}.mp4`);
    const run = await runCli(['record', rec.url, '-o', file, '--engine', engine, '--json'], { timeoutMs: 300_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const { stdout } = await runProcess(
      tools.ffprobe,
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=color_space,color_primaries,color_transfer,color_range', '-of', 'json', file],
      { ...ff, label: 'ffprobe' },
    );
    expect(JSON.parse(stdout).streams[0]).toEqual({ color_space: 'bt709', color_primaries: 'bt709', color_transfer: 'bt709', color_range: 'tv' });
    for (const [name, at, player, points] of [
      ['share', shareAt, playerShare, patchCentres],
      ['slide', slideAt, playerSlide, slidePoints],
    ] as const) {
      const chromium = await shownInChromium(viewer, file, at);
      const ffmpeg = await decodedWithTags(file, at);
      const rows = points.map(([x, y], i) => ({
        player: meanAround(player, x, y),
        chromium: meanAround(chromium, x, y),
        ffmpeg: meanAround(ffmpeg, x, y),
        ...(name === 'share' ? { source: sourceColours[i]! } : {}),
      }));
      report[`${engine} ${name}`] = rows;
      for (const row of rows) {
        for (let c = 0; c < 3; c++) {
          expect(Math.abs(row.chromium[c]! - row.player[c]!), `${engine} ${name} in Chromium ${JSON.stringify(row)}`).toBeLessThanOrEqual(TOLERANCE);
          const reference = 'source' in row ? row.source! : row.player;
          expect(Math.abs(row.ffmpeg[c]! - reference[c]!), `${engine} ${name} by ffmpeg with its tags ${JSON.stringify(row)}`).toBeLessThanOrEqual(TOLERANCE);
        }
      }
    }
  }
  console.log(`colours ${JSON.stringify(report)}`);
  test.info().annotations.push({ type: 'colours', description: JSON.stringify(report) });
});
