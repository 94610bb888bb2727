/**
 * Counts the captured video packets stamped before the recording's first instant (the paused
 * first picture, repainted a few times while the capture started). Reads packet headers only.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';

export async function countPrerollPackets(file: string, videoStart: number, tools: FfmpegTools, signal?: AbortSignal): Promise<number> {
  const { stdout } = await runProcess(
    tools.ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+#300', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
    { signal, label: 'ffprobe', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  return stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((t) => t < videoStart).length;
}
