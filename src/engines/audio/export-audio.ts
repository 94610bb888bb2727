/**
 * The audio-only path of a job: no browser and no player, only the recording's own media cut to
 * the part asked for and encoded by one ffmpeg run (audioExportArgs). The part ends where the
 * media's sound ends, as the player's does: it plays the media's own length. The podcast version
 * has the video's chapters (the slide changes and shares of the part), in the file and, with
 * `--chapters-file`, beside it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError, throwIfAborted } from '../../errors.js';
import type { RecordEvent } from '../../progress/record-event.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { runProcess } from '../../process/run-process.js';
import type { OpenedRecording } from '../../recording/open-recording.js';
import { probeMedia } from '../../recording/probe-media.js';
import { ffmetadataFile } from '../../mux/ffmetadata-file.js';
import { findChapters } from '../../mux/find-chapters.js';
import { writeChaptersFile } from '../../mux/write-chapters-file.js';
import type { AudioFormat } from '../../options/audio-format.js';
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
  /** Chapters in the file (`--no-chapters`: none). */
  chapters: boolean;
  /** `--chapters-file`: also written beside the file (committed by the job with it). */
  chaptersFile: string | undefined;
  /** The job's work directory, and the partial name of a final file in it (OutputWorkDir). */
  workDir: string;
  partialOf: (file: string) => string;
  tools: FfmpegTools;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
}

/** Writes the part's sound of `recording` to `output`; `files` are the final names of the files written beside it. */
export async function exportAudio(recording: OpenedRecording, output: string, options: ExportAudioOptions): Promise<{ audio: AudioOutput; files: string[] }> {
  const probe = await probeMedia(recording.files.media, { tools: options.tools, signal: options.signal });
  if (!probe.audio) throw new CaptureError('MEDIA_MISSING', `the recording's media (${recording.info.mediaUrl}) has no sound to export`);
  const mediaEnd = probe.audio.duration ?? probe.duration;
  const from = options.from;
  const to = Math.min(options.to ?? mediaEnd, mediaEnd);
  if (!(to > from)) throw new CaptureError('USAGE', `--from ${from} is at or after the end of the recording's sound (${mediaEnd.toFixed(2)} s)`);
  throwIfAborted(options.signal);
  const { info } = recording;
  const chapters =
    options.chapters || options.chaptersFile
      ? findChapters({ shapesSvg: recording.docs.xml[0] ?? '', shares: recording.shares, presentationText: recording.presentationText, from, to })
      : [];
  const metadata = options.chapters && chapters.length > 0 ? path.join(options.workDir, 'chapters.ffmeta') : null;
  if (metadata) await writeFile(metadata, ffmetadataFile({}, chapters));
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
      chapters: metadata,
      output,
    }),
    { signal: options.signal, label: 'ffmpeg (audio export)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  if (options.chaptersFile) await writeChaptersFile(options.chaptersFile, chapters, options.partialOf);
  return { audio: { engine: 'none', from, to, duration: to - from }, files: options.chaptersFile ? [options.chaptersFile] : [] };
}
