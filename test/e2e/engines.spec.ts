/**
 * Faithful by default on a busy machine: the plain command (`record URL`) beside two CPU hogs (a
 * busy loop per core) picks the render engine, says so, and delivers every webcam and screen-share
 * frame with exact A/V; `--engine capture` beside the same hogs delivers the same videos and sound
 * (they come from the recording's files, not from the live capture), and its frames show the
 * videos where the player shows them (SSIM against the player's own screenshots, also after a
 * screen-share switch). A player that does not keep time by its time event is captured by
 * `auto` and refused by `render`.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { checkTargets } from '../../src/verify/check-targets.js';
import type { FidelityReport } from '../../src/verify/fidelity-report.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { type CliRun, runCli, ROOT } from './support/cli.js';
import { compareWithPlayer } from './support/compare-with-player.js';
import { NO_CLOCK_CONTRACT } from './support/player-dir.js';
import { expect, test } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
/** What the recording's own files give: every frame, A/V as the source's, no lead-in, the media's length. */
const EXACT = { minDeliveredRatio: 1, maxAbsAvSyncMs: 5, maxLeadingMs: 0 };
let outDir: string;

test.use({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
test.setTimeout(600_000);
test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-engines-'));
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Two busy loops, one per core of the reference machine, until stopped. */
function startHogs(): { stop: () => Promise<void> } {
  const hogs: ResultPromise[] = [0, 1].map(() => execa(process.execPath, ['-e', 'for (;;) {}'], { reject: false }));
  return {
    async stop() {
      for (const hog of hogs) hog.kill('SIGKILL');
      await Promise.all(hogs);
    },
  };
}

async function meter(file: string, dir: string): Promise<FidelityReport> {
  const report = await measureFidelity({ video: file, recordingDir: dir, tools });
  const summary = {
    file: path.basename(file),
    delivered: report.cameras.map((c) => c.deliveredRatio),
    screenshare: report.screenshare?.deliveredRatio,
    avSyncMs: report.avSyncMs,
    leadingMs: report.leadingMs,
    endErrorMs: report.end.endErrorMs,
    slideOffsetMs: report.slides?.changeOffsetMs,
    slideOffsetMaxMs: report.slides?.changeOffsetMaxMs,
    pageChanges: report.pageChanges,
  };
  test.info().annotations.push({ type: 'fidelity', description: JSON.stringify(summary) });
  console.log(`fidelity ${JSON.stringify(summary)}`);
  return report;
}

test('the plain command beside two CPU hogs: render engine, said so, every frame, exact A/V', async ({ sample, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await sample('full', 8);
  const file = path.join(outDir, 'default-hogs.mp4');
  const hogs = startHogs();
  let run: CliRun;
  try {
    run = await runCli(['record', rec.url, '-o', file, '--json'], { timeoutMs: 500_000 });
  } finally {
    await hogs.stop();
  }
  expect(run.exitCode, run.stderr).toBe(0);
  const engine = run.events.filter((e) => e.type === 'engine');
  // bbb-playback 2.3.x keeps the polled media clock, later players the time event.
  const reason = player.clock === 'polled' ? /polled media clock/ : /clock contract/;
  expect(engine).toEqual([{ type: 'engine', engine: 'render', reason: expect.stringMatching(reason), time: expect.any(String), elapsedMs: expect.any(Number) }]);
  const report = await meter(file, rec.dir);
  expect(checkTargets(report, EXACT).map((c) => c.message)).toEqual([]);
  expect(report.screenshare?.deliveredRatio).toBe(1);
  expect(Math.abs(report.end.endErrorMs ?? Infinity)).toBeLessThanOrEqual(34);
});

test("--engine capture beside two CPU hogs: the same videos and sound, from the recording's files, where the player shows them", async ({ sample, page, player }) => {
  test.skip(!player.clockContract, NO_CLOCK_CONTRACT);
  const rec = await sample('full', 8);
  const file = path.join(outDir, 'capture-hogs.mp4');
  const hogs = startHogs();
  let run: CliRun;
  try {
    run = await runCli(['record', rec.url, '-o', file, '--engine', 'capture', '--json'], { timeoutMs: 500_000 });
  } finally {
    await hogs.stop();
  }
  expect(run.exitCode, run.stderr).toBe(0);
  const report = await meter(file, rec.dir);
  // Every webcam and screen-share frame and exact A/V, as the render engine gives: the videos come
  // from the recording's files, and the screen share's box changes go onto deskshare.xml's instants
  // (a busy machine paints the share's layout one or two frames late, which cost those frames).
  expect(report.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
  expect(report.screenshare?.deliveredRatio).toBe(1);
  expect(checkTargets(report, EXACT).map((c) => c.message)).toEqual([]);
  // Slide, whiteboard and cursor changes on their instants: the median within one time event
  // (67 ms, the figure) even beside the hogs, and every change within the 150 ms
  // (beside just the two hogs every change measured 0 ms late, 6 runs of 6, bbb-playback 5.1.3
  // included). Before the page layer was put back on the change instants this machine saw medians
  // of 122-321 ms here. Only far above the two hogs (a load average of 13-25) did a page starved
  // past the 500 ms search window show a slide 400 ms late, in 2 runs of 9.
  const slides = report.slides!;
  const { whiteboard, cursor } = report.pageChanges!;
  expect(slides.changesMeasured).toBeGreaterThanOrEqual(1);
  expect(cursor.measured).toBeGreaterThanOrEqual(Math.max(1, cursor.expected / 2));
  expect(whiteboard.measured).toBeGreaterThanOrEqual(1);
  const changes = {
    slides: { median: slides.changeOffsetMs, max: slides.changeOffsetMaxMs },
    whiteboard: { median: whiteboard.medianMs, max: whiteboard.maxMs },
    cursor: { median: cursor.medianMs, max: cursor.maxMs },
  };
  for (const [kind, { median, max }] of Object.entries(changes)) {
    expect(median, `median ${kind} change, ms after its instant`).not.toBeNull();
    expect(median!, `median ${kind} change, ms after its instant`).toBeLessThanOrEqual(67);
    expect(median!, `${kind} changes do not come early`).toBeGreaterThanOrEqual(-20);
    expect(max!, `latest ${kind} change, ms after its instant`).toBeLessThanOrEqual(150);
  }
  // The composited boxes where the player shows its videos, also 0.3 s after the screen share
  // starts and stops, against the render engine's output of the same recording (its boxes are held
  // to the player's own screenshots in render.spec.ts): the same source frame drawn by the same
  // compositor into the same box is the same picture, a box misplaced by a pixel is not.
  const rendered = path.join(outDir, 'rendered.mp4');
  const render = await runCli(['record', rec.url, '-o', rendered, '--engine', 'render'], { timeoutMs: 300_000 });
  expect(render.exitCode, render.stderr).toBe(0);
  const share = rec.truth.screenshare!.intervals[0]!;
  const scores = await compareWithPlayer(page, rec, file, outDir, [1.3, share.start + 0.3, share.end + 0.3, 7.4], { videosOnly: true, against: rendered });
  expect(Object.keys(scores).length).toBeGreaterThanOrEqual(5);
  for (const [at, score] of Object.entries(scores)) expect(score, `SSIM at ${at} s`).toBeGreaterThanOrEqual(0.98);
});

test('--format webm through the capture engine beside two CPU hogs: the job succeeds and every webcam frame is there', async ({ sample }) => {
  // VP8 tab capture at 1080p falls seconds behind on a loaded machine; the sync measurement may be
  // lost or poor, which must neither fail the job nor cost a webcam frame (those come from the files).
  const rec = await sample('full', 8);
  const file = path.join(outDir, 'capture-hogs.webm');
  const hogs = startHogs();
  let run: CliRun;
  try {
    run = await runCli(['record', rec.dir, '-o', file, '--format', 'webm', '--engine', 'capture', '--json'], { timeoutMs: 500_000 });
  } finally {
    await hogs.stop();
  }
  expect(run.exitCode, run.stderr).toBe(0);
  const report = await meter(file, rec.dir);
  expect(report.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
  // A/V and lead-in as exact as MP4's: the sound and the videos come from the recording's files,
  // and Opus's pre-skip moves no stream (ffmpeg 5.1 moved every one 7 ms for it, twice: 14 ms measured).
  expect(Math.abs(report.avSyncMs ?? Infinity)).toBeLessThanOrEqual(5);
  expect(report.leadingMs).toBe(0);
});

test('a player without the clock contract: auto captures it and says why, render refuses it naming what is missing', async ({ sample }) => {
  const rec = await sample('full', 4);
  // The stand-in player, changed to keep its own time and ignore bbbplaybacktimeupdate.
  const player = path.join(outDir, 'no-clock-player');
  await cp(path.join(ROOT, 'assets', 'standin-player'), player, { recursive: true });
  const script = path.join(player, 'player.js');
  const source = await readFile(script, 'utf8');
  expect(source).toContain('document.addEventListener(TIME_EVENT');
  await writeFile(script, source.replace('document.addEventListener(TIME_EVENT', 'document.body.addEventListener(TIME_EVENT'));

  const auto = await runCli(['record', rec.dir, '--player', player, '-o', path.join(outDir, 'no-clock.mp4'), '--json'], { timeoutMs: 300_000 });
  expect(auto.exitCode, auto.stderr).toBe(0);
  expect(auto.events.filter((e) => e.type === 'engine')).toEqual([
    expect.objectContaining({ engine: 'capture', reason: expect.stringMatching(/neither keeps time by bbbplaybacktimeupdate nor polls its webcams media/) }),
  ]);
  expect((auto.events.find((e) => e.type === 'result') as { engine?: string }).engine).toBe('capture');
  // What the default command gives on such a player: every webcam frame and the sound from the
  // recording's files, and the video ends with the part (it ran a frame past it).
  const captured = await meter(path.join(outDir, 'no-clock.mp4'), rec.dir);
  // (This stand-in hears no time event at all, so its slides and screen share never move: only the webcams are measured.)
  expect(captured.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
  expect(Math.abs(captured.avSyncMs ?? Infinity)).toBeLessThanOrEqual(5);
  expect(captured.leadingMs).toBe(0);
  expect(Math.abs(captured.end.endErrorMs ?? Infinity)).toBeLessThanOrEqual(34);

  const render = await runCli(['record', rec.dir, '--player', player, '-o', path.join(outDir, 'no-clock-render.mp4'), '--engine', 'render']);
  expect(render.exitCode).toBe(14);
  expect(render.stderr).toMatch(/error NOT_A_BBB_PLAYER: .*bbbplaybacktimeupdate/);
  const result = await execa('ls', ['-A', outDir]);
  expect(result.stdout).not.toMatch(/no-clock-render|\.partial|\.bbb-capture-/);
});
