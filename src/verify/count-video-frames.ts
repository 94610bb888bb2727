/**
 * How many video frames a file holds, counted by demuxing its first video stream
 * (`ffprobe -count_packets`): one packet is one frame for the codecs bbb-capture writes, and
 * nothing is decoded, so it costs a read of the file rather than a second decode of the export.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';

/** ffprobe arguments that print the first video stream's packet count and nothing else. */
export function countVideoFramesArgs(file: string): string[] {
  return [
    '-v',
    'error', // only real errors on stderr
    '-select_streams',
    'v:0', // the picture, not the sound
    '-count_packets', // demux the whole stream (no decode) and count what it holds
    '-show_entries',
    'stream=nb_read_packets',
    '-of',
    'csv=p=0', // just the number
    file,
  ];
}

/** Video frames in `file`; null when it has no video stream or ffprobe prints no count. */
export async function countVideoFrames(file: string, options: { tools: FfmpegTools; signal?: AbortSignal | undefined }): Promise<number | null> {
  const { stdout } = await runProcess(options.tools.ffprobe, countVideoFramesArgs(file), {
    label: 'ffprobe (counting video frames)',
    signal: options.signal,
    failureCode: 'VERIFY_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const n = Number.parseInt(stdout.trim().split(/[\s,]/)[0] ?? '', 10);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}
