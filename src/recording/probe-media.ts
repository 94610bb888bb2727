/**
 * What a media file holds, from ffprobe: container duration and start, and the first video and
 * audio stream. Used by the meter (to size frames and place the timeline's zero) and by
 * verifyOutput after every export.
 */
import { existsSync } from 'node:fs';
import { CaptureError } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';

/** The first video stream of a file. */
export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  /** Nominal frame rate (avg_frame_rate), frames per second; null when unknown (VFR WebM). */
  frameRate: number | null;
  /** Seconds on the container's clock; null when the container does not say. */
  startTime: number | null;
  duration: number | null;
}

/** The first audio stream of a file. */
export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
  startTime: number | null;
  duration: number | null;
}

/** ffprobe's view of a file. */
export interface MediaProbe {
  formatName: string;
  /** Container duration, seconds (the longest stream). */
  duration: number;
  /** Container start, seconds (the earliest stream; negative with Opus codec delay). */
  startTime: number;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
}

/** ffprobe arguments: only the fields parseProbeOutput reads, as JSON. */
export function probeArgs(file: string): string[] {
  return [
    '-v',
    'error', // only real errors on stderr; they end up in the CaptureError detail
    '-show_entries',
    'format=format_name,duration,start_time:stream=index,codec_type,codec_name,width,height,avg_frame_rate,sample_rate,channels,start_time,duration',
    '-of',
    'json', // machine-readable, stable across ffmpeg versions
    file,
  ];
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  start_time?: string;
  duration?: string;
}

function num(value: string | number | undefined): number | null {
  if (value === undefined || value === 'N/A') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function rate(value: string | undefined): number | null {
  if (!value) return null;
  const [a, b] = value.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a) || a <= 0) return null;
  if (b === undefined) return a;
  return Number.isFinite(b) && b > 0 ? a / b : null;
}

/** Parses `ffprobe -of json` output from probeArgs; throws VERIFY_FAILED when it is not media. */
export function parseProbeOutput(json: string, file: string): MediaProbe {
  let data: { format?: { format_name?: string; duration?: string; start_time?: string }; streams?: RawStream[] };
  try {
    data = JSON.parse(json) as typeof data;
  } catch (error) {
    throw new CaptureError('VERIFY_FAILED', `ffprobe gave unreadable output for ${file}`, { cause: error, detail: json.slice(0, 2000) });
  }
  const streams = data.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  const video: VideoStreamInfo | null =
    v?.width && v.height
      ? {
          codec: v.codec_name ?? 'unknown',
          width: v.width,
          height: v.height,
          frameRate: rate(v.avg_frame_rate),
          startTime: num(v.start_time),
          duration: num(v.duration),
        }
      : null;
  const audio: AudioStreamInfo | null = a
    ? {
        codec: a.codec_name ?? 'unknown',
        sampleRate: num(a.sample_rate) ?? 0,
        channels: a.channels ?? 0,
        startTime: num(a.start_time),
        duration: num(a.duration),
      }
    : null;
  const duration = num(data.format?.duration);
  if (duration === null || (!video && !audio)) {
    throw new CaptureError('VERIFY_FAILED', `${file} has no readable video or audio stream`);
  }
  return { formatName: data.format?.format_name ?? 'unknown', duration, startTime: num(data.format?.start_time) ?? 0, video, audio };
}

/** Probes a media file with ffprobe; throws VERIFY_FAILED when it is missing or unreadable. */
export async function probeMedia(file: string, options: { tools: FfmpegTools; signal?: AbortSignal | undefined }): Promise<MediaProbe> {
  if (!existsSync(file)) throw new CaptureError('VERIFY_FAILED', `no file at ${file}`);
  const { stdout } = await runProcess(options.tools.ffprobe, probeArgs(file), {
    label: 'ffprobe',
    signal: options.signal,
    failureCode: 'VERIFY_FAILED',
    missingCode: 'FFMPEG_MISSING',
    timeoutMs: 60_000,
  });
  return parseProbeOutput(stdout, file);
}
