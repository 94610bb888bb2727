/**
 * The sync clip: two seconds of black frames, each carrying its frame number as a frame code,
 * with a beep at a known instant. Played over the page after the recording (so it is cut away
 * with the tail), it shows where page-clock instants land in the captured file: for video from
 * every clip frame that was captured (a median, so a frame captured late on a loaded machine does
 * not move the cut), for audio from the beep. That gives the cut point and the capture
 * pipeline's own audio/video skew, measured on every capture rather than guessed.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { drawCode, fitPanel } from '../../frame-code/frame-code.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../process/run-process.js';
import { streamRawVideo } from '../../process/stream-raw-video.js';

export const SYNC_CLIP = {
  fps: 30,
  frames: 60,
  width: 480,
  height: 270,
  /** Code channel of the clip's frames (cameras of recordings use 0..3). */
  channel: 15,
  beepTime: 1.0,
  beepMs: 60,
  beepHz: 1000,
} as const;

/** Arguments that make the clip from raw frames on stdin (VP8 + Vorbis in WebM: Vorbis has no pre-skip to shift the audio). */
export function syncClipArgs(output: string): string[] {
  const { fps, frames, width, height, beepTime, beepMs, beepHz } = SYNC_CLIP;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    '-r',
    String(fps),
    '-i',
    '-',
    // Silence with a sine beep starting on an exact sample.
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='if(between(t,${beepTime},${beepTime + beepMs / 1000}),0.6*sin(2*PI*${beepHz}*t),0)':s=48000:c=stereo:d=${frames / fps}`,
    // Every frame a keyframe: no frame depends on one the page skipped.
    '-c:v',
    'libvpx',
    '-b:v',
    '1M',
    '-g',
    '1',
    '-deadline',
    'good',
    '-cpu-used',
    '4',
    '-c:a',
    'libvorbis',
    '-q:a',
    '5',
    '-shortest',
    output,
  ];
}

/** A made clip: its bytes, each frame's media time (index = the code value), the beep's media time. */
export interface SyncClip {
  file: string;
  bytes: Buffer;
  frameTimes: number[];
  beepTime: number;
}

/** Makes the clip in `dir` and measures its frame times and beep from the file itself. */
export async function makeSyncClip(dir: string, tools: FfmpegTools, signal?: AbortSignal): Promise<SyncClip> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'sync-clip.webm');
  const common = { signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  const { width, height, frames, channel } = SYNC_CLIP;
  await streamRawVideo({
    ffmpeg: tools.ffmpeg,
    args: syncClipArgs(file),
    width,
    height,
    frameCount: frames,
    signal,
    draw: (raster, index) => {
      raster.fill([0, 0, 0]);
      drawCode(raster, fitPanel({ x: 24, y: 24, w: width - 48, h: height - 48 }), 'camera', index, channel);
    },
  });
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file], {
    ...common,
    label: 'ffprobe',
  });
  const frameTimes = stdout
    .trim()
    .split(/\s+/)
    .map((t) => Number(t.replace(/,$/, '')));
  if (frameTimes.length !== frames) throw new Error(`sync clip has ${frameTimes.length} frames, expected ${frames}`);
  const pcm = await runProcessBinary(tools.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-f', 's16le', '-'], common);
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
  const peak = samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
  const onset = samples.findIndex((s) => Math.abs(s) > peak * 0.1);
  const { stdout: startOut } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', file], {
    ...common,
    label: 'ffprobe',
  });
  const audioStart = Number(startOut.trim()) || 0;
  return { file, bytes: await readFile(file), frameTimes, beepTime: audioStart + onset / 48000 };
}
