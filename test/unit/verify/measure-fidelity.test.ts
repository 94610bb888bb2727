/**
 * The meter against real files: a synthetic webcams recording, copies scaled and padded into
 * 1080p and 720p frames, and copies broken on purpose, each of which must be measured with the
 * right number.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '../../../src/frame-code/raster.js';
import { checkTargets } from '../../../src/verify/check-targets.js';
import type { FidelityReport } from '../../../src/verify/fidelity-report.js';
import { measureFidelity } from '../../../src/verify/measure-fidelity.js';
import { AAC, ffmpegCopy, makeFixtureRecording, tools, X264 } from './make-fixture.js';

let work: string;
let rec: string;
let master: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-meter-'));
  rec = path.join(work, 'rec');
  await makeFixtureRecording({ dir: rec, seconds: 6 });
  master = path.join(rec, 'master.mkv');
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const measure = (video: string, extra: { from?: number; to?: number; recordingDir?: string } = {}) =>
  measureFidelity({ video, recordingDir: extra.recordingDir ?? rec, from: extra.from, to: extra.to, tools });

/** A copy of the master through ffmpeg, as H.264 + AAC in MP4. */
const copy = (name: string, args: string[], inputArgs: string[] = []) => ffmpegCopy(master, path.join(work, `${name}.mp4`), [...args, ...X264, ...AAC], inputArgs);

function expectBox(box: Box | null, want: Box, within: number): void {
  expect(box).not.toBeNull();
  for (const k of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(box![k] - want[k]), `${k}: ${box![k]} vs ${want[k]}`).toBeLessThanOrEqual(within);
}

function expectClean(r: FidelityReport, avWithin = 3): void {
  expect(r.streams).toEqual({ video: true, audio: true });
  expect(r.cameras[0]!.deliveredRatio).toBe(1);
  expect(r.cameras[0]!.longestFreezeMs).toBeLessThan(1);
  expect(Math.abs(r.videoOffsetMs!)).toBeLessThanOrEqual(1);
  expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(avWithin);
  expect(r.leadingMs).toBe(0);
  expect(Math.abs(r.end.endErrorMs!)).toBeLessThanOrEqual(1);
  expect(r.audio.burstsMatched).toBe(r.audio.burstsExpected);
  expect(r.audio.spreadMs).toBeLessThanOrEqual(1);
}

