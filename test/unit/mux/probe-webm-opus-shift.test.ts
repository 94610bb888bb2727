/**
 * The WebM muxer check: read from what ffprobe says of the two-packet file, and run for real
 * (whatever this machine's ffmpeg does, a WebM written with the lead it gives has its video at 0).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_PRE_SKIP, parseWebmOpusShift, probeWebmOpusShift, webmOpusShiftArgs } from '../../../src/mux/probe-webm-opus-shift.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-opus-shift-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const streams = (video: string, audio: string) =>
  JSON.stringify({
    streams: [
      { codec_type: 'video', start_time: video },
      { codec_type: 'audio', start_time: audio },
    ],
  });

describe('parseWebmOpusShift', () => {
  it('asks for the pre-skip where the muxer moved the video later (ffmpeg before 6.0)', () => {
    expect(parseWebmOpusShift(streams('0.007000', '-0.007000'))).toBe(OPUS_PRE_SKIP);
  });

  it('asks for nothing where the video stayed at 0 (ffmpeg 6.0 and later)', () => {
    expect(parseWebmOpusShift(streams('0.000000', '-0.007000'))).toBe(0);
  });

  it('refuses output without a video start', () => {
    expect(() => parseWebmOpusShift(JSON.stringify({ streams: [{ codec_type: 'audio', start_time: '0.000000' }] }))).toThrow(/no video stream/);
    expect(() => parseWebmOpusShift('not json')).toThrow(/unreadable/);
  });
});

describe('probeWebmOpusShift', () => {
  it("writes the compositor's Opus into WebM beside one frame at 0, and leaves no file behind", async () => {
    expect(webmOpusShiftArgs('x.webm')).toEqual(expect.arrayContaining(['-c:a', 'libopus', '-ar', '48000', '-f', 'webm']));
    expect([0, OPUS_PRE_SKIP]).toContain(await probeWebmOpusShift(tools, dir));
    expect(await readdir(dir)).toEqual([]);
  });
});
