/**
 * ffmpeg command lines and lists of the render engine, as pure functions.
 *
 * Why an ffconcat list of JPEG files rather than frames piped into image2pipe: image2pipe gives
 * pictures consecutive timestamps at a fixed rate, so holding a picture for 4.2 s would mean
 * piping it 126 times and the exact instants (webcam frame times, a slide change at 1.6 s) would
 * be rounded to that rate. The concat demuxer's `duration` per picture gives each one its exact
 * start and length, on a 1 ms time base (`option framerate 1000` for every picture: the image
 * demuxer's default 1/25 s time base would round the times). The concat demuxer needs the list
 * up front, so each segment is rendered to files first and encoded while the next is rendered.
 */
import type { OutputFormat } from '../mux/build-mux-args.js';
import type { LayerBox } from './video-layers.js';

/** A rendered picture of a segment. */
export interface RenderedFrame {
  /** JPEG file, relative to the list's directory. */
  file: string;
  /** Recording time, integer ms. */
  timeMs: number;
  /** Videos to draw over the picture (hybrid path); none when the page drew its videos itself. */
  layers?: LayerBox[] | undefined;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const quote = (file: string) => `'${file.replace(/'/g, "'\\''")}'`;

/**
 * The ffconcat list of a segment: each picture held until the next, the last one until 1 ms
 * before `endMs` and once more for that last millisecond. The encoder gives the final packet a
 * duration of one time-base tick (1 ms), so the segment ends exactly at `endMs`.
 */
export function frameListFile(frames: readonly RenderedFrame[], endMs: number): string {
  if (frames.length === 0) throw new RangeError('a segment needs at least one frame');
  const lines = ['ffconcat version 1.0'];
  const entry = (file: string, ms: number) => lines.push(`file ${quote(file)}`, 'option framerate 1000', `duration ${seconds(ms)}`);
  frames.forEach((frame, i) => {
    const next = i + 1 < frames.length ? frames[i + 1]!.timeMs : endMs - 1;
    if (!(next > frame.timeMs) && i + 1 < frames.length) throw new RangeError(`frame times must increase: ${frame.timeMs} then ${next}`);
    if (next > frame.timeMs) entry(frame.file, next - frame.timeMs);
  });
  entry(frames.at(-1)!.file, 1);
  return `${lines.join('\n')}\n`;
}

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
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    '-y',
    '-f', 'concat', // the picture list with a duration per picture
    '-safe', '0', // absolute paths in the work directory
    '-i', plan.list,
    ...(plan.overlay ? [...plan.overlay.inputs, '-filter_complex', plan.overlay.graph, '-map', '[v]'] : []),
    '-c:v', 'libx264',
    '-preset', 'veryfast', // rendered pictures are mostly still: speed matters more than the last few percent of size
    '-crf', String(plan.crf),
    '-pix_fmt', 'yuv420p', // what every player decodes (Chromium's JPEGs are full-range 4:2:0)
    '-bf', '0', // no B-frames: no negative DTS at segment starts, so segments join cleanly by copy
    '-x264-params', 'threads=2', // a fixed thread count: x264's output then depends only on its input
    '-fps_mode', 'passthrough', // keep each picture's own timestamp: no duplicated or dropped frames
    // A keyframe at the start (always) and at least every 2 s, so the output seeks well even
    // when a picture is held for minutes.
    '-force_key_frames', 'expr:gte(t,n_forced*2)',
    '-an',
    // The overlays go on while a source video has frames: the segment ends where its list does.
    '-t', seconds(plan.durationMs),
    // MP4 keeps every packet's duration (Matroska does not), so the final 1 ms picture still
    // lasts 1 ms after the join and the output ends exactly at the part's end.
    '-f', 'mp4',
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
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    '-y',
    '-f', 'concat', '-safe', '0', '-i', plan.segmentList, // the video: encoded segments
    ...(audio ? ['-i', plan.audioSource!] : []),
    '-map', '0:v:0',
    ...(audio ? ['-map', '1:a:0'] : []),
    '-c:v', 'copy', // segments were encoded with identical settings, each opening on a keyframe
    ...(audio
      ? [
          // Cut by counting samples from the first decoded one, not by timestamps: Opus frames
          // carry their packet's time, which still counts the encoder's pre-skip (the first is
          // stamped -7 ms although its first kept sample plays at 0), so a cut by timestamps at
          // 3 s was 7 ms off (an input -ss, 6 ms at 0). BBB's meeting audio starts at media time
          // 0 like the video, so sample N plays at N / rate: the first sample kept is the one at
          // `from`, the instant of the first picture, and A/V is exact by construction.
          '-af', `asetpts=N/SR/TB,atrim=start=${plan.from.toFixed(6)}:end=${(plan.from + plan.duration).toFixed(6)},asetpts=PTS-STARTPTS`,
          '-c:a', 'aac', '-b:a', String(plan.audioBitrate),
          '-ar', '48000', // the rate the capture engine writes too
        ]
      : []),
    '-t', plan.duration.toFixed(6), // exactly the part, whatever the audio's last packet covers
    ...(plan.format === 'mp4' ? ['-movflags', '+faststart'] : []), // index first: plays while downloading
    '-f', plan.format === 'mkv' ? 'matroska' : 'mp4',
    plan.output,
  ];
}

/** ffprobe arguments listing a file's video packet timestamps. */
export function frameTimesArgs(file: string): string[] {
  return [
    '-v', 'error',
    '-select_streams', 'v:0',
    '-show_entries', 'packet=pts_time', // packets, not frames: no decoding, a 60 min file in seconds
    '-of', 'csv=p=0',
    file,
  ];
}

/** Parses frameTimesArgs output into sorted presentation times, seconds. */
export function parseFrameTimes(csv: string): number[] {
  return csv
    .split('\n')
    .map((line) => line.split(',')[0]!.trim())
    .filter((field) => field !== '' && field !== 'N/A') // Number('') would be 0
    .map(Number)
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
}
