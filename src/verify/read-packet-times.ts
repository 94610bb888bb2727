/**
 * The presentation times of the first video stream's packets (`ffprobe -show_entries
 * packet=pts_time`): a read of the file, no decode.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';

/** ffprobe arguments that print one packet time a line, for the first video stream. */
export function readPacketTimesArgs(file: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file];
}

/** Packet times of the first video stream, seconds, ascending (B-frames make the file's order differ). */
export async function readPacketTimes(file: string, options: { tools: FfmpegTools; signal?: AbortSignal | undefined }): Promise<number[]> {
  const { stdout } = await runProcess(options.tools.ffprobe, readPacketTimesArgs(file), {
    label: 'ffprobe (reading frame times)',
    signal: options.signal,
    failureCode: 'VERIFY_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  return stdout
    .split('\n')
    .map((line) => Number.parseFloat(line.split(',')[0] ?? ''))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
}
