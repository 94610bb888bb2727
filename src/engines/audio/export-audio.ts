/**
 * The audio-only path of a job: no browser and no player, only the recording's own media cut to
 * the part asked for and encoded by one ffmpeg run (audioExportArgs). The part ends where the
 * media's sound ends, as the player's does: it plays the media's own length.
 */
import { CaptureError, throwIfAborted } from '../../errors.js';
import type { RecordEvent } from '../../job/record-events.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { runProcess } from '../../process/run-process.js';
import type { OpenedRecording } from '../../recording/open-recording.js';
import { probeMedia } from '../../verify/probe-media.js';
import type { AudioFormat } from './audio-format.js';
import { audioExportArgs } from './build-audio-args.js';

/** What an audio export reports (the same fields as an engine's). */
export interface AudioOutput {
  engine: 'none';
  from: number;
  to: number;
  duration: number;
}

/** Options of exportAudio. */
export interface ExportAudioOptions {
  format: AudioFormat;
  from: number;
  to: number | undefined;
  audioBitrate: number;
  streamable: boolean;
  tools: FfmpegTools;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
}

/** Writes the part's sound of `recording` to `output`. */
export async function exportAudio(recording: OpenedRecording, output: string, options: ExportAudioOptions): Promise<AudioOutput> {
  const probe = await probeMedia(recording.files.media, { tools: options.tools, signal: options.signal });
  if (!probe.audio) throw new CaptureError('MEDIA_MISSING', `the recording's media (${recording.info.mediaUrl}) has no sound to export`);
  const mediaEnd = probe.audio.duration ?? probe.duration;
  const from = options.from;
  const to = Math.min(options.to ?? mediaEnd, mediaEnd);
  if (!(to > from)) throw new CaptureError('USAGE', `--from ${from} is at or after the end of the recording's sound (${mediaEnd.toFixed(2)} s)`);
  throwIfAborted(options.signal);
  const { info } = recording;
  options.onEvent({ type: 'stage', stage: 'mux', message: `writing the sound as ${options.format} (${(to - from).toFixed(1)} s)` });
  await runProcess(
    options.tools.ffmpeg,
    audioExportArgs({
      source: recording.files.media,
      from,
      duration: to - from,
      format: options.format,
      audioBitrate: options.audioBitrate,
      tags: { title: info.meetingName, date: info.startTime > 0 ? new Date(info.startTime).toISOString().slice(0, 10) : undefined, comment: info.recordId },
      streamable: options.streamable,
      output,
    }),
    { signal: options.signal, label: 'ffmpeg (audio export)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  return { engine: 'none', from, to, duration: to - from };
}
