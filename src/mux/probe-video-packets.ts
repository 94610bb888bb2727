/**
 * Where the captured video packets sit relative to the cut: how many come before the recording's
 * first instant (the paused first picture, repainted while the capture started) and which is the
 * last one before its end. Reads packet headers only (no decoding).
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';

export interface PacketPlacement {
  /** Packets stamped before `start`. */
  prerollPackets: number;
  /** Index of the last packet stamped before `end`. */
  lastPacket: number;
}

/** Counts packets (pts in seconds, in file order) against the cut. Pure, for tests. */
export function placePackets(times: readonly number[], start: number, end: number): PacketPlacement {
  let lastPacket = 0;
  times.forEach((t, i) => {
    if (t < end) lastPacket = i;
  });
  return { prerollPackets: times.filter((t) => t < start).length, lastPacket };
}

/** Reads a file's video packet times (s, file order) and places them against the cut [start, end). */
export async function probeVideoPackets(file: string, start: number, end: number, tools: FfmpegTools, signal?: AbortSignal): Promise<PacketPlacement & { times: number[] }> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
    signal,
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const times = stdout
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => Number(t.replace(/,$/, '')));
  return { ...placePackets(times, start, end), times };
}
