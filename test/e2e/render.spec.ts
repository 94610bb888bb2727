/**
 * `bbb-capture record --engine render` end to end: synthetic recordings rendered instant by
 * instant in the player under test, measured by the fidelity meter against the render engine's
 * targets (every webcam frame, |A/V| ≤ 5 ms, no lead-in, exact length), compared with the
 * player's own screenshots at the same instants (SSIM), and rendered again beside a CPU hog to
 * show that load changes nothing in the output.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { hideVideosCss, probeVideoLayers, setVideosHidden } from '../../src/player/probe-video-layers.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess } from '../../src/process/run-process.js';
import { checkTargets } from '../../src/verify/check-targets.js';
import { decodeVideoCodes } from '../../src/verify/decode-video-codes.js';
import type { FidelityReport } from '../../src/verify/fidelity-report.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import { type CliRun, finished, processesMentioning, ROOT, runCli, startCli, waitForOutput } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';
import { compareWithPlayer } from './support/compare-with-player.js';
import { NO_AUDIO_ONLY, NO_CLOCK_CONTRACT } from './support/player-dir.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
/** The render engine's targets: stricter than the capture engine's (check-targets DEFAULT_TARGETS). */
const RENDER_TARGETS = { minDeliveredRatio: 1, maxAbsAvSyncMs: 5, maxLeadingMs: 0 };
let outDir: string;

