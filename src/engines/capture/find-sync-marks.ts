/**
 * Finds the sync clip in a captured file: the file time at which each of its frames (known by its
 * frame code) first appears, and the file time of its beep. Only the clip's window is decoded.
 */
import { readCodes } from '../../frame-code/frame-code.js';
import { Raster } from '../../frame-code/raster.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { runProcessCapturing } from '../../process/run-process.js';

export interface SyncMarks {
  /** Clip frame number -> file time (s) it first appears at. */
  frames: Map<number, number>;
  /** File time (s) of the beep's first sample, if the capture kept it. */
  beep: number | undefined;
}

const WIDTH = 480;
const HEIGHT = 270;

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

/** First appearance (file time) of each code value of `channel`, from decoded frames and their times. */
export function firstAppearances(frames: Buffer, times: readonly number[], width: number, height: number, channel: number): Map<number, number> {
  const size = width * height * 3;
  const found = new Map<number, number>();
  const count = Math.min(times.length, Math.floor(frames.length / size));
  for (let i = 0; i < count; i++) {
    const raster = new Raster(width, height, frames.subarray(i * size, (i + 1) * size));
    for (const code of readCodes(raster)) {
      if (code.channel === channel && !found.has(code.value)) found.set(code.value, times[i]!);
    }
  }
  return found;
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

/** Decodes the capture's `search` window (file seconds) and finds the clip's frames and beep (none found: an empty map). */
export async function findSyncMarks(file: string, search: { from: number; duration: number }, channel: number, tools: FfmpegTools, signal?: AbortSignal): Promise<SyncMarks> {
  const common = { signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  const start = Math.max(0, search.from).toFixed(3);
  // Only the clip's window: the rest of a long capture is not decoded.
  const length = search.duration.toFixed(3);
  // -copyts keeps the file's own timestamps; showinfo reports each frame's. The page shows the
  // clip in its top-left quarter (recorder-page-api.ts, playSyncClip).
  const videoArgs = [
    '-hide_banner',
    '-ss',
    start,
    '-copyts',
    '-i',
    file,
    '-t',
    length,
    '-map',
    '0:v:0',
    '-fps_mode',
    'passthrough',
    '-vf',
    `showinfo,crop=iw/4:ih/4:0:0,scale=${WIDTH}:${HEIGHT}`,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    '-',
  ];
  const video = await runProcessCapturing(tools.ffmpeg, videoArgs, common);
  const frameTimes = parseShowinfo(video.stderr, 'video').map((f) => f.pts);
  const frames = firstAppearances(video.stdout, frameTimes, WIDTH, HEIGHT, channel);
  const audioArgs = ['-hide_banner', '-ss', start, '-copyts', '-i', file, '-t', length, '-map', '0:a:0', '-af', 'ashowinfo', '-ac', '1', '-f', 's16le', '-'];
  const audio = await runProcessCapturing(tools.ffmpeg, audioArgs, common);
  const pcm = new Int16Array(audio.stdout.buffer, audio.stdout.byteOffset, Math.floor(audio.stdout.length / 2));
  const firstFrame = Math.min(...frames.values());
  // None found is the caller's to handle: under load the encoder drops the clip, and the job falls back.
  const beep = frames.size === 0 ? undefined : findBeep(pcm, parseShowinfo(audio.stderr, 'audio'), 48000, firstFrame);
  return { frames, beep };
}
