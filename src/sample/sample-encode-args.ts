/**
 * ffmpeg command lines of the generator, built by pure functions (unit-tested). Every output must
 * be byte-identical from run to run, and small: a long sample may not need gigabytes.
 */
import { toneExpression, type ToneSchedule } from './tone-schedule.js';

/** Flags every generator command shares. */
const COMMON = [
  '-hide_banner',
  // ffmpeg must never wait for a keypress on our stdin (which carries frames).
  '-nostdin',
  '-loglevel',
  'error',
  '-y',
] as const;

/**
 * Output flags for reproducible files: no encoder/muxer version strings, no random Matroska
 * segment UID, no creation time.
 */
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'] as const;

/** Raw RGB24 frames on stdin, as drawn by Raster. */
function rawVideoInput(width: number, height: number, fps: number): string[] {
  return ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0'];
}

/** VP8 settings: small, fast, deterministic, one packet per frame, regular keyframes for seeking. */
function vp8Output(fps: number, bitrateK: number): string[] {
  return [
    '-c:v',
    'libvpx',
    // One encoder thread: libvpx's output is then a pure function of its input.
    '-threads',
    '1',
    // "good" mode at its fastest speed. Not "realtime": there VP8 picks its speed from how long
    // frames take to encode (wall-clock time), so two runs give different bytes.
    '-deadline',
    'good',
    '-cpu-used',
    '5',
    '-b:v',
    `${bitrateK}k`,
    '-maxrate',
    `${bitrateK * 2}k`,
    '-bufsize',
    `${bitrateK * 2}k`,
    // Never drop a frame to meet the rate: frame n must exist for every n.
    '-drop-threshold',
    '0',
    // No hidden alt-ref frames and no look-ahead: packets map 1:1 to frames.
    '-auto-alt-ref',
    '0',
    '-lag-in-frames',
    '0',
    // A keyframe every second, so a player seeking frame by frame decodes at most one second.
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    // 4:2:0 with BT.601 limited range, tagged, so browsers convert back to the same RGB.
    '-pix_fmt',
    'yuv420p',
    '-colorspace',
    'smpte170m',
    '-color_primaries',
    'smpte170m',
    '-color_trc',
    'smpte170m',
    '-color_range',
    'tv',
  ];
}

/** libopus's fixed encoder delay at 48 kHz. */
const OPUS_PRESKIP_SAMPLES = 312;

/** Silence with tone bursts from ffmpeg's expression source, exactly `samples` long. */
function toneInput(schedule: ToneSchedule, channels: number, samples: number): string[] {
  const layout = channels === 2 ? 'stereo' : 'mono';
  const expr = toneExpression(schedule);
  return [
    // libopus starts with 312 samples of encoder delay (its pre-skip) and hands them out with
    // negative timestamps; the WebM muxer would then shift *every* stream, video included, 7 ms
    // later. Starting the source 312 samples late makes the first packet land at 0, so video frame 0
    // is at 0 and, after the decoder drops the pre-skip (CodecDelay), audio sample 0 is at 0 too.
    '-itsoffset',
    String(OPUS_PRESKIP_SAMPLES / schedule.sampleRate),
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=exprs=${channels === 2 ? `${expr}|${expr}` : expr}:channel_layout=${layout}:sample_rate=${schedule.sampleRate}:nb_samples=1024`,
    // Cut on the exact sample (aevalsrc would otherwise run forever).
    '-af',
    `atrim=end_sample=${samples}`,
  ];
}

/** Opus settings for the meeting audio: 48 kHz, one encoder state, no variable side data. */
function opusOutput(): string[] {
  return [
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    // Plain CBR-ish VBR; `audio` keeps the tones' onsets sharp rather than tuning for speech.
    '-application',
    'audio',
    '-frame_duration',
    '20',
  ];
}

export interface WebcamsEncodeInput {
  output: string;
  width: number;
  height: number;
  fps: number;
  tone: ToneSchedule;
  channels: number;
  totalSamples: number;
  bitrateK?: number;
}

/** video/webcams.webm: VP8 from rgb24 frames on stdin, plus the Opus tone track. */
export function webcamsEncodeArgs(input: WebcamsEncodeInput): string[] {
  return [
    ...COMMON,
    ...rawVideoInput(input.width, input.height, input.fps),
    ...toneInput(input.tone, input.channels, input.totalSamples),
    '-map',
    '0:v:0',
    '-map',
    '1:a:0',
    // No -frames:v: in ffmpeg 5 a stream reaching its frame limit closes the whole output, audio
    // included. The video ends when stdin does, after exactly frameCount frames.
    ...vp8Output(input.fps, input.bitrateK ?? 250),
    ...opusOutput(),
    ...BITEXACT,
    '-f',
    'webm',
    input.output,
  ];
}

export interface AudioEncodeInput {
  output: string;
  tone: ToneSchedule;
  channels: number;
  totalSamples: number;
}

/** audio/audio.webm of an audio-only recording: the Opus tone track alone. */
export function audioEncodeArgs(input: AudioEncodeInput): string[] {
  return [...COMMON, ...toneInput(input.tone, input.channels, input.totalSamples), ...opusOutput(), ...BITEXACT, '-f', 'webm', input.output];
}

export interface DeskshareEncodeInput {
  output: string;
  width: number;
  height: number;
  fps: number;
  /** Black frames before the frames on stdin (the time before the share starts). */
  blackBefore: number;
  /** Black frames after them (until the end of the recording). */
  blackAfter: number;
  bitrateK?: number;
}

/**
 * deskshare/deskshare.webm: VP8 only (BBB's deskshare video has no sound). Only the shared frames
 * come through the pipe; ffmpeg adds the black frames before and after, already in YUV, so a long
 * recording with a short share costs little.
 */
export function deskshareEncodeArgs(input: DeskshareEncodeInput): string[] {
  return [
    ...COMMON,
    ...rawVideoInput(input.width, input.height, input.fps),
    '-vf',
    `format=yuv420p,tpad=start=${input.blackBefore}:stop=${input.blackAfter}:start_mode=add:stop_mode=add:color=black`,
    ...vp8Output(input.fps, input.bitrateK ?? 200),
    ...BITEXACT,
    '-f',
    'webm',
    input.output,
  ];
}

export interface PngEncodeInput {
  width: number;
  height: number;
  /** image2 pattern (`.../slide-%d.png`) or a single file name when frameCount is 1. */
  output: string;
  frameCount: number;
  /** Also write a scaled copy of every frame (thumbnails), width×height. */
  thumbnails?: { output: string; width: number; height: number };
}

/** PNG pictures from rgb24 frames on stdin, numbered from 1 like BBB's slide-N.png. */
export function pngEncodeArgs(input: PngEncodeInput): string[] {
  const pictures = (output: string) =>
    input.frameCount === 1 ? ['-frames:v', '1', '-update', '1', ...BITEXACT, '-f', 'image2', output] : ['-start_number', '1', ...BITEXACT, '-f', 'image2', output];
  const args = [...COMMON, ...rawVideoInput(input.width, input.height, 1)];
  if (!input.thumbnails) return [...args, '-c:v', 'png', ...pictures(input.output)];
  const { width, height, output } = input.thumbnails;
  return [
    ...args,
    // Area averaging: the thumbnail of a code stays a readable code.
    '-filter_complex',
    `[0:v]split=2[full][small];[small]scale=${width}:${height}:flags=area+accurate_rnd+bitexact[thumb]`,
    '-map',
    '[full]',
    '-c:v',
    'png',
    ...pictures(input.output),
    '-map',
    '[thumb]',
    '-c:v',
    'png',
    ...pictures(output),
  ];
}
