/**
 * The ffmpeg run that sends a finished export to an RTMP server as a live stream, from a given
 * position (a resumed stream starts where the broken one stopped).
 */
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** What rtmpArgs sends. */
export interface RtmpPlan {
  /** The finished, verified export (H.264 + AAC). */
  input: string;
  /** Where in it to start, seconds (0, or the last position the server took). */
  from: number;
  url: string;
}

/** ffmpeg arguments streaming `plan.input` from `plan.from` to `plan.url` at real-time pace. */
export function rtmpArgs(plan: RtmpPlan): string[] {
  return [
    ...FFMPEG_QUIET,
    // key=value blocks on stdout twice a second: out_time_us is how far the server has been sent.
    '-progress',
    'pipe:1',
    '-re', // read at the file's own pace: a live stream, not a download
    ...(plan.from > 0 ? ['-ss', plan.from.toFixed(3)] : []), // input seek: resumes at the keyframe at or before it
    '-i',
    plan.input,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0',
    '-c',
    'copy', // the export is H.264 + AAC already, what FLV carries: no second encode
    // The server cannot seek back to patch FLV's header with the length and size.
    '-flvflags',
    'no_duration_filesize',
    '-f',
    'flv',
    plan.url,
  ];
}
