/**
 * How far a media file really goes, read from its packets (demuxed, not decoded: seconds even for
 * hours of media), beside what its own header claims. A file cut short (a copy or an upload that
 * stopped half-way) keeps the header of the whole: its last packets tell where it truly ends.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';

export interface MediaEnd {
  /** End of the last packet of any stream (its time plus its duration), seconds; 0 without packets. */
  end: number;
  /** The duration the container's header gives, seconds; null when it gives none. */
  header: number | null;
}

/** Reads where `file`'s packets end and the duration its header claims (ffprobe). */
export async function probeMediaEnd(file: string, tools: FfmpegTools, signal: AbortSignal | undefined): Promise<MediaEnd> {
  // `compact` keeps one line per packet and one for the format, each section named first.
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-show_entries', 'format=duration:packet=pts_time,duration_time', '-of', 'compact=p=1:nk=0', file], {
    signal,
    label: 'ffprobe (media end)',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  let end = 0;
  let header: number | null = null;
  for (const line of stdout.split('\n')) {
    const fields = new Map(
      line
        .split('|')
        .slice(1)
        .map((kv) => kv.split('=') as [string, string]),
    );
    if (line.startsWith('packet|')) {
      const pts = Number(fields.get('pts_time'));
      const duration = Number(fields.get('duration_time'));
      if (Number.isFinite(pts)) end = Math.max(end, pts + (Number.isFinite(duration) ? duration : 0));
    } else if (line.startsWith('format|')) {
      const duration = Number(fields.get('duration'));
      if (Number.isFinite(duration) && duration > 0) header = duration;
    }
  }
  return { end, header };
}