test.use({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
// Rendering does not race a clock, so a busy machine only makes it slower: allow for that.
test.setTimeout(900_000);
test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-render-'));
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function render(url: string, name: string, extra: string[] = []): Promise<{ file: string; result: Record<string, unknown>; run: CliRun }> {
  const file = path.join(outDir, name);
  const run = await runCli(['record', url, '-o', file, '--engine', 'render', '--json', ...extra], { timeoutMs: 840_000 });
  expect(run.exitCode, `render failed: ${run.stderr}`).toBe(0);
  const result = run.events.find((e) => e.type === 'result');
  expect(result?.engine).toBe('render');
  return { file, result: result!, run };
}

async function meter(file: string, dir: string, range: { from?: number; to?: number } = {}): Promise<FidelityReport> {
  const report = await measureFidelity({ video: file, recordingDir: dir, tools, ...range });
  const summary = JSON.stringify({
    file: path.basename(file),
    delivered: report.cameras.map((c) => c.deliveredRatio),
    screenshare: report.screenshare?.deliveredRatio,
    avSyncMs: report.avSyncMs,
    leadingMs: report.leadingMs,
    durationErrorMs: report.durationErrorMs,
    endErrorMs: report.end.endErrorMs,
  });
  test.info().annotations.push({ type: 'fidelity', description: summary });
  console.log(`fidelity ${summary}`);
  return report;
}

/** Mean and lowest SSIM of two videos compared frame by frame (ffmpeg's ssim filter). */
async function ssimVideos(a: string, b: string): Promise<{ mean: number; min: number; frames: number }> {
  const stats = path.join(outDir, `ssim-${path.basename(a)}-${path.basename(b)}.log`);
  await runProcess(tools.ffmpeg, ['-hide_banner', '-nostdin', '-i', a, '-i', b, '-lavfi', `[0:v][1:v]ssim=stats_file=${stats}`, '-f', 'null', '-'], {
    label: 'ffmpeg',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const values = (await readFile(stats, 'utf8'))
    .split('\n')
    .map((l) => /All:([0-9.]+)/.exec(l)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return { mean: values.reduce((x, y) => x + y, 0) / values.length, min: Math.min(...values), frames: values.length };
}

test('renders the full sample with every webcam and screen-share frame, exact A/V and length', async ({ sample, page, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await sample('full', 8);
  const { file } = await render(rec.url, 'full.mp4');
  const probe = await probeMedia(file, { tools });
  expect(probe.video?.codec).toBe('h264');
  expect(probe.audio?.codec).toBe('aac');
  expect([probe.video?.width, probe.video?.height]).toEqual([1920, 1080]);
  const report = await meter(file, rec.dir);
  expect(checkTargets(report, RENDER_TARGETS)).toEqual([]);
  expect(report.leadingMs).toBe(0);
  expect(report.screenshare?.deliveredRatio).toBe(1);
  expect(report.slides?.missing).toEqual([]);
  expect(report.slides?.changeOffsetMaxMs).toBe(0);
  // Exact length: the part ends at the media's end, which the sample's WebM puts a few ms after
  // the metadata's duration (its last frame's length).
  expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(10);
  expect((await readdir(outDir)).filter((f) => f.startsWith('.'))).toEqual([]);

  // The player's own pictures at the same instants: slides, zoom, whiteboard, screen share.
  const scores = await compareWithPlayer(page, rec, file, outDir, [0.25, 1.7, 3.9, 6.55]);
  for (const score of Object.values(scores)) expect(score).toBeGreaterThanOrEqual(0.97);

  // The same recording with the page drawing every video frame itself: frame for frame alike.
  const { file: drawn } = await render(rec.url, 'full-page-drawn.mp4', ['--no-hybrid']);
  const alike = await ssimVideos(file, drawn);
  test.info().annotations.push({ type: 'ssim hybrid vs page-drawn', description: JSON.stringify(alike) });
  console.log(`SSIM hybrid vs page-drawn, frame by frame ${JSON.stringify(alike)}`);
  expect(alike.frames).toBeGreaterThan(200);
  expect(alike.mean).toBeGreaterThanOrEqual(0.995);
  expect(alike.min).toBeGreaterThanOrEqual(0.99);
});

test('renders two cameras with two workers, segments joined without re-encoding', async ({ sample, page, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await sample('twocams', 6);
  const { file, result, run } = await render(rec.url, 'twocams.mp4', ['--workers', '2', '--verbose']);
  expect(result.workers).toBe(2);
  // The first page renders while the second opens: its first picture comes before the second is ready.
  const logs = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; line?: string; time: string });
  const secondReady = logs.find((e) => e.type === 'log' && e.line === 'page 2 of 2 ready');
  const firstPicture = run.events.find((e) => e.type === 'progress');
  expect(secondReady, 'the second page never joined').toBeDefined();
  // `time`, not `elapsedMs`: a progress event's elapsedMs counts from the start of rendering.
  expect(Date.parse(firstPicture?.time as string)).toBeLessThan(Date.parse(secondReady!.time));
  expect(result.segments).toBeGreaterThan(1);
  const report = await meter(file, rec.dir);
  expect(report.cameras).toHaveLength(2);
  expect(checkTargets(report, RENDER_TARGETS)).toEqual([]);
  expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(10);
  // Keyframes only where segments start and every 2 s: the join copied the encoded segments.
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file], {
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const keyframes = stdout
    .split('\n')
    .filter((l) => l.includes('K'))
    .map((l) => Number(l.split(',')[0]));
  expect(keyframes.length).toBeGreaterThanOrEqual(result.segments as number);
  expect(keyframes[0]).toBe(0);
  // Cameras join and leave: the composited grid matches the player's at each layout.
  const changes = (rec.truth.webcams?.cameras ?? []).flatMap((c) => c.intervals.flatMap((i) => [i.start, i.end])).filter((t) => t > 0 && t < 6);
  const times = [0.5, ...changes.map((t) => Math.min(5.5, t + 0.2))];
  const scores = await compareWithPlayer(page, rec, file, outDir, [...new Set(times)]);
  for (const score of Object.values(scores)) expect(score).toBeGreaterThanOrEqual(0.97);
});

test('a player with the polled media clock (bbb-playback 2.3.x): auto renders it, holding every change to its instant', async ({ sample }) => {
  const rec = await sample('full', 6);
  // The stand-in keeping 2.3.x's clock: no time event, a poll of the webcams video started on play.
  const player = path.join(outDir, 'polled-clock-player');
  await cp(path.join(ROOT, 'assets', 'standin-player'), player, { recursive: true });
  const index = path.join(player, 'index.html');
  const html = await readFile(index, 'utf8');
  expect(html).toContain('<html lang="en" dir="ltr">');
  await writeFile(index, html.replace('<html lang="en" dir="ltr">', '<html lang="en" dir="ltr" data-clock="polled">'));
  // Two pages: the second one, opened for the render, has never played and must start its poll too.
  const file = path.join(outDir, 'polled-clock.mp4');
  const run = await runCli(['record', rec.dir, '--player', player, '-o', file, '--workers', '2', '--json'], { timeoutMs: 840_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.events.filter((e) => e.type === 'engine')).toEqual([expect.objectContaining({ engine: 'render', reason: expect.stringMatching(/polled media clock/) })]);
  expect(run.events.find((e) => e.type === 'result')).toMatchObject({ engine: 'render', workers: 2 });
  const report = await meter(file, rec.dir);
  expect(checkTargets(report, RENDER_TARGETS)).toEqual([]);
  expect(report.screenshare?.deliveredRatio).toBe(1);
  // The poll's timer never moves the page: each change is in the picture of its own instant.
  expect(report.slides?.missing).toEqual([]);
  expect(report.slides?.changeOffsetMaxMs).toBe(0);
  expect(report.pageChanges?.whiteboard?.maxMs).toBe(0);
  expect(report.pageChanges?.cursor?.maxMs).toBe(0);
});

test('renders a tldraw whiteboard recording like the player shows it', async ({ sample, page, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await sample('tldraw', 6);
  const { file } = await render(rec.url, 'tldraw.mp4');
  const report = await meter(file, rec.dir);
  expect(checkTargets(report, RENDER_TARGETS)).toEqual([]);
  expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(10);
  const scores = await compareWithPlayer(page, rec, file, outDir, [0.5, 2.2, 4.1, 5.6]);
  for (const score of Object.values(scores)) expect(score).toBeGreaterThanOrEqual(0.97);
});

test('renders an audio-only recording: slides and whiteboard, the voice exact to the sample', async ({ sample, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  test.skip(!player.audioOnly, NO_AUDIO_ONLY);
  const rec = await sample('audioonly', 6);
  const { file, result } = await render(rec.url, 'audioonly.mp4');
  const probe = await probeMedia(file, { tools });
  expect(probe.audio?.codec).toBe('aac');
  const report = await meter(file, rec.dir);
  expect(report.cameras).toEqual([]);
  expect(report.audio.burstsMatched).toBe(report.audio.burstsExpected);
  expect(Math.abs(report.audio.offsetMs ?? Infinity)).toBeLessThanOrEqual(5);
  expect(report.leadingMs).toBe(0);
  expect(report.slides?.missing).toEqual([]);
  expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(10);
  // No video: only the timeline instants are pictures (a few per second), nothing to composite.
  expect(result.frames as number).toBeLessThan(6 * 10);
});

test('renders the same pictures at the same times beside a CPU hog', async ({ sample, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await sample('full', 8);
  const part = ['--from', '3', '--to', '5'];
  const codes = async (file: string) => {
    const probe = await probeMedia(file, { tools });
    const decoded = await decodeVideoCodes({ video: file, stream: probe.video!, tools });
    return decoded.frames.map(
      (f) =>
        `${f.time.toFixed(3)} ${f.codes
          .map((c) => `${c.kind}${c.channel}=${c.value}`)
          .sort()
          .join(',')}`,
    );
  };
  const quiet = await render(rec.url, 'quiet.mp4', part);
  const hogs = [0, 1].map(() => execa(process.execPath, ['-e', 'for(;;){}'], { reject: false }));
  let loaded: Awaited<ReturnType<typeof render>>;
  try {
    loaded = await render(rec.url, 'loaded.mp4', part);
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
    await Promise.all(hogs);
  }
  const [a, b] = [await codes(quiet.file), await codes(loaded.file)];
  expect(a.length).toBeGreaterThan(50);
  expect(b).toEqual(a);
  // Stricter: every decoded frame bit for bit, with its timestamp.
  const md5 = async (file: string) =>
    (
      await runProcess(tools.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'framemd5', '-'], {
        label: 'ffmpeg',
        failureCode: 'FFMPEG_FAILED',
        missingCode: 'FFMPEG_MISSING',
      })
    ).stdout
      .split('\n')
      .filter((l) => !l.startsWith('#'));
  expect(await md5(loaded.file)).toEqual(await md5(quiet.file));
  const report = await meter(loaded.file, rec.dir, { from: 3, to: 5 });
  expect(checkTargets(report, RENDER_TARGETS)).toEqual([]);
});

test('Ctrl-C while rendering with two workers stops cleanly: ABORTED, no output, no orphans', async ({ sample, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  // Long enough that the render is still running when Ctrl-C comes (8 s renders in about 6).
  const rec = await sample('full', 30);
  const dir = path.join(outDir, 'aborted');
  await mkdir(dir);
  const child = startCli(['record', rec.url, '-o', path.join(dir, 'out.mp4'), '--engine', 'render', '--workers', '2', '--json']);
  await waitForOutput(child, '"stage":"capture"');
  // Let the pages render and the first segment encoders start.
  await new Promise((r) => setTimeout(r, 4000));
  child.kill('SIGINT');
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(130);
  expect(run.stderr.split('\n').filter((l) => l.startsWith('bbb-capture: error'))).toEqual([expect.stringContaining('ABORTED')]);
  expect(await readdir(dir)).toEqual([]);
  // Chromium's processes carry --bbb-capture-owner=<pid>; ffmpeg's arguments name the work folder.
  await expect.poll(async () => [...(await processesMentioning(`bbb-capture-owner=${child.pid}`)), ...(await processesMentioning(dir))], { timeout: 10_000 }).toEqual([]);
});

test('finds where the page shows its videos, and when something covers them', async ({ sample, page }) => {
  const rec = await sample('full', 8);
  const webm = new URL(`/presentation/${rec.recordId}/video/webcams.webm`, rec.url).href;
  // A page of our own on the same server, so the video loads: a 640x480 video in boxes shaped
  // like the player's, fitted (contain, the default) or stretched (fill).
  await page.goto(new URL('/', rec.url).href);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.setContent(`<style>body{margin:0} div{position:absolute} video{width:100%;height:100%}</style>
    <div id="webcams" style="left:10.4px;top:20px;width:400px;height:200px"><video src="${webm}" muted></video></div>
    <div id="screenshare" style="left:500px;top:300px;width:320px;height:300px"><video src="${webm}" muted style="object-fit:fill"></video></div>`);
  await page.waitForFunction(() => Array.from(document.querySelectorAll('video')).every((v) => v.readyState >= 1));
  await page.addStyleTag({ content: hideVideosCss() });
  await page.evaluate(setVideosHidden, true);
  const probe = await page.evaluate(probeVideoLayers);
  expect(probe.pageOnly).toBeNull();
  // 640x480 in 400x200: 266.67x200, centred; the fill box is the element's.
  expect(probe.layers).toEqual([
    // (CSS lengths are kept in 1/64 px: 10.4px is laid out at 10.390625.)
    { kind: 'webcams', x: expect.closeTo(10.4 + (400 - 800 / 3) / 2, 1), y: 20, width: expect.closeTo(800 / 3, 3), height: 200 },
    { kind: 'screenshare', x: 500, y: 300, width: 320, height: 300 },
  ]);
  // Hidden: transparent, so what is behind shows, as in the player's letterbox.
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('video')!).opacity)).toBe('0');

  // A caption-like box with text over the webcams, even one that ignores the mouse, is seen.
  await page.evaluate(() => {
    const cue = document.createElement('div');
    cue.className = 'vjs-text-track-cue';
    cue.style.cssText = 'position:fixed;left:100px;top:150px;width:200px;height:40px;pointer-events:none;z-index:2';
    cue.textContent = 'a caption';
    document.body.append(cue);
  });
  expect((await page.evaluate(probeVideoLayers)).pageOnly).toMatch(/div\.vjs-text-track-cue covers the webcams video/);
  // An empty full-window overlay (as video.js's text track display) paints nothing: no fallback.
  await page.evaluate(() => {
    document.querySelector('.vjs-text-track-cue')!.remove();
    const display = document.createElement('div');
    display.style.cssText = 'position:fixed;inset:0;pointer-events:none;z-index:2';
    document.body.append(display);
  });
  expect((await page.evaluate(probeVideoLayers)).pageOnly).toBeNull();
  // A video the hybrid path does not know is drawn by the page.
  await page.evaluate(
    (src) => document.body.insertAdjacentHTML('beforeend', `<video id="external" src="${src}" muted style="position:absolute;left:0;top:400px;width:100px"></video>`),
    webm,
  );
  await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('#external')!.readyState >= 1);
  expect((await page.evaluate(probeVideoLayers)).pageOnly).toMatch(/a video outside #webcams and #screenshare/);
});
