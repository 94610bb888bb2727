/**
 * Decodes a file's audio to 48 kHz mono PCM with ffmpeg, streaming, and finds the tone bursts in
 * it (see ToneBurstDetector) and its peak level. Nothing but a few milliseconds around each burst
 * is kept, so hours of audio cost no memory.
 */
import path from 'node:path';
import { throwIfAborted } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { startProcess } from '../process/run-process.js';
import { ToneBurstDetector } from './tone-burst-detector.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** The sample rate onsets are measured at (one sample = 20.8 µs). */
export const ANALYSIS_SAMPLE_RATE = 48_000;

/** What analyseAudio found. */
export interface AudioAnalysis {
  /** Burst onsets, seconds on the output timeline. */
  onsets: number[];
  /** Peak of each burst, full scale = 1. */
  levels: number[];
  /** Peak absolute sample of the whole track (mono mix), full scale = 1. */
  peak: number;
  /** Length of the decoded PCM, seconds (from container time 0). */
  duration: number;
}

/** ffmpeg arguments that write the first audio stream as 48 kHz mono float PCM to stdout. */
export function audioDecodeArgs(video: string): string[] {
  return [
    ...FFMPEG_QUIET,
    '-copyts', // container timestamps, as for the video decode, so both share one clock
    '-i',
    video,
    '-map',
    '0:a:0', // the first audio stream only
    '-vn',
    '-sn',
    '-dn',
    // Sample 0 of the output is container time 0: a stream starting later is padded with
    // silence, samples before 0 (codec priming) are trimmed. Onsets then index the clock directly.
    '-af',
    `aresample=${ANALYSIS_SAMPLE_RATE}:first_pts=0`,
    '-ac',
    '1', // a mono mix: the bursts are in every channel
    '-f',
    'f32le', // floats: no clipping, levels in full-scale units
    'pipe:1',
  ];
}

/** Decodes the audio of `video` and detects tone bursts of about `burstMs`. */
export async function analyseAudio(options: {
  video: string;
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
  burstMs: number;
  /** Container time that becomes output t=0, seconds. */
  timelineStart?: number;
}): Promise<AudioAnalysis> {
  throwIfAborted(options.signal);
  const detector = new ToneBurstDetector({ sampleRate: ANALYSIS_SAMPLE_RATE, burstMs: options.burstMs });
  const proc = startProcess(options.tools.ffmpeg, audioDecodeArgs(path.resolve(options.video)), {
    label: 'ffmpeg (decoding audio for the meter)',
    signal: options.signal,
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  proc.stdin.end();
  let carry: Buffer | undefined;
  try {
    for await (const raw of proc.stdout as AsyncIterable<Buffer>) {
      const chunk = carry ? Buffer.concat([carry, raw]) : raw;
      const usable = chunk.length - (chunk.length % 4);
      carry = usable < chunk.length ? Buffer.from(chunk.subarray(usable)) : undefined;
      if (usable === 0) continue;
      // Copy into an aligned buffer: Float32Array needs a 4-byte aligned offset.
      const aligned = new Float32Array(usable / 4);
      Buffer.from(aligned.buffer).set(chunk.subarray(0, usable));
      detector.push(aligned);
    }
    await proc.done;
  } catch (error) {
    proc.child.kill('SIGKILL');
    await proc.done.catch(() => undefined);
    throw error;
  }
  const result = detector.finish();
  const start = options.timelineStart ?? 0;
  return {
    onsets: result.onsets.map((t) => t - start),
    levels: result.levels,
    peak: result.peak,
    duration: result.samples / ANALYSIS_SAMPLE_RATE,
  };
}
