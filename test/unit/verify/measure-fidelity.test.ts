/**
 * The meter against real files: a generated 6 s recording (30 fps webcams, slides, a screen
 * share, tone bursts), copies scaled and padded into 1080p and 720p frames, a player-like
 * composite, and copies broken on purpose, each of which must be measured with the right number.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import type { Box } from '../../../src/frame-code/raster.js';
import type { SampleTruth } from '../../../src/sample/sample-truth.js';
import { checkTargets } from '../../../src/verify/check-targets.js';
import type { FidelityReport, FidelitySource } from '../../../src/verify/fidelity-report.js';
import { measureFidelity } from '../../../src/verify/measure-fidelity.js';
import { AAC, ffmpegCopy, makeMaster, makePlayerLikeCopy, makeSample, tools, X264 } from './make-fixture.js';

let work: string;
let rec: string;
let truth: SampleTruth;
let master: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-meter-'));
  ({ dir: rec, truth } = await makeSample(work, 'full', 6));
  master = await makeMaster(path.join(rec, truth.webcams!.file), path.join(work, 'master.mkv'));
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Measures a file made from the webcams video: only the cameras are in it. */
const measure = (video: string, extra: { from?: number; to?: number; recordingDir?: string; sources?: FidelitySource[] | null } = {}) =>
  measureFidelity({
    video,
    recordingDir: extra.recordingDir ?? rec,
    from: extra.from,
    to: extra.to,
    tools,
    sources: extra.sources === null ? undefined : (extra.sources ?? ['cameras']),
  });

/** A copy of the master through ffmpeg, as H.264 + AAC in MP4. */
const copy = (name: string, args: string[], inputArgs: string[] = []) => ffmpegCopy(master, path.join(work, `${name}.mp4`), [...args, ...X264, ...AAC], inputArgs);

function expectBox(box: Box | null, want: Box, within: number): void {
  expect(box).not.toBeNull();
  for (const k of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(box![k] - want[k]), `${k}: ${box![k]} vs ${want[k]}`).toBeLessThanOrEqual(within);
}

function expectClean(r: FidelityReport): void {
  expect(r.streams).toEqual({ video: true, audio: true });
  expect(r.cameras[0]).toMatchObject({ expectedFrames: 180, deliveredFrames: 180, deliveredRatio: 1, longestFreezeMs: 0 });
  expect(Math.abs(r.videoOffsetMs!)).toBeLessThanOrEqual(1);
  expect(Math.abs(r.audio.offsetMs!)).toBeLessThanOrEqual(1);
  expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(1);
  expect(r.leadingMs).toBe(0);
  expect(Math.abs(r.end.endErrorMs!)).toBeLessThanOrEqual(1);
  expect(r.audio).toMatchObject({ burstsExpected: 3, burstsMatched: 3 });
  expect(r.audio.spreadMs).toBeLessThanOrEqual(1);
  expect(checkTargets(r)).toEqual([]);
}

