/**
 * ffmpeg arguments of `--poster`: one frame of the finished output at its own size, as JPEG (or
 * PNG when the name says so). The output's YUV is BT.709; JPEG files are read as BT.601 full
 * range, so the frame is converted to that, not just relabelled.
 */
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** ffmpeg arguments writing the frame shown at `at` seconds of `input` to `output`. */
export function posterArgs(input: string, at: number, output: string, kind: 'jpeg' | 'png'): string[] {
  return [
    ...FFMPEG_QUIET,
    '-y',
    '-ss',
    at.toFixed(3),
    '-i',
    input, // seek first: a poster near the end of an hour costs no decoding of the hour
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    ...(kind === 'jpeg'
      ? ['-vf', 'scale=in_color_matrix=bt709:in_range=tv:out_color_matrix=bt601:out_range=pc,format=yuvj420p', '-c:v', 'mjpeg', '-q:v', '2']
      : ['-vf', 'scale=in_color_matrix=bt709:in_range=tv,format=rgb24', '-c:v', 'png']),
    '-f',
    'image2',
    '-update',
    '1', // one picture, whatever the file is called
    output,
  ];
}
