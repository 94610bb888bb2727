/**
 * Finds the sync clip in a captured file: the file time of the white flash (video) and of the
 * beep (audio). Only the tail of the file is decoded, starting shortly before the clip was played.
 */
import { CaptureError } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcessCapturing } from '../process/run-process.js';

export interface SyncMarks {
  /** File time (s) of the first flash frame. */
  flash: number;
  /** File time (s) of the beep's first sample. */
  beep: number;
}

const THUMB = 16 * 9;

/** Parses `pts_time:` and `n:`/`nb_samples:` fields of showinfo/ashowinfo lines. */
export function parseShowinfo(stderr: string, kind: 'video' | 'audio'): Array<{ pts: number; samples: number }> {
  const out: Array<{ pts: number; samples: number }> = [];
  const tag = kind === 'video' ? 'Parsed_showinfo' : 'Parsed_ashowinfo';
  for (const line of stderr.split('\n')) {
    if (!line.includes(tag)) continue;
    const pts = /pts_time:\s*(-?[\d.]+)/.exec(line);
    if (!pts) continue;
    const samples = /nb_samples:\s*(\d+)/.exec(line);
    out.push({ pts: Number(pts[1]), samples: samples ? Number(samples[1]) : 0 });
  }
  return out;
}

/** The first frame whose mean brightness jumps from dark to bright. */
export function findFlash(frames: Uint8Array, times: readonly number[]): number | undefined {
  const count = Math.min(times.length, Math.floor(frames.length / THUMB));
  let previous = 255;
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let k = 0; k < THUMB; k++) sum += frames[i * THUMB + k]!;
    const mean = sum / THUMB;
    if (mean > 160 && previous < 50) return times[i];
    previous = mean;
  }
  return undefined;
}

/**
 * The time of the first sample of the beep after `notBefore`: the first sample above a tenth of
 * the loudest one. `frames` are the decoded audio frames' timestamps and sizes, in PCM order.
 */
export function findBeep(pcm: Int16Array, frames: ReadonlyArray<{ pts: number; samples: number }>, rate: number, notBefore: number): number | undefined {
  // Sample index -> time, through the frame that holds it (the capture's audio may have gaps).
  const starts: number[] = [];
  let total = 0;
  for (const f of frames) {
    starts.push(total);
    total += f.samples;
  }
  const timeOf = (i: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const f = frames[lo];
    return f ? f.pts + (i - starts[lo]!) / rate : i / rate;
  };
  let first = 0;
  while (first < pcm.length && timeOf(first) < notBefore) first += 48;
  let peak = 0;
  for (let i = first; i < pcm.length; i++) peak = Math.max(peak, Math.abs(pcm[i]!));
  if (peak < 3000) return undefined;
  const threshold = peak * 0.1;
  for (let i = first; i < pcm.length; i++) if (Math.abs(pcm[i]!) > threshold) return timeOf(i);
  return undefined;
}

/** Decodes the capture from `searchFrom` (file seconds) and finds flash and beep. */
export async function findSyncMarks(file: string, searchFrom: number, tools: FfmpegTools, signal?: AbortSignal): Promise<SyncMarks> {
  const common = { signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  const start = Math.max(0, searchFrom);
  // -copyts keeps the file's own timestamps; showinfo reports each frame's.
  const videoArgs = ['-hide_banner', '-ss', start.toFixed(3), '-copyts', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough', '-vf', 'showinfo,scale=16:9', '-pix_fmt', 'gray', '-f', 'rawvideo', '-'];
  const video = await runProcessCapturing(tools.ffmpeg, videoArgs, common);
  const frameTimes = parseShowinfo(video.stderr, 'video').map((f) => f.pts);
  const flash = findFlash(video.stdout, frameTimes);
  const audioArgs = ['-hide_banner', '-ss', start.toFixed(3), '-copyts', '-i', file, '-map', '0:a:0', '-af', 'ashowinfo', '-ac', '1', '-f', 's16le', '-'];
  const audio = await runProcessCapturing(tools.ffmpeg, audioArgs, common);
  const pcm = new Int16Array(audio.stdout.buffer, audio.stdout.byteOffset, Math.floor(audio.stdout.length / 2));
  const beep = flash === undefined ? undefined : findBeep(pcm, parseShowinfo(audio.stderr, 'audio'), 48000, flash - 1.0);
  if (flash === undefined || beep === undefined) {
    throw new CaptureError('CAPTURE_FAILED', `the capture did not record the sync clip (${flash === undefined ? 'no flash in the video' : 'no beep in the audio'}): the tab capture lost its ${flash === undefined ? 'picture' : 'sound'}`);
  }
  return { flash, beep };
}

