/**
 * ffmpeg command lines and lists of the render engine, as pure functions.
 *
 * Why an ffconcat list of PNG files rather than frames piped into image2pipe: image2pipe gives
 * pictures consecutive timestamps at a fixed rate, so holding a picture for 4.2 s would mean
 * piping it 126 times and the exact instants (webcam frame times, a slide change at 1.6 s) would
 * be rounded to that rate. The concat demuxer's `duration` per picture gives each one its exact
 * start and length, on a 1 ms time base (`option framerate 1000` for every picture: the image
 * demuxer's default 1/25 s time base would round the times). The concat demuxer needs the list
 * up front, so each segment is rendered to files first and encoded while the next is rendered.
 */
import type { OutputFormat } from '../../compose/output-format.js';
import { aacCutArgs } from './audio-track-args.js';
import { OUTPUT_COLOUR_ARGS, SCREENSHOT_COLOUR } from '../../compose/colour.js';
import type { LayeredPicture } from '../../compose/video-layers.js';
import { FFMPEG_QUIET } from '../../process/ffmpeg-quiet.js';

/** A rendered picture of a segment. */
export interface RenderedFrame extends LayeredPicture {
  /** Picture file (PNG), relative to the list's directory. */
  file: string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const quote = (file: string) => `'${file.replace(/'/g, "'\\''")}'`;

/** Encoder settings of one segment; identical for every segment so they join by stream copy. */
export interface SegmentEncodePlan {
  list: string;
  output: string;
  /** x264 CRF. */
  crf: number;
  /** Length of the segment, ms. */
  durationMs: number;
  /** More inputs and the filter graph (output `[v]`) drawing video layers (overlayGraph). */
  overlay?: { inputs: string[]; graph: string } | undefined;
}

/** ffmpeg arguments that encode one segment's pictures with their exact timestamps. */
export function segmentEncodeArgs(plan: SegmentEncodePlan): string[] {
  return [
    ...FFMPEG_QUIET,
    '-y',
    '-f',
    'concat', // the picture list with a duration per picture
    '-safe',
    '0', // absolute paths in the work directory
    '-i',
    plan.list,
    // The pictures (PNG, RGB) converted to the output's BT.709 (compose/colour.ts),
    // in the overlay graph when there is one.
    ...(plan.overlay ? [...plan.overlay.inputs, '-filter_complex', plan.overlay.graph, '-map', '[v]'] : ['-vf', SCREENSHOT_COLOUR]),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast', // rendered pictures are mostly still: speed matters more than the last few percent of size
    '-crf',
    String(plan.crf),
    '-pix_fmt',
    'yuv420p', // what every player decodes
    ...OUTPUT_COLOUR_ARGS, // tagged as converted: BT.709, limited range
    '-bf',
    '0', // no B-frames: no negative DTS at segment starts, so segments join cleanly by copy
    '-x264-params',
    'threads=2', // a fixed thread count: x264's output then depends only on its input
    '-fps_mode',
    'passthrough', // keep each picture's own timestamp: no duplicated or dropped frames
    // A keyframe at the start (always) and at least every 2 s, so the output seeks well even
    // when a picture is held for minutes.
    '-force_key_frames',
    'expr:gte(t,n_forced*2)',
    '-an',
    // The overlays go on while a source video has frames: the segment ends where its list does.
    '-t',
    seconds(plan.durationMs),
    // MP4 keeps every packet's duration (Matroska does not), so the final 1 ms picture still
    // lasts 1 ms after the join and the output ends exactly at the part's end.
    '-f',
    'mp4',
    plan.output,
  ];
}

/** The ffconcat list joining encoded segments; `duration` places each one at its exact start. */
export function segmentListFile(segments: ReadonlyArray<{ file: string; durationMs: number }>): string {
  const lines = ['ffconcat version 1.0'];
  for (const s of segments) lines.push(`file ${quote(s.file)}`, `duration ${seconds(s.durationMs)}`);
  return `${lines.join('\n')}\n`;
}

/** The final mux: segments joined by copy, audio cut from the recording's own media. */
export interface JoinPlan {
  segmentList: string;
  /** The recording's media (webcams video or audio file) for the audio; undefined = no audio. */
  audioSource: string | undefined;
  /**
   * audioSource is the part's sound already cut and encoded (audioTrackArgs): its packets are
   * copied, not cut and encoded again.
   */
  audioEncoded?: boolean | undefined;
  /** Start of the exported part in the media, seconds. */
  from: number;
  duration: number;
  output: string;
  /** Container; the render engine writes H.264 + AAC. */
  format: Exclude<OutputFormat, 'webm'>;
  audioBitrate: number;
}

/** ffmpeg arguments of the final mux. */
export function joinArgs(plan: JoinPlan): string[] {
  const audio = plan.audioSource !== undefined;
  return [
    ...FFMPEG_QUIET,
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    plan.segmentList, // the video: encoded segments
    ...(audio ? ['-i', plan.audioSource!] : []),
    '-map',
    '0:v:0',
    ...(audio ? ['-map', '1:a:0'] : []),
    '-c:v',
    'copy', // segments were encoded with identical settings, each opening on a keyframe
    ...(audio && plan.audioEncoded ? ['-c:a', 'copy'] : []), // cut and encoded while the segments were rendered
    ...(audio && !plan.audioEncoded ? aacCutArgs(plan.from, plan.duration, plan.audioBitrate) : []),
    '-t',
    plan.duration.toFixed(6), // exactly the part, whatever the audio's last packet covers
    ...(plan.format === 'mp4' ? ['-movflags', '+faststart'] : []), // index first: plays while downloading
    '-f',
    plan.format === 'mkv' ? 'matroska' : 'mp4',
    plan.output,
  ];
}
