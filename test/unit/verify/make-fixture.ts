/**
 * Tiny synthetic recordings for the meter's tests, drawn here with Raster + drawCode and encoded
 * like BBB's webcams video (VP8 + Opus in WebM), with a truth file beside them. Also the ffmpeg
 * one-liners that make scaled, padded, re-encoded and deliberately broken copies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { drawCode, fitPanel } from '../../../src/frame-code/frame-code.js';
import { Raster, type Box, type Rgb } from '../../../src/frame-code/raster.js';
import { findFfmpeg, type FfmpegTools } from '../../../src/process/find-ffmpeg.js';
import { runProcess, startProcess } from '../../../src/process/run-process.js';
import { SAMPLE_TRUTH_FILE, type SampleTruth } from '../../../src/sample/sample-truth.js';

export const tools: FfmpegTools = findFfmpeg(undefined);

/** Tone schedule of the fixtures: 1 kHz, 45 ms, every 2 s from 0.5 s, amplitude 0.5. */
export const TONE = { frequency: 1000, lengthMs: 45, first: 0.5, period: 2, amplitude: 0.5 };

export interface FixtureOptions {
  dir: string;
  seconds?: number;
  fps?: number;
  /** 1: one 640×480 camera filling the frame; 2: two 320×240 tiles side by side (BBB's composite). */
  cameras?: 1 | 2;
}

const COLORS: Rgb[] = [
  [62, 84, 120],
  [120, 84, 62],
];

function cameraBoxes(cameras: 1 | 2): Box[] {
  return cameras === 1
    ? [{ x: 0, y: 0, w: 640, h: 480 }]
    : [
        { x: 0, y: 0, w: 320, h: 240 },
        { x: 320, y: 0, w: 320, h: 240 },
      ];
}

function codeBox(tile: Box): Box {
  return fitPanel({ x: tile.x + Math.round(tile.w * 0.04), y: tile.y + Math.round(tile.h * 0.04), w: Math.round(tile.w * 0.92), h: Math.round(tile.h * 0.72) });
}

/** Writes `<dir>/video/webcams.webm`, `<dir>/master.mkv` and the truth file; returns the truth. */
export async function makeFixtureRecording(options: FixtureOptions): Promise<SampleTruth> {
  const seconds = options.seconds ?? 6;
  const fps = options.fps ?? 15;
  const cameras = options.cameras ?? 1;
  const width = 640;
  const height = 480;
  const frameCount = Math.round(seconds * fps);
  const samples = seconds * 48000;
  await mkdir(path.join(options.dir, 'video'), { recursive: true });
  const first = TONE.first * 48000;
  const period = TONE.period * 48000;
  const length = (TONE.lengthMs / 1000) * 48000;
  // Works on the sample index n so bursts start exactly on their sample, at full amplitude.
  const expr = `gte(n\\,${first})*lt(mod(n-${first}\\,${period})\\,${length})*${TONE.amplitude}*cos(2*PI*${TONE.frequency}*mod(n-${first}\\,${period})/48000)`;
  const proc = startProcess(
    tools.ffmpeg,
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
      '-f', 'lavfi', '-i', `aevalsrc=exprs=${expr}:channel_layout=mono:sample_rate=48000`,
      '-af', `atrim=end_sample=${samples}`,
      // 1. The webcams video as BBB publishes it: VP8 + Opus in WebM. Negative timestamps stay
      // negative (Opus codec delay): the default shift would put the video 7 ms behind the audio.
      '-map', '0:v', '-map', '1:a',
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k', '-auto-alt-ref', '0', '-lag-in-frames', '0', '-g', String(fps),
      '-pix_fmt', 'yuv420p',
      '-c:a', 'libopus', '-b:a', '64k', '-application', 'audio',
      '-avoid_negative_ts', 'disabled',
      '-frames:v', String(frameCount),
      path.join(options.dir, 'video', 'webcams.webm'),
      // 2. A master to derive test copies from: lossless H.264 + PCM in Matroska, both streams
      // starting at exactly 0 with no codec delay, so a copy's offsets are only what its filters add.
      '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p',
      '-c:a', 'pcm_s16le',
      '-frames:v', String(frameCount),
      path.join(options.dir, 'master.mkv'),
    ],
    { label: 'ffmpeg (fixture)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  const raster = new Raster(width, height);
  const tiles = cameraBoxes(cameras);
  for (let n = 0; n < frameCount; n++) {
    raster.fill([255, 255, 255]);
    tiles.forEach((tile, channel) => {
      raster.fillRect(tile, COLORS[channel]!);
      drawCode(raster, codeBox(tile), 'camera', n, channel);
    });
    if (!proc.stdin.write(Buffer.from(raster.data))) await new Promise((resolve) => proc.stdin.once('drain', resolve));
  }
  proc.stdin.end();
  await proc.done;
  const times: number[] = [];
  for (let t = TONE.first; t + TONE.lengthMs / 1000 <= seconds; t += TONE.period) times.push(t);
  const truth: SampleTruth = {
    version: 1,
    variant: cameras === 1 ? 'full' : 'twocams',
    recordId: `${'0'.repeat(40)}-1700000000000`,
    meetingName: 'fixture',
    duration: seconds,
    webcams: {
      file: 'video/webcams.webm',
      width,
      height,
      fps,
      frameCount,
      cameras: tiles.map((tile, channel) => ({ channel, intervals: [{ start: 0, end: seconds, box: tile, codeBox: codeBox(tile) }] })),
    },
    tones: { frequency: TONE.frequency, lengthMs: TONE.lengthMs, times, amplitude: TONE.amplitude, sampleRate: 48000 },
    slides: [],
    shapes: [],
    cursor: [],
    chat: [],
    panzooms: [],
  };
  await writeFile(path.join(options.dir, SAMPLE_TRUTH_FILE), JSON.stringify(truth, null, 2));
  return truth;
}

/** Runs ffmpeg on `input` with the given filter/codec arguments, writing `output`. */
export async function ffmpegCopy(input: string, output: string, args: string[], inputArgs: string[] = []): Promise<string> {
  await runProcess(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...inputArgs, '-i', input, ...args, output], {
    label: 'ffmpeg (fixture copy)',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  return output;
}

/** H.264 + AAC in MP4, fast: what the exporter writes. */
export const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p'];
export const AAC = ['-c:a', 'aac', '-b:a', '128k'];
