/**
 * The render engine's sound as its own short ffmpeg run, started with the rendering: the
 * recording's own audio cut by samples and encoded to AAC while the page is stepped, so the
 * final join only copies packets. Encoding it in the join put ~0.6 CPU-s per recording minute
 * after the last segment, on the job's critical path (60 s 1080p sample: 0.67 CPU-s for the join
 * against 0.10 with the sound copied; the decoded sound is the same, md5).
 */
import { audioCutFilter } from '../../compose/build-composite-args.js';
import { FFMPEG_QUIET } from '../../process/ffmpeg-quiet.js';

/** What audioTrackArgs writes. */
export interface AudioTrackPlan {
  /** The recording's media (webcams video or audio-only file); its first audio stream is used. */
  source: string;
  /** Start of the part in the media, seconds. */
  from: number;
  /** Length of the part, seconds. */
  duration: number;
  audioBitrate: number;
  /** An MP4 (M4A) file in the work directory. */
  output: string;
}

/** Output options cutting the part's sound (from `from` s, `duration` s long) by samples and encoding it to AAC at 48 kHz. */
export function aacCutArgs(from: number, duration: number, audioBitrate: number): string[] {
  return [
    // Cut by counting samples (see audioCutFilter): A/V is exact by construction.
    '-af',
    audioCutFilter(from, duration),
    '-c:a',
    'aac',
    '-b:a',
    String(audioBitrate),
    '-ar',
    '48000', // the rate the capture engine writes too
  ];
}

/** ffmpeg arguments writing the part's sound as AAC in MP4, ready to be copied by joinArgs. */
export function audioTrackArgs(plan: AudioTrackPlan): string[] {
  return [
    ...FFMPEG_QUIET,
    '-y', // a work file of the job's own
    '-i',
    plan.source,
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn', // the sound only, even from the webcams video
    ...aacCutArgs(plan.from, plan.duration, plan.audioBitrate),
    // MP4 keeps AAC's priming as an edit list, so a stream copy into MP4 or Matroska starts the sound at 0 as before.
    '-f',
    'mp4',
    plan.output,
  ];
}
