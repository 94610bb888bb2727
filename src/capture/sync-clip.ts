/**
 * The sync clip: a short video, black with one white flash, whose audio has a beep at a known
 * instant. Played over the page after the recording (so it is cut away with the tail), it shows
 * where a page-clock instant lands in the captured file, separately for video and for audio,
 * which gives both the cut point and the audio/video skew of the capture pipeline, measured on
 * every capture rather than guessed.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../process/run-process.js';

export const SYNC_CLIP = {
  fps: 30,
  duration: 1.8,
  /** The flash starts at this frame and lasts flashFrames frames (a loaded machine skips some). */
  flashFrame: 18,
  flashFrames: 10,
  beepTime: 0.6,
  beepMs: 60,
  beepHz: 1000,
} as const;

/** Arguments that make the clip (VP8 + Vorbis in WebM: Vorbis has no pre-skip to shift the audio). */
export function syncClipArgs(output: string): string[] {
  const { fps, duration, flashFrame, beepTime, beepMs, beepHz } = SYNC_CLIP;
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    // Black frames with a full-frame white flash on flashFrames frames.
    '-f', 'lavfi', '-i', `color=c=black:s=320x180:r=${fps}:d=${duration},drawbox=enable='between(n,${flashFrame},${flashFrame + SYNC_CLIP.flashFrames - 1})':x=0:y=0:w=iw:h=ih:c=white:t=fill`,
    // Silence with a sine beep starting on an exact sample.
    '-f', 'lavfi', '-i', `aevalsrc='if(between(t,${beepTime},${beepTime + beepMs / 1000}),0.6*sin(2*PI*${beepHz}*t),0)':s=48000:c=stereo:d=${duration}`,
    '-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'good', '-cpu-used', '4',
    '-c:a', 'libvorbis', '-q:a', '5',
    '-shortest', output,
  ];
}

/** A made clip and the media times (s) of its flash frame and beep, as measured from the file. */
export interface SyncClip {
  file: string;
  bytes: Buffer;
  /** Media time of the first and the last flash frame. */
  flashTime: number;
  flashEndTime: number;
  beepTime: number;
}

/** Makes the clip in `dir` and measures where its flash and beep are. */
export async function makeSyncClip(dir: string, tools: FfmpegTools, signal?: AbortSignal): Promise<SyncClip> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'sync-clip.webm');
  const common = { signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  await runProcess(tools.ffmpeg, syncClipArgs(file), common);
  const { stdout } = await runProcess(
    tools.ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file],
    { ...common, label: 'ffprobe' },
  );
  const pts = stdout.trim().split(/\s+/).map(Number);
  const flashTime = pts[SYNC_CLIP.flashFrame];
  const flashEndTime = pts[SYNC_CLIP.flashFrame + SYNC_CLIP.flashFrames - 1];
  if (flashTime === undefined || flashEndTime === undefined) throw new Error('sync clip has too few frames');
  const pcm = await runProcessBinary(tools.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-f', 's16le', '-'], common);
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
  const onset = samples.findIndex((s) => Math.abs(s) > 2000);
  const { stdout: startOut } = await runProcess(
    tools.ffprobe,
    ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', file],
    { ...common, label: 'ffprobe' },
  );
  const audioStart = Number(startOut.trim()) || 0;
  return { file, bytes: await readFile(file), flashTime, flashEndTime, beepTime: audioStart + onset / 48000 };
}
