import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { runProcess } from '../../../src/process/run-process.js';
import { verifyOutput } from '../../../src/verify/verify-output.js';
import { tools } from './make-fixture.js';

let work: string;

/** A 3 s 320×240 MP4 from ffmpeg's test sources; `video`/`audio` are lavfi graphs. */
async function make(name: string, video: string, audio: string | null): Promise<string> {
  const out = path.join(work, name);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', video];
  if (audio) args.push('-f', 'lavfi', '-i', audio);
  args.push('-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (audio) args.push('-c:a', 'aac');
  args.push(out);
  await runProcess(tools.ffmpeg, args, { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  return out;
}

const SRC = 'testsrc=size=320x240:rate=30';
const TONE = 'sine=frequency=440:sample_rate=48000';
const files: Record<string, string> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-verify-output-'));
  files.good = await make('good.mp4', SRC, TONE);
  files.black = await make('black.mp4', `${SRC},tpad=start_duration=0.5:color=black`, TONE);
  files.silent = await make('silent.mp4', SRC, 'anullsrc=sample_rate=48000');
  files.mute = await make('mute.mp4', SRC, null);
  files.sound = path.join(work, 'sound.m4a');
  await runProcess(tools.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', TONE, '-t', '3', '-c:a', 'aac', '-f', 'ipod', files.sound], {
    label: 'ffmpeg',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const check = (video: string, over: Partial<Parameters<typeof verifyOutput>[0]> = {}) => verifyOutput({ video, expectedDuration: 3, expectAudio: true, tools, ...over });

async function failure(promise: Promise<unknown>): Promise<CaptureError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureError);
  expect((error as CaptureError).code).toBe('VERIFY_FAILED');
  return error as CaptureError;
}

describe('verifyOutput', () => {
  it('passes a good file and returns what it saw', async () => {
    const result = await check(files.good!);
    expect(result.probe.video).toMatchObject({ codec: 'h264', width: 320, height: 240 });
    expect(result.probe.audio).toMatchObject({ codec: 'aac' });
    expect(result.probe.duration).toBeCloseTo(3, 1);
    expect(result.maxVolumeDb).toBeGreaterThan(-30);
    expect(result.leadingBlack).toBe(0);
    // 3 s at 30 fps, counted in the file.
    expect(result.videoFrames).toBe(90);
    expect(result.webcamFrames).toBeNull();
  });

  it('counts the webcam frames it is given that have a frame at their time in the file', async () => {
    const frames = Array.from({ length: 90 }, (_, n) => n / 30);
    await expect(check(files.good!, { webcamFrameTimes: frames })).resolves.toMatchObject({ webcamFrames: { delivered: 90, expected: 90 } });
    // Two frames the file does not have: one between its frames, one past its end.
    await expect(check(files.good!, { webcamFrameTimes: [...frames, 0.05, 3.2] })).resolves.toMatchObject({ webcamFrames: { delivered: 90, expected: 92 } });
  });

  it('fails a wrong duration, naming both lengths', async () => {
    const error = await failure(check(files.good!, { expectedDuration: 10 }));
    expect(error.message).toMatch(/duration 3\.0\d s, expected 10\.00 s/);
    await expect(check(files.good!, { expectedDuration: 3.4 })).resolves.toBeDefined();
  });

  it('fails a black opening', async () => {
    const error = await failure(check(files.black!, { expectedDuration: 3 }));
    expect(error.message).toMatch(/starts with 0\.5\d s of black/);
    await expect(check(files.black!, { maxLeadingBlack: 1 })).resolves.toMatchObject({ leadingBlack: expect.closeTo(0.5, 1) as number });
  });

  it('fails silent or missing audio, unless audio is not expected', async () => {
    expect((await failure(check(files.silent!))).message).toMatch(/audio is silent/);
    expect((await failure(check(files.mute!))).message).toMatch(/no audio stream/);
    await expect(check(files.mute!, { expectAudio: false })).resolves.toMatchObject({ maxVolumeDb: null });
  });

  it('passes an audio-only file when no video is expected, and fails one that has a picture', async () => {
    expect((await failure(check(files.sound!))).message).toMatch(/no video stream/);
    await expect(check(files.sound!, { expectVideo: false })).resolves.toMatchObject({ probe: { video: null }, leadingBlack: 0, videoFrames: null });
    expect((await failure(check(files.good!, { expectVideo: false }))).message).toMatch(/a video stream \(h264\) in an audio-only file/);
  });

  it('lists every problem at once', async () => {
    const error = await failure(check(files.mute!, { expectedDuration: 8 }));
    expect(error.message).toMatch(/duration .*; no audio stream/);
  });

  it('fails a missing or non-media file', async () => {
    expect((await failure(check(path.join(work, 'nope.mp4')))).message).toMatch(/no file at/);
    const text = path.join(work, 'text.mp4');
    await import('node:fs/promises').then((fs) => fs.writeFile(text, 'not a video'));
    await failure(check(text));
  });
});

describe('verifyOutput, timing', () => {
  it('decodes the sound and the opening of the video side by side, not one after the other', async () => {
    // A stand-in ffmpeg for the two decodes (ffprobe stays real): notes when each starts and
    // ends, takes 1.5 s, and prints what volumedetect and blackdetect would.
    const fake = path.join(work, 'slow-ffmpeg');
    const log = path.join(work, 'slow-ffmpeg.log');
    await writeFile(
      fake,
      `#!${process.execPath}
const fs = require('node:fs');
const kind = process.argv.slice(2).join(' ').includes('volumedetect') ? 'volume' : 'black';
fs.appendFileSync(${JSON.stringify(log)}, 'start ' + kind + '\\n');
setTimeout(() => {
  fs.appendFileSync(${JSON.stringify(log)}, 'end ' + kind + '\\n');
  process.stderr.write(kind === 'volume' ? '[Parsed_volumedetect_0] max_volume: -6.0 dB\\n' : '');
}, 1500);
`,
    );
    await chmod(fake, 0o755);
    const result = await check(files.good!, { tools: { ffmpeg: fake, ffprobe: tools.ffprobe } });
    expect(result.maxVolumeDb).toBe(-6);
    expect(result.leadingBlack).toBe(0);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    // Both started before either ended.
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['start', 'start', 'end', 'end']);
  });
});
