/**
 * The light check the recorder runs after every export, for real recordings that carry no codes:
 * the file has the expected length and streams, its audio is not silent, and it does not open
 * on black frames. Throws VERIFY_FAILED naming everything that is wrong; returns what it saw.
 */
import path from 'node:path';
import { CaptureError, throwIfAborted } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import { matchFrameTimes } from './match-frame-times.js';
import { probeMedia, type MediaProbe } from '../recording/probe-media.js';
import { readPacketTimes } from './read-packet-times.js';

/** Options of verifyOutput. */
export interface VerifyOutputOptions {
  video: string;
  /** Expected length, seconds. */
  expectedDuration: number;
  /** The file must have a non-silent audio track. */
  expectAudio: boolean;
  /** The file must have a video stream (default); false: it must have none (an audio-only export). */
  expectVideo?: boolean | undefined;
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
  /** Allowed |duration − expected|, seconds (default 0.5). */
  durationTolerance?: number | undefined;
  /** Longest black opening allowed, seconds (default 0.1: a frame or two of a fade-in). */
  maxLeadingBlack?: number | undefined;
  /** Peak level below which audio counts as silent, dBFS (default −60). */
  silenceDb?: number | undefined;
  /**
   * Times (seconds, on the file's timeline) of the recording's webcam frames the file must show:
   * counted as delivered where a video packet stands at that time. Reported, not held: the
   * fidelity meter is the judge of what the frames show.
   */
  webcamFrameTimes?: readonly number[] | undefined;
}

/** What verifyOutput found. */
export interface OutputCheck {
  probe: MediaProbe;
  /** Peak audio level (ffmpeg volumedetect), dB; null without audio. */
  maxVolumeDb: number | null;
  /** Black at the start of the video, seconds (0 when the first frame has content). */
  leadingBlack: number;
  /** Video frames written in the file (its packets, counted without decoding); null without video. */
  videoFrames: number | null;
  /**
   * Of the webcam frames the file must show (webcamFrameTimes), how many have a frame at their
   * time; null when not asked (no webcams shown, a constant --fps, cards around the export).
   */
  webcamFrames: { delivered: number; expected: number } | null;
}

/** How far into the video black frames are looked for. */
const BLACK_WINDOW_S = 3;

/** ffmpeg arguments that run blackdetect over the first seconds of the video. */
export function blackdetectArgs(video: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info', // blackdetect reports at info level
    '-t',
    String(BLACK_WINDOW_S), // input option: decode only the opening
    '-i',
    video,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    // d=0: report runs of any length; pix_th 0.1: "black" allows codec noise and limited-range
    // black (16) but not a dark slide or a dark webcam picture.
    '-vf',
    'blackdetect=d=0:pix_th=0.10',
    '-f',
    'null',
    '-',
  ];
}

/** ffmpeg arguments that measure the peak level of the whole first audio track. */
export function volumedetectArgs(video: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info', // volumedetect reports at info level
    '-i',
    video,
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    // The whole track: a real meeting can be silent for its first minutes.
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ];
}

/** Length of the black run that starts at the video's start (0 if none), from blackdetect's log. */
export function parseLeadingBlack(stderr: string, firstFrameTime = 0): number {
  for (const m of stderr.matchAll(/black_start:\s*(-?[\d.]+)\s+black_end:\s*(-?[\d.]+)/g)) {
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start <= firstFrameTime + 0.001) return Math.max(0, end - start);
  }
  return 0;
}

/** The max_volume volumedetect printed, dB; null when it printed none. */
export function parseMaxVolume(stderr: string): number | null {
  const m = /max_volume:\s*(-?[\d.]+|-?inf) dB/.exec(stderr);
  if (!m) return null;
  return m[1]!.endsWith('inf') ? -Infinity : Number(m[1]);
}

/** Checks an exported file; throws VERIFY_FAILED listing every problem found. */
export async function verifyOutput(options: VerifyOutputOptions): Promise<OutputCheck> {
  const video = path.resolve(options.video);
  const tolerance = options.durationTolerance ?? 0.5;
  const maxBlack = options.maxLeadingBlack ?? 0.1;
  const silenceDb = options.silenceDb ?? -60;
  const run = (args: string[], what: string) =>
    runProcess(options.tools.ffmpeg, args, {
      label: `ffmpeg (${what})`,
      signal: options.signal,
      failureCode: 'VERIFY_FAILED',
      missingCode: 'FFMPEG_MISSING',
    });

  const probe = await probeMedia(video, { tools: options.tools, signal: options.signal });
  const problems: string[] = [];
  const expectVideo = options.expectVideo ?? true;
  if (expectVideo && !probe.video) problems.push('no video stream');
  if (!expectVideo && probe.video) problems.push(`a video stream (${probe.video.codec}) in an audio-only file`);
  if (Math.abs(probe.duration - options.expectedDuration) > tolerance) {
    problems.push(`duration ${probe.duration.toFixed(2)} s, expected ${options.expectedDuration.toFixed(2)} s ±${tolerance} s`);
  }
  // The two decodes (the whole sound, the video's opening) run side by side: each is one
  // ffmpeg that mostly waits on a single thread, and the job waits for both.
  throwIfAborted(options.signal);
  const checkVideo = probe.video !== null && expectVideo;
  const [volume, black] = await Promise.all([
    probe.audio ? run(volumedetectArgs(video), 'measuring the sound level') : undefined,
    checkVideo ? run(blackdetectArgs(video), 'looking for black frames') : undefined,
  ]);
  let maxVolumeDb: number | null = null;
  if (volume) {
    maxVolumeDb = parseMaxVolume(volume.stderr);
    if (options.expectAudio && (maxVolumeDb === null || maxVolumeDb < silenceDb)) {
      problems.push(`the audio is silent (peak ${maxVolumeDb === null ? 'unknown' : `${maxVolumeDb} dB`}, below ${silenceDb} dB)`);
    }
  } else if (options.expectAudio) {
    problems.push('no audio stream');
  }
  let leadingBlack = 0;
  if (black && probe.video) {
    // blackdetect's times are on ffmpeg's timeline, which starts at the file's first timestamp;
    // the video may start a little later than the audio.
    leadingBlack = parseLeadingBlack(black.stderr, Math.max(0, (probe.video.startTime ?? 0) - probe.startTime));
    if (leadingBlack > maxBlack) {
      problems.push(`the video starts with ${leadingBlack.toFixed(2)} s of black${leadingBlack >= BLACK_WINDOW_S - 0.05 ? ' or more' : ''} (allowed ${maxBlack} s)`);
    }
  }
  if (problems.length > 0) {
    throw new CaptureError('VERIFY_FAILED', `${options.video} failed verification: ${problems.join('; ')}`);
  }
  const packets = probe.video && expectVideo ? await readPacketTimes(video, { tools: options.tools, signal: options.signal }) : null;
  const wanted = options.webcamFrameTimes;
  const webcamFrames = packets && wanted && wanted.length > 0 ? { delivered: matchFrameTimes(packets, wanted), expected: wanted.length } : null;
  return { probe, maxVolumeDb, leadingBlack, videoFrames: packets?.length ?? null, webcamFrames };
}