describe('measureFidelity on faithful copies', () => {
  it('the generated webcams.webm itself: everything delivered, offsets 0', async () => {
    const r = await measure(path.join(rec, truth.webcams!.file));
    expectClean(r);
    expect(r.sources).toEqual(['cameras']);
    expect(r.screenshare).toBeNull();
    expect(r.slides).toBeNull();
    expectBox(r.cameras[0]!.pictureBox, { x: 0, y: 0, w: 640, h: 480 }, 2);
    expect(r.frames).toMatchObject({ count: 180, width: 640, height: 480, analysisWidth: 640 });
    expect(r.end.lastSourceTimeMs).toBeCloseTo(5966.7, 1);
  });

  it('the lossless master', async () => {
    expectClean(await measure(master));
  });

  it('scaled to 320×240, padded into 1920×1080 at (1234, 567), 30 fps H.264', async () => {
    const r = await measure(await copy('p1080', ['-vf', 'fps=30,scale=320:240,pad=1920:1080:1234:567:color=white']));
    expectClean(r);
    expect(r.frames).toMatchObject({ count: 180, width: 1920, height: 1080, analysisWidth: 960, analysisHeight: 540 });
    expect(r.frames!.medianIntervalMs).toBeCloseTo(33.3, 1);
    expectBox(r.cameras[0]!.pictureBox, { x: 1234, y: 567, w: 320, h: 240 }, 4);
  });

  it('fitted into 1280×720 (960×720 centred), 30 fps H.264', async () => {
    const r = await measure(await copy('p720', ['-vf', 'fps=30,scale=-2:720,pad=1280:720:(ow-iw)/2:0:color=white']));
    expectClean(r);
    expectBox(r.cameras[0]!.pictureBox, { x: 160, y: 0, w: 960, h: 720 }, 4);
  });

  it('a tiny webcam (48×36) in a 1080p frame: too small at 960 px, read again at full size', async () => {
    const r = await measure(await copy('tiny', ['-vf', 'fps=30,scale=48:36,pad=1920:1080:1700:40:color=white']));
    expect(r.frames).toMatchObject({ analysisWidth: 1920, withContent: 180 });
    expect(r.cameras[0]!.deliveredRatio).toBe(1);
    expectBox(r.cameras[0]!.pictureBox, { x: 1700, y: 40, w: 48, h: 36 }, 3);
  });

  it('a player-like 1080p composite: slides, screen share and webcams all measured', async () => {
    const r = await measure(await makePlayerLikeCopy(rec, truth, master, path.join(work, 'player.mp4')), { sources: null });
    expect(r.sources).toEqual(['cameras', 'screenshare', 'slides']);
    expect(r.cameras[0]).toMatchObject({ deliveredRatio: 1, offsetMs: 0 });
    expectBox(r.cameras[0]!.pictureBox, { x: 1340, y: 180, w: 560, h: 420 }, 4);
    expect(r.screenshare).toMatchObject({ expectedFrames: 6, deliveredFrames: 6, offsetMs: 0 });
    expectBox(r.screenshare!.pictureBox, { x: 20, y: 180, w: 1280, h: 720 }, 4);
    expect(r.slides).toMatchObject({ expected: [1, 2, 3, 4], missing: [], changesMeasured: 4 });
    expect(r.slides!.changeOffsetMaxMs).toBeLessThanOrEqual(34);
    expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(1);
    expect(checkTargets(r)).toEqual([]);
  }, 30_000);

  it('the deskshare video alone', async () => {
    const r = await measure(path.join(rec, truth.screenshare!.file), { sources: ['screenshare'] });
    expect(r.streams).toEqual({ video: true, audio: false });
    expect(r.screenshare).toMatchObject({ expectedFrames: 6, deliveredFrames: 6, offsetMs: 0 });
    expectBox(r.screenshare!.pictureBox, { x: 0, y: 0, w: 1280, h: 720 }, 3);
  });

  it('two cameras joining and leaving: each channel measured in its own tiles', async () => {
    const two = await makeSample(work, 'twocams', 6);
    const r = await measure(path.join(two.dir, two.truth.webcams!.file), { recordingDir: two.dir });
    expect(r.cameras.map((c) => [c.channel, c.expectedFrames, c.deliveredRatio, c.offsetMs, c.longestFreezeMs])).toEqual([
      [0, 180, 1, 0, 0],
      [1, 108, 1, 0, 0],
    ]);
    expectBox(r.cameras[1]!.pictureBox, { x: 320, y: 120, w: 320, h: 240 }, 2);
    expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(1);
  }, 30_000);

  it('an audio-only recording: the tone track is on time', async () => {
    const audio = await makeSample(work, 'audioonly', 4);
    const r = await measure(path.join(audio.dir, audio.truth.audio!.file), { recordingDir: audio.dir, sources: null });
    expect(r.streams).toEqual({ video: false, audio: true });
    expect(r.audio).toMatchObject({ burstsExpected: 2, burstsMatched: 2, silent: false });
    expect(Math.abs(r.audio.offsetMs!)).toBeLessThanOrEqual(1);
    expect(checkTargets(r).map((f) => f.check)).toEqual(['video-stream', 'slides', 'leading', 'end']);
  }, 30_000);

  it('a part (2 s to 5 s) measured against from/to', async () => {
    const r = await measure(await copy('part', ['-t', '3'], ['-ss', '2']), { from: 2, to: 5 });
    expect(r.expectedDurationMs).toBe(3000);
    expect(r.cameras[0]).toMatchObject({ expectedFrames: 90, deliveredFrames: 90, offsetMs: 0 });
    expect(r.audio).toMatchObject({ burstsExpected: 2, burstsMatched: 2 });
    expect(Math.abs(r.audio.offsetMs!)).toBeLessThanOrEqual(1);
    expect(r.leadingMs).toBe(0);
    expect(Math.abs(r.end.endErrorMs!)).toBeLessThanOrEqual(1);
  });
});

