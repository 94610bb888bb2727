/**
 * The compositor's command line run on real files: a page layer with a frame every 0.5 s, a
 * 10 fps webcam drawn over it, a part of exactly 1 s. The output must end where the part does:
 * its last frame is the clock's final millisecond, not a copy of the frame interval before it.
 * In WebM, Opus's pre-skip must not push the video later than its sound (ffmpeg before 6.0 moved
 * every stream 7 ms later for it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compositeArgs, frameListFile, parseFrameTimes } from '../../../src/compose/build-composite-args.js';
import { CAPTURED_PAGE_COLOUR } from '../../../src/compose/colour.js';
import { CLOCK_PICTURE, overlayGraph, overlayRuns, videoFrameInstants, type LayeredPicture } from '../../../src/compose/video-layers.js';
import { probeWebmOpusShift } from '../../../src/mux/probe-webm-opus-shift.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { analyseAudio } from '../../../src/verify/analyse-audio.js';
import { probeMedia } from '../../../src/recording/probe-media.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const opts = { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
const FRAME = { width: 64, height: 36 };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-composite-'));
  // The page layer as the capture engine's cut leaves it: H.264 in MP4 on a 1 ms time base, a picture at 0 and 0.5 s.
  await runProcess(
    tools.ffmpeg,
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=gray:s=${FRAME.width}x${FRAME.height}:r=2:d=1`,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-video_track_timescale',
      '1000',
      path.join(dir, 'page.mp4'),
    ],
    opts,
  );
  // The webcams: VP8 in WebM, 10 fps, as BBB's (whole-millisecond timestamps).
  await runProcess(tools.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=32x24:r=10:d=1', '-c:v', 'libvpx', '-b:v', '200k', path.join(dir, 'cam.webm')], opts);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function packets(file: string): Promise<string[]> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], opts);
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

describe('compositeArgs', () => {
  it('ends the video exactly at the part end, with a frame wherever the webcam has one', async () => {
    const webcamTimes = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900];
    const pictures: LayeredPicture[] = [{ timeMs: 0, layers: [{ kind: 'webcams', x: 4, y: 4, w: 32, h: 24 }] }];
    await writeFile(path.join(dir, 'clock.ppm'), CLOCK_PICTURE);
    const ticks = [0, ...videoFrameInstants(pictures, 1000, { webcams: webcamTimes, screenshare: [] }).filter((t) => t > 0)];
    const clock = path.join(dir, 'clock.ffconcat');
    await writeFile(
      clock,
      frameListFile(
        ticks.map((timeMs) => ({ file: path.join(dir, 'clock.ppm'), timeMs })),
        1000,
      ),
    );
    const overlay = overlayGraph(overlayRuns(pictures, 0, 1000), { webcams: { file: path.join(dir, 'cam.webm'), frameTimesMs: webcamTimes } }, 0, clock, FRAME, {
      page: CAPTURED_PAGE_COLOUR,
    });
    const output = path.join(dir, 'out.mp4');
    await runProcess(
      tools.ffmpeg,
      compositeArgs({ pageLayer: path.join(dir, 'page.mp4'), pageColour: CAPTURED_PAGE_COLOUR, overlay, duration: 1, format: 'mp4', audioBitrate: 64_000, output }),
      opts,
    );
    const listed = await packets(output);
    // A frame at each webcam frame and at the clock's last millisecond, which lasts that millisecond.
    expect(parseFrameTimes(listed.join('\n')).map((t) => Math.round(t * 1000))).toEqual([...webcamTimes, 999]);
    expect(listed.at(-1)).toBe('0.999000,0.001000');
  });

  it('writes WebM with the video at 0 and the sound where the media has it (the Opus pre-skip moves neither)', async () => {
    // The media's sound: a 1 kHz burst of 45 ms at exactly 0.5 s, in WAV (no encoder delay of its own).
    const media = path.join(dir, 'media.wav');
    await runProcess(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', "aevalsrc='if(between(n,24000,26159),0.5*sin(2*PI*1000*t),0)':s=48000:c=mono:d=1.2", media], opts);
    const output = path.join(dir, 'out.webm');
    const opusLead = await probeWebmOpusShift(tools, dir);
    await runProcess(
      tools.ffmpeg,
      compositeArgs({
        pageLayer: path.join(dir, 'page.mp4'),
        pageColour: CAPTURED_PAGE_COLOUR,
        audio: { source: media, from: 0.2, opusLead },
        duration: 1,
        format: 'webm',
        audioBitrate: 64_000,
        output,
      }),
      opts,
    );
    const probe = await probeMedia(output, { tools });
    expect(probe.video?.startTime).toBe(0);
    // The burst at media 0.5 s plays at 0.3 s of the part (the decoder drops the pre-skip), within a millisecond.
    const audio = await analyseAudio({ video: output, tools, burstMs: 45 });
    expect(audio.onsets).toHaveLength(1);
    expect(Math.abs(audio.onsets[0]! - 0.3)).toBeLessThanOrEqual(0.001);
    // Every sample of the part is there: the sound lasts the part, as the video does.
    expect(audio.duration).toBeGreaterThanOrEqual(1 - 0.001);
  });
});
