/**
 * One part of the live stream: a rendered segment (H.264, opening on a keyframe) and its slice of
 * the sound, remuxed without re-encoding into MPEG-TS on the stream's own clock, so the parts
 * written one after another into the streaming ffmpeg's stdin make one continuous stream.
 */
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** Where every part's timestamps start from: well clear of 0, below which ffmpeg would shift them off the parts' one clock. */
export const LIVE_CLOCK_BASE_SECONDS = 10;

/** What livePartArgs remuxes. */
export interface LivePartPlan {
  /** The rendered segment (video only). */
  video: string;
  /** Its sound: whole ADTS frames (audioSlices). */
  audio: string;
  /** Where the part starts, seconds after the export's start. */
  start: number;
  /** Where the slice's first frame starts against the part's start, seconds. */
  audioOffset: number;
  output: string;
}

/** ffmpeg arguments writing one part as MPEG-TS. */
export function livePartArgs(plan: LivePartPlan): string[] {
  return [
    ...FFMPEG_QUIET,
    '-y',
    '-i',
    plan.video,
    // The slice's frames start where they sit against the picture (a few ms either side).
    '-itsoffset',
    plan.audioOffset.toFixed(6),
    '-f',
    'aac',
    '-i',
    plan.audio,
    '-map',
    '0:v:0',
    '-map',
    '1:a:0',
    '-c',
    'copy', // encoded already: the picture by the render, the sound once for the whole export
    // Each input's own timestamps (both start at 0, the sound moved by -itsoffset), then all
    // moved to where the part sits in the export: consecutive parts continue one clock.
    '-copyts',
    '-output_ts_offset',
    (LIVE_CLOCK_BASE_SECONDS + plan.start).toFixed(6),
    '-f',
    'mpegts',
    plan.output,
  ];
}
