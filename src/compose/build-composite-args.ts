/**
 * ffmpeg command lines and lists of the compositor, as pure functions: the page layer (pictures
 * or a captured video of the player without its videos), the recording's own webcam and
 * screen-share videos drawn over it (overlayGraph), and the recording's own sound cut by samples.
 */
import type { OutputFormat } from './output-format.js';
import { OUTPUT_COLOUR_ARGS } from './colour.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const quote = (file: string) => `'${file.replace(/'/g, "'\\''")}'`;

/**
 * The ffconcat list of pictures: each held until the next, the last one until 1 ms before `endMs`
 * and once more for that last millisecond. The encoder gives the final packet a duration of one
 * time-base tick (1 ms), so the video ends exactly at `endMs`.
 *
 * Why a list rather than frames piped into image2pipe: image2pipe gives pictures consecutive
 * timestamps at a fixed rate, so holding a picture for 4.2 s would mean piping it 126 times and
 * the exact instants (webcam frame times, a slide change at 1.6 s) would be rounded to that rate.
 * The concat demuxer's `duration` per picture gives each one its exact start and length, on a
 * 1 ms time base (`option framerate 1000` for every picture: the image demuxer's default 1/25 s
 * time base would round the times).
 */
export function frameListFile(frames: ReadonlyArray<{ file: string; timeMs: number }>, endMs: number): string {
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

/**
 * Audio filter cutting [from, from + duration) out of the recording's own media by counting
 * samples from the first decoded one, not by timestamps: Opus frames carry their packet's time,
 * which still counts the encoder's pre-skip (the first is stamped -7 ms although its first kept
 * sample plays at 0), so a cut by timestamps at 3 s was 7 ms off (an input -ss, 6 ms at 0). BBB's
 * meeting audio starts at media time 0 like the video, so sample N plays at N / rate: the first
 * sample kept is the one at `from`, the instant of the first picture, and A/V is exact by
 * construction.
 */
export function audioCutFilter(from: number, duration: number): string {
  return `asetpts=N/SR/TB,atrim=start=${from.toFixed(6)}:end=${(from + duration).toFixed(6)},asetpts=PTS-STARTPTS`;
}

/**
 * Audio filter moving the sound `samples` (at 48 kHz) later on its timestamps only, for an Opus
 * encoder whose pre-skip the WebM muxer would otherwise make room for by moving the video later
 * (see mux/probe-webm-opus-shift.ts); empty for none. A 1/48000 time base first, so the move is
 * exact (on the media's 1 ms one, 6.5 ms would be cut to 6). The output's -t counts from each
 * stream's first frame, so the moved sound still keeps its last samples.
 */
export function opusLeadFilter(samples: number): string {
  return samples > 0 ? `asettb=1/48000,asetpts=PTS+${samples}` : '';
}

/** x264 CRF of composited video: visually lossless for slides and text. */
export const COMPOSITE_CRF = 18;

/** The compositor's one run for a page layer that is a video (the capture engine's). */
export interface CompositePlan {
  /** The page layer, already on the output timeline (t=0 is the part's first instant). */
  pageLayer: string;
  /** Filter converting the page layer's pixels to the output's colours (colour.ts). */
  pageColour: string;
  /** More inputs and the filter graph (output `[v]`) drawing the videos (overlayGraph); none: nothing to draw. */
  overlay?: { inputs: string[]; graph: string } | undefined;
  /**
   * The recording's media to take the sound from, and where the part starts in it (s); for WebM,
   * the samples its timestamps move later by so that the muxer leaves the video at 0
   * (probeWebmOpusShift; 0 or absent: none).
   */
  audio?: { source: string; from: number; opusLead?: number | undefined } | undefined;
  /** Length of the output, seconds. */
  duration: number;
  format: OutputFormat;
  /** Constant output frame rate; undefined keeps a frame wherever the picture changes. */
  fps?: number | undefined;
  audioBitrate: number;
  output: string;
}

/** Video encoder arguments of the compositor for a container. */
export function encoderArgs(format: OutputFormat): string[] {
  if (format === 'webm') {
    return [
      '-c:v',
      'libvpx-vp9',
      '-crf',
      '30',
      '-b:v',
      '0', // constant quality, no bitrate cap
      '-deadline',
      'realtime',
      '-cpu-used',
      '7', // VP9's fast modes: the 'good' deadline is several times slower than real time at 1080p on 2 cores
      '-row-mt',
      '1', // rows in parallel: both cores busy
      '-pix_fmt',
      'yuv420p',
      ...OUTPUT_COLOUR_ARGS, // tagged as converted (colour.ts)
    ];
  }
  return [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast', // the page is mostly still: speed matters more than the last few percent of size
    '-crf',
    String(COMPOSITE_CRF),
    '-pix_fmt',
    'yuv420p', // what every player decodes
    ...OUTPUT_COLOUR_ARGS, // tagged as converted (colour.ts)
    '-bf',
    '0', // no B-frames: packet order is presentation order, as the capture's own
  ];
}

/** ffmpeg arguments of the compositor: page layer + videos drawn over it + sound, into the final container. */
export function compositeArgs(plan: CompositePlan): string[] {
  const overlay = plan.overlay;
  const audioInput = 1 + (overlay ? overlay.inputs.filter((a) => a === '-i').length : 0);
  const args = [
    ...FFMPEG_QUIET,
    '-y',
    '-i',
    plan.pageLayer, // the page layer, on the output timeline
    ...(overlay ? overlay.inputs : []),
    ...(plan.audio ? ['-i', plan.audio.source] : []),
  ];
  // Always encoded, even with nothing to draw over the page: its colours must be converted and
  // tagged (colour.ts), which a stream copy cannot do.
  const fps = plan.fps === undefined ? '' : `,fps=${plan.fps}:start_time=0`;
  if (overlay) args.push('-filter_complex', `${overlay.graph.replace(/\[v\]$/, '[vf]')};[vf]null${fps}[v]`, '-map', '[v]');
  else args.push('-map', '0:v:0', '-vf', `${plan.pageColour}${fps}`);
  args.push(...encoderArgs(plan.format));
  // A keyframe at least every 2 s, so the output seeks well even when a picture is held for minutes.
  args.push('-force_key_frames', 'expr:gte(t,n_forced*2)');
  // Without --fps, keep each frame's own timestamp: a frame wherever the page or a video changed.
  // The encoder's rate 1000 (a 1 ms time base, the times' own) gives each packet a duration of 1 ms
  // where the filter graph leaves none: ffmpeg 5.1 leaves the last packet's empty, and MP4 then
  // repeats the frame interval before it, so the video ran one frame past the sound (37 ms seen).
  if (plan.fps === undefined) args.push('-fps_mode', 'passthrough', '-r', '1000');
  if (plan.audio) {
    args.push(
      '-map',
      `${audioInput}:a:0`,
      '-af',
      [audioCutFilter(plan.audio.from, plan.duration), plan.format === 'webm' ? opusLeadFilter(plan.audio.opusLead ?? 0) : ''].filter(Boolean).join(','),
      '-c:a',
      plan.format === 'webm' ? 'libopus' : 'aac',
      '-b:a',
      String(plan.audioBitrate),
      '-ar',
      '48000', // the capture's rate, and Opus's only one
    );
  } else {
    args.push('-an');
  }
  args.push('-t', plan.duration.toFixed(6)); // exactly the part, whatever the last packets cover
  if (plan.format === 'mp4') args.push('-movflags', '+faststart'); // index first: plays while downloading
  args.push('-f', plan.format === 'mkv' ? 'matroska' : plan.format, plan.output);
  return args;
}

/** ffprobe arguments listing a file's video packet timestamps. */
export function frameTimesArgs(file: string): string[] {
  return [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time', // packets, not frames: no decoding, a 60 min file in seconds
    '-of',
    'csv=p=0',
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