describe('measureFidelity on broken copies', () => {
  it('audio 120 ms late', async () => {
    const r = await measure(await copy('aplus', ['-af', 'adelay=120:all=1']));
    expect(Math.abs(r.audio.offsetMs! - 120)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.avSyncMs! - 120)).toBeLessThanOrEqual(3);
    // adelay also makes the track 120 ms longer.
    expect(checkTargets(r).map((f) => f.check)).toEqual(['av-sync', 'duration']);
  });

  it('audio 80 ms early', async () => {
    const r = await measure(await copy('aminus', ['-af', 'atrim=start=0.08,asetpts=PTS-STARTPTS']));
    expect(Math.abs(r.audio.offsetMs! + 80)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.avSyncMs! + 80)).toBeLessThanOrEqual(3);
  });

  it('every 10th frame dropped', async () => {
    const r = await measure(await copy('drop', ['-vf', "select='lt(mod(n\\,10)\\,9)'", '-fps_mode', 'passthrough']));
    expect(r.cameras[0]).toMatchObject({ expectedFrames: 180, deliveredFrames: 162, deliveredRatio: 0.9 });
    expect(r.cameras[0]!.longestFreezeMs).toBeCloseTo(33.3, 0);
    expect(r.leadingMs).toBe(0);
    expect(checkTargets(r).map((f) => f.check)).toEqual(['delivered:camera0']);
  });

  it('a frame held 500 ms too long', async () => {
    // Frame 60 (t = 2 s) replaces frames 61–75: it stays 16 frames, 500 ms longer than its own 33.3.
    const r = await measure(
      await ffmpegCopy(master, path.join(work, 'freeze.mp4'), [
        '-filter_complex',
        '[0:v]split[a][b];[a][b]freezeframes=first=61:last=75:replace=60[v]',
        '-map',
        '[v]',
        '-map',
        '0:a',
        ...X264,
        ...AAC,
      ]),
    );
    expect(Math.abs(r.cameras[0]!.longestFreezeMs! - 500)).toBeLessThanOrEqual(1);
    expect(r.cameras[0]!.longestFreezeAtMs).toBeCloseTo(2000, 0);
    expect(r.cameras[0]!.deliveredFrames).toBe(165);
    expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(1);
  });

  it('1 s of black before the content (audio delayed alike)', async () => {
    const r = await measure(await copy('lead', ['-vf', 'tpad=start_duration=1:color=black', '-af', 'adelay=1000:all=1']));
    expect(r.leadingMs).toBeCloseTo(1000, 0);
    expect(r.videoOffsetMs).toBeCloseTo(1000, 0);
    expect(Math.abs(r.audio.offsetMs! - 1000)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(3);
    expect(r.end.endErrorMs).toBeCloseTo(1000, 0);
    expect(r.durationErrorMs).toBeCloseTo(1000, 0);
    expect(checkTargets(r).map((f) => f.check)).toEqual(['leading', 'end', 'duration']);
  });

  it('video 200 ms behind the audio', async () => {
    const r = await measure(await copy('vdelay', ['-map', '0:v', '-map', '1:a'], ['-itsoffset', '0.2', '-i', master]));
    expect(r.videoOffsetMs).toBeCloseTo(200, 0);
    expect(Math.abs(r.audio.offsetMs!)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.avSyncMs! + 200)).toBeLessThanOrEqual(3);
  });

  it('the last 2 s cut off', async () => {
    const r = await measure(await copy('cut', ['-t', '4']));
    expect(r.end.endErrorMs).toBeCloseTo(-2000, 0);
    expect(r.durationErrorMs).toBeCloseTo(-2000, 0);
    expect(r.end.lastSourceTimeMs).toBeCloseTo(3966.7, 1);
    expect(r.end.expectedLastSourceTimeMs).toBeCloseTo(5966.7, 1);
    expect(r.cameras[0]).toMatchObject({ deliveredFrames: 120, expectedFrames: 180 });
    expect(r.audio).toMatchObject({ burstsExpected: 3, burstsMatched: 2 });
  });

  it('no audio track', async () => {
    const r = await measure(await copy('noaudio', ['-an']));
    expect(r.streams).toEqual({ video: true, audio: false });
    expect(r.audio).toMatchObject({ present: false, offsetMs: null });
    expect(r.avSyncMs).toBeNull();
    expect(checkTargets(r).map((f) => f.check)).toEqual(['audio-stream', 'av-sync']);
  });
});

describe('measureFidelity options and failures', () => {
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: unknown) => (e instanceof CaptureError ? e.code : String(e)),
    );

  it('stops ffmpeg and rejects with ABORTED when aborted', async () => {
    const controller = new AbortController();
    const running = measureFidelity({ video: master, recordingDir: rec, tools, signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    expect(await code(running)).toBe('ABORTED');
  });

  it('rejects a directory without truth, a range outside the recording, and a missing video', async () => {
    expect(await code(measureFidelity({ video: master, recordingDir: work, tools }))).toBe('USAGE');
    expect(await code(measureFidelity({ video: master, recordingDir: rec, from: 4, to: 3, tools }))).toBe('USAGE');
    expect(await code(measureFidelity({ video: master, recordingDir: rec, to: 60, tools }))).toBe('USAGE');
    expect(await code(measureFidelity({ video: path.join(work, 'none.mp4'), recordingDir: rec, tools }))).toBe('VERIFY_FAILED');
  });
});
