/**
 * ffmpeg arguments that draw captions into the picture (`--captions burn`), for players and
 * platforms that show no caption tracks. This is the one step that re-encodes the video, with the
 * compositor's encoder settings and colour tags; the sound is copied.
 */
import { encoderArgs } from '../compose/build-composite-args.js';
import { CaptureError } from '../errors.js';
import type { OutputFormat } from '../compose/output-format.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/**
 * The player's caption look in libass terms: white text on a black box at 80 % opacity (what
 * Chromium draws for the stand-in's and BBB's <track> captions), centred at the bottom. Sizes are
 * in the 384×288 script space ffmpeg gives WebVTT, so they scale with the frame: 14 is about 5 %
 * of the height, like the browser's caption text.
 */
export const CAPTION_STYLE =
  'FontName=DejaVu Sans,FontSize=14,PrimaryColour=&H00FFFFFF,OutlineColour=&H33000000,BackColour=&H33000000,BorderStyle=3,Outline=1,Shadow=0,Alignment=2,MarginV=12';

/** What the burn step reads and writes. */
export interface BurnCaptionsPlan {
  input: string;
  /** The WebVTT file, by a name relative to ffmpeg's working directory (filtergraph quoting stays trivial). */
  captions: string;
  format: OutputFormat;
  output: string;
}

/** ffmpeg arguments of the burn step (run in the directory that holds `captions`). */
export function burnCaptionsArgs(plan: BurnCaptionsPlan): string[] {
  if (!/^[\w.-]+$/.test(plan.captions)) throw new CaptureError('INTERNAL', `caption file name "${plan.captions}" needs filtergraph escaping`);
  return [
    ...FFMPEG_QUIET,
    '-y',
    '-i',
    plan.input,
    '-map',
    '0:v:0',
    '-map',
    '0:a?', // the picture, and the sound if there is one
    '-vf',
    `subtitles=filename=${plan.captions}:force_style='${CAPTION_STYLE}'`,
    ...encoderArgs(plan.format),
    '-force_key_frames',
    'expr:gte(t,n_forced*2)', // a keyframe at least every 2 s, as the compositor writes
    '-fps_mode',
    'passthrough', // each frame keeps its own timestamp
    '-c:a',
    'copy',
    ...(plan.format === 'mp4' ? ['-movflags', '+faststart'] : []),
    '-f',
    plan.format === 'mkv' ? 'matroska' : plan.format,
    plan.output,
  ];
}
