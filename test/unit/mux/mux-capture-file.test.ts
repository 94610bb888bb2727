/**
 * The page-layer cut on a real file shaped like a tab capture (H.264 + Opus in Matroska, a
 * paused first picture, then playback): the output starts on the recording's first frame, ends
 * on its last; where the page stood still while the media stalled, what came after is put back on
 * the recording's timeline. (The capture's sound is still what the sync clip's beep is found in.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawCode, fitPanel, readCodes } from '../../../src/frame-code/frame-code.js';
import { Raster } from '../../../src/frame-code/raster.js';
import { findBeep, parseShowinfo } from '../../../src/engines/capture/find-sync-marks.js';
import { buildMuxArgs } from '../../../src/mux/build-mux-args.js';
import { probeVideoPackets } from '../../../src/mux/probe-video-packets.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary, runProcessCapturing, startProcess } from '../../../src/process/run-process.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const opts = { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
const W = 320;
const H = 180;
const FPS = 25;
// The capture: 0.4 s of the paused picture (frame 0), then frames 1..100 playing, with no frame
// during the last 0.5 s and after (a still page sends no frames); a beep at media 2.0 s.
const VIDEO_START = 0.4;
const DURATION = 4;
let dir: string;
let capture: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-mux-'));
  capture = path.join(dir, 'capture.mkv');
  const frames = Math.round((VIDEO_START + DURATION + 0.6) * FPS);
  const ff = startProcess(
    tools.ffmpeg,
    [
      '-v',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${W}x${H}`,
      '-r',
      String(FPS),
      '-i',
      '-',
      '-f',
      'lavfi',
      '-i',
      `aevalsrc='if(between(t,${VIDEO_START + 2},${VIDEO_START + 2.05}),0.5*sin(2*PI*1000*t),0)':s=48000:c=stereo:d=${frames / FPS}`,
      // No frames while the page stood still at the end: 3.5 s .. 4.3 s of media time.
      '-vf',
      `select='not(between(t,${VIDEO_START + DURATION - 0.5},${VIDEO_START + DURATION + 0.3}))'`,
      '-fps_mode',
      'passthrough',
      // Keep video at 0 (Opus's codec delay would otherwise shift it by 7 ms), as MediaRecorder's files are.
      '-c:v',
      'libx264',
      '-bf',
      '0',
      '-g',
      '250',
      '-c:a',
      'libopus',
      '-avoid_negative_ts',
      'disabled',
      '-f',
      'matroska',
      capture,
    ],
    opts,
  );
  const r = new Raster(W, H);
  for (let i = 0; i < frames; i++) {
    const n = Math.max(0, i - Math.round(VIDEO_START * FPS));
    r.fill([40, 60, 90]);
    drawCode(r, fitPanel({ x: 10, y: 10, w: W - 20, h: H - 20 }), 'camera', n, 0);
    if (!ff.stdin.write(r.data)) await new Promise((res) => ff.stdin.once('drain', res));
  }
  ff.stdin.end();
  await ff.done;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('page-layer cut of a capture-shaped file', () => {
  it("starts on frame 0, ends on the last frame, without the capture's sound", async () => {
    const output = path.join(dir, 'out.mp4');
    // The paused picture is 10 packets (0.4 s) long; the first of them stays, shown from 0.
    const packets = await probeVideoPackets(capture, VIDEO_START, VIDEO_START + DURATION, tools);
    expect(packets.prerollPackets).toBe(10);
    await runProcess(tools.ffmpeg, buildMuxArgs({ input: capture, output, format: 'mp4', videoStart: VIDEO_START, duration: DURATION, ...packets }), opts);

    const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', output], {
      ...opts,
      label: 'ffprobe',
    });
    const times = stdout
      .trim()
      .split(/\s+/)
      .map((t) => Number(t.replace(/,$/, '')));
    const raw = await runProcessBinary(tools.ffmpeg, ['-v', 'error', '-i', output, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], opts);
    const codes = Array.from({ length: raw.length / (W * H * 3) }, (_, i) => readCodes(new Raster(W, H, raw.subarray(i * W * H * 3, (i + 1) * W * H * 3)))[0]?.value);
    expect(times[0]).toBe(0);
    expect(codes[0]).toBe(0);
    // Frame n (n ≥ 1) at n / FPS, to the millisecond.
    const played = times.map((t, i) => [t, codes[i]!] as const).filter(([, n]) => n >= 1);
    for (const [t, n] of played) expect(Math.abs(t - n / FPS)).toBeLessThanOrEqual(0.0011);
    // The last frame captured before the still end (3.5 s = frame 87) lasts until the cut.
    expect(codes.at(-1)).toBe(Math.ceil((DURATION - 0.5) * FPS) - 1);
    const { stdout: videoEnd } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', output], {
      ...opts,
      label: 'ffprobe',
    });
    expect(Math.abs(Number(videoEnd.trim()) - DURATION)).toBeLessThanOrEqual(0.002);

    // Where the beep sits in the capture, read the way the recorder reads the sync clip's beep.
    const decoded = await runProcessCapturing(tools.ffmpeg, ['-hide_banner', '-copyts', '-i', capture, '-map', '0:a', '-af', 'ashowinfo', '-ac', '1', '-f', 's16le', '-'], opts);
    const beepInCapture = findBeep(new Int16Array(decoded.stdout.buffer, decoded.stdout.byteOffset, decoded.stdout.length / 2), parseShowinfo(decoded.stderr, 'audio'), 48000, 0)!;
    expect(Math.abs(beepInCapture - (VIDEO_START + 2))).toBeLessThanOrEqual(0.01);
    expect(
      await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=index', '-of', 'csv=p=0', output], { ...opts, label: 'ffprobe' }).then((r) =>
        r.stdout.trim(),
      ),
    ).toBe('');
  });

  it("puts the pictures after a stall back on the recording's timeline", async () => {
    const output = path.join(dir, 'lagged.mp4');
    // Pretend the page stood still for 200 ms from file time 1.4 s (media 1.0 s): from there its
    // pictures showed the recording 200 ms late, so frame n captured at VIDEO_START + n/FPS + 0.2.
    // Here the capture has no stall in it, so after the correction frames from 1.6 s sit 200 ms early.
    const lagSteps = [{ atMs: (VIDEO_START + 1.6) * 1000, lagMs: 200 }];
    const packets = await probeVideoPackets(capture, VIDEO_START, VIDEO_START + DURATION + 0.2, tools);
    await runProcess(tools.ffmpeg, buildMuxArgs({ input: capture, output, format: 'mp4', videoStart: VIDEO_START, duration: DURATION, ...packets, lagSteps }), opts);
    const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', output], {
      ...opts,
      label: 'ffprobe',
    });
    const times = stdout
      .trim()
      .split(/\s+/)
      .map((t) => Number(t.replace(/,$/, '')));
    const raw = await runProcessBinary(tools.ffmpeg, ['-v', 'error', '-i', output, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], opts);
    const codes = Array.from({ length: raw.length / (W * H * 3) }, (_, i) => readCodes(new Raster(W, H, raw.subarray(i * W * H * 3, (i + 1) * W * H * 3)))[0]?.value);
    // Timestamps only increase; before the step frames keep their times, after it they move by 200 ms.
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    times.forEach((t, i) => {
      const n = codes[i]!;
      if (n >= 1 && n / FPS < 1.6 - 0.001) expect(Math.abs(t - n / FPS)).toBeLessThanOrEqual(0.0011);
      // Frames 1.6 s .. 1.8 s fall onto the step: pushed a millisecond apart, then 200 ms early.
      if (n / FPS >= 1.8 + 0.001) expect(Math.abs(t - (n / FPS - 0.2))).toBeLessThanOrEqual(0.0011);
    });
    const { stdout: videoEnd } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', output], {
      ...opts,
      label: 'ffprobe',
    });
    expect(Math.abs(Number(videoEnd.trim()) - DURATION)).toBeLessThanOrEqual(0.002);
  });
});
