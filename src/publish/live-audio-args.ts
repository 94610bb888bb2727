/**
 * The live stream's sound: the recording's own, cut by samples exactly as the file's is
 * (audioCutFilter), encoded once for the whole export into ADTS so it can be cut into the
 * render's parts by whole frames (audio-slices.ts).
 */
import { audioCutFilter } from '../compose/build-composite-args.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** What liveAudioArgs encodes. */
export interface LiveAudioPlan {
  /** The recording's media holding the sound. */
  source: string;
  /** Start of the export in the media, seconds. */
  from: number;
  duration: number;
  audioBitrate: number;
  output: string;
}

/** Sample rate of the live sound, as of the file's (joinArgs). */
export const LIVE_SAMPLE_RATE = 48000;

/** ffmpeg arguments encoding the export's sound to ADTS AAC. */
export function liveAudioArgs(plan: LiveAudioPlan): string[] {
  return [
    ...FFMPEG_QUIET,
    '-y',
    '-i',
    plan.source,
    '-map',
    '0:a:0',
    '-af',
    audioCutFilter(plan.from, plan.duration), // sample-exact, as in the file
    '-c:a',
    'aac',
    '-b:a',
    String(plan.audioBitrate),
    '-ar',
    String(LIVE_SAMPLE_RATE),
    // Raw frames, each with its own header: cut by whole frames without a demuxer.
    '-f',
    'adts',
    plan.output,
  ];
}