describe('measureFidelity on faithful copies', () => {
  it('the source webcams.webm: everything delivered, in sync', async () => {
    const r = await measure(path.join(rec, 'video', 'webcams.webm'));
    // Opus in WebM as muxed by ffmpeg: the 6.5 ms codec delay is rounded to whole milliseconds
    // twice, so the audio reads about 6 ms early. That is what the file holds.
    expectClean(r, 8);
    expect(r.audio.offsetMs).toBeGreaterThanOrEqual(-8);
    expect(r.audio.offsetMs).toBeLessThanOrEqual(1);
    expect(r.cameras[0]).toMatchObject({ expectedFrames: 90, deliveredFrames: 90 });
    expectBox(r.cameras[0]!.pictureBox, { x: 0, y: 0, w: 640, h: 480 }, 2);
    expect(r.frames).toMatchObject({ count: 90, width: 640, height: 480, analysisWidth: 640 });
    expect(r.end.lastSourceTimeMs).toBeCloseTo(5933.3, 1);
    expect(checkTargets(r)).toEqual([]);
  });

  it('the lossless master: offsets exactly zero', async () => {
    const r = await measure(master);
    expectClean(r, 0.5);
    expect(r.audio.offsetMs).toBe(0);
  });

  it('scaled to 320×240, padded into 1920×1080 at (1234, 567), 30 fps H.264', async () => {
    const r = await measure(await copy('p1080', ['-vf', 'fps=30,scale=320:240,pad=1920:1080:1234:567:color=white']));
    expectClean(r);
    expect(r.frames).toMatchObject({ count: 180, width: 1920, height: 1080, analysisWidth: 960, analysisHeight: 540 });
    expect(r.frames!.medianIntervalMs).toBeCloseTo(33.3, 1);
    expectBox(r.cameras[0]!.pictureBox, { x: 1234, y: 567, w: 320, h: 240 }, 4);
    expect(checkTargets(r)).toEqual([]);
  });

  it('fitted into 1280×720 (960×720 centred), 30 fps H.264', async () => {
    const r = await measure(await copy('p720', ['-vf', 'fps=30,scale=-2:720,pad=1280:720:(ow-iw)/2:0:color=white']));
    expectClean(r);
    expectBox(r.cameras[0]!.pictureBox, { x: 160, y: 0, w: 960, h: 720 }, 4);
  });

  it('two cameras side by side: each channel measured on its own', async () => {
    const dir = path.join(work, 'rec2');
    await makeFixtureRecording({ dir, seconds: 4, cameras: 2 });
    const r = await measure(path.join(dir, 'video', 'webcams.webm'), { recordingDir: dir });
    expect(r.cameras.map((c) => [c.channel, c.deliveredRatio, c.offsetMs])).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ]);
    expectBox(r.cameras[0]!.pictureBox, { x: 0, y: 0, w: 320, h: 240 }, 2);
    expectBox(r.cameras[1]!.pictureBox, { x: 320, y: 0, w: 320, h: 240 }, 2);
  }, 30_000);

  it('a part (2 s to 5 s) measured against from/to', async () => {
    const part = await copy('part', ['-t', '3'], ['-ss', '2']);
    const r = await measure(part, { from: 2, to: 5 });
    expect(r.expectedDurationMs).toBe(3000);
    expect(r.cameras[0]).toMatchObject({ expectedFrames: 45, deliveredFrames: 45, offsetMs: 0 });
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
    expect(checkTargets(r).map((f) => f.check)).toEqual(['av-sync']);
  });

  it('audio 80 ms early', async () => {
    const r = await measure(await copy('aminus', ['-af', 'atrim=start=0.08,asetpts=PTS-STARTPTS']));
    expect(Math.abs(r.audio.offsetMs! + 80)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.avSyncMs! + 80)).toBeLessThanOrEqual(3);
  });

  it('every 10th frame dropped', async () => {
    const r = await measure(await copy('drop', ['-vf', "select='lt(mod(n\\,10)\\,9)'", '-fps_mode', 'passthrough']));
    expect(r.cameras[0]).toMatchObject({ expectedFrames: 90, deliveredFrames: 81, deliveredRatio: 0.9 });
    expect(r.cameras[0]!.longestFreezeMs).toBeCloseTo(66.7, 0);
    expect(r.leadingMs).toBe(0);
    expect(checkTargets(r).map((f) => f.check)).toEqual(['delivered:camera0']);
  });

  it('a frame held 500 ms too long', async () => {
    // At 30 fps, source frame 30 (t = 2 s) is output frames 60–61; freezing 62–76 to it holds it 566.7 ms.
    const r = await measure(
      await ffmpegCopy(master, path.join(work, 'freeze.mp4'), [
        '-filter_complex', '[0:v]fps=30,split[a][b];[a][b]freezeframes=first=62:last=76:replace=60[v]',
        '-map', '[v]', '-map', '0:a', ...X264, ...AAC,
      ]),
    );
    expect(Math.abs(r.cameras[0]!.longestFreezeMs! - 500)).toBeLessThanOrEqual(34);
    expect(r.cameras[0]!.longestFreezeAtMs).toBeCloseTo(2000, 0);
    expect(Math.abs(r.avSyncMs!)).toBeLessThanOrEqual(3);
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
    expect(r.end.lastSourceTimeMs).toBeCloseTo(3933.3, 1);
    expect(r.end.expectedLastSourceTimeMs).toBeCloseTo(5933.3, 1);
    expect(r.cameras[0]).toMatchObject({ deliveredFrames: 60, expectedFrames: 90 });
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
