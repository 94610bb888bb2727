/**
 * Whether this ffmpeg's WebM muxer moves every stream later when Opus sound starts before 0, and
 * by how many samples the sound must be moved instead so that it does not.
 *
 * libopus hands out its first packet 312 samples (6.5 ms) before the first sample it was given:
 * the encoder's lookahead, which the decoder drops (Opus's pre-skip; Matroska's CodecDelay says
 * how long it is, and demuxers move the sound back by it). ffmpeg 6.0 and later write that packet
 * at 0 in WebM. ffmpeg 5.1 and earlier (Debian 12's) take WebM to allow no negative timestamp and
 * move *every* stream later until that packet is at 0: the video then starts 7 ms late while the
 * sound, moved back again by CodecDelay when played, stays where it was. Only where the muxer does
 * that is the sound given its pre-skip of extra time before the encoder (its first packet then
 * lands at 0 and nothing moves). Judged by what the muxer does with a file of two packets rather
 * than by a version number, so a patched build is taken for what it is.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';
import { runProcess } from '../process/run-process.js';

/** libopus's pre-skip at 48 kHz (its lookahead: 2.5 ms plus 4 ms of delay compensation), samples. */
export const OPUS_PRE_SKIP = 312;

/** ffmpeg arguments writing a WebM of one tiny VP8 frame at 0 and 0.1 s of Opus from 0, as the compositor encodes Opus. */
export function webmOpusShiftArgs(file: string): string[] {
  return [
    ...FFMPEG_QUIET,
    '-y', // a work file of the job's own
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=16x16:r=10:d=0.1', // one frame is all the muxer needs to place the video
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=mono',
    '-t',
    '0.1', // a few Opus packets (with less, or with -frames:v, libopus hands out none)
    '-c:v',
    'libvpx',
    '-c:a',
    'libopus', // the compositor's encoder, at its rate: the same pre-skip
    '-ar',
    '48000',
    '-f',
    'webm',
    file,
  ];
}

/** ffprobe arguments listing each stream's type and start. */
export function webmOpusShiftProbeArgs(file: string): string[] {
  return ['-v', 'error', '-show_entries', 'stream=codec_type,start_time', '-of', 'json', file];
}

/**
 * Samples to move the Opus sound later by, from webmOpusShiftProbeArgs output for the file of
 * webmOpusShiftArgs: the pre-skip where the muxer moved the video (whose frame was at 0) later,
 * none where it did not.
 */
export function parseWebmOpusShift(json: string): number {
  let streams: Array<{ codec_type?: string; start_time?: string }>;
  try {
    streams = (JSON.parse(json) as { streams?: typeof streams }).streams ?? [];
  } catch (error) {
    throw new CaptureError('FFMPEG_FAILED', 'ffprobe gave unreadable output for the WebM muxer check', { cause: error, detail: json.slice(0, 2000) });
  }
  const start = Number(streams.find((s) => s.codec_type === 'video')?.start_time);
  if (!Number.isFinite(start)) throw new CaptureError('FFMPEG_FAILED', 'the WebM muxer check wrote no video stream with a start time', { detail: json.slice(0, 2000) });
  // WebM stores milliseconds: a moved video starts at 0.007 s, an unmoved one at 0.
  return start >= 0.0005 ? OPUS_PRE_SKIP : 0;
}

/**
 * What each ffmpeg binary's muxer was found to do: a WebM job asks up to three times (compositor,
 * publishing remux, cards) and a worker asks for every job, with the same answer for the same binary.
 */
const shiftByFfmpeg = new Map<string, number>();

/** Writes and reads back a two-packet WebM in `dir`: the samples the compositor must move Opus sound later by (see above). Asked once per ffmpeg binary. */
export async function probeWebmOpusShift(tools: FfmpegTools, dir: string, signal?: AbortSignal): Promise<number> {
  const known = shiftByFfmpeg.get(tools.ffmpeg);
  if (known !== undefined) return known;
  const file = path.join(dir, 'opus-shift.webm');
  const options = { signal, failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  await runProcess(tools.ffmpeg, webmOpusShiftArgs(file), { ...options, label: 'ffmpeg (checking the WebM muxer)' });
  const { stdout } = await runProcess(tools.ffprobe, webmOpusShiftProbeArgs(file), { ...options, label: 'ffprobe (checking the WebM muxer)' });
  await rm(file, { force: true });
  const shift = parseWebmOpusShift(stdout);
  shiftByFfmpeg.set(tools.ffmpeg, shift);
  return shift;
}
