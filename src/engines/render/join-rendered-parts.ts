/**
 * The last step of a recording rendered in parts by several farm workers: the parts (video only,
 * written by renderRecording with `videoOnly`, each opening on a keyframe with the engine's fixed
 * encoder settings) are joined without re-encoding, and the sound is cut from the recording's own
 * media for the whole span, as renderRecording does for one job — so A/V stays exact across the
 * joins.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { abortError, toCaptureError } from '../../errors.js';
import type { OutputFormat } from '../../compose/output-format.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { runProcess } from '../../process/run-process.js';
import type { RecordEvent } from '../../progress/record-event.js';
import { openOutputWorkDir } from '../../staging/output-work-dir.js';
import type { RecordingCredentials } from '../../recording/recording-credentials.js';
import { readRecordingHead } from '../../recording/open-recording.js';
import { CaptureError } from '../../errors.js';
import { probeMedia } from '../../recording/probe-media.js';
import { verifyOutput } from '../../verify/verify-output.js';
import { joinArgs, segmentListFile } from './build-render-args.js';
import { downloadFile, fetchTimelineDocuments } from '../../recording/fetch-recording-files.js';
import { deskshareIntervals } from '../../recording/timeline-times.js';
import { addPublishingTracks, type PublishingChoices } from '../../mux/add-publishing-tracks.js';

export interface JoinPartsOptions {
  /** The recording's playback URL (for its media). */
  url: string;
  /** The parts in order, each a video-only render of consecutive ranges starting at `from`. */
  parts: readonly string[];
  /** Where the first part starts in the recording, seconds. */
  from: number;
  output: string;
  format: Exclude<OutputFormat, 'webm'>;
  audioBitrate: number;
  tools: FfmpegTools;
  verify: boolean;
  keepTemp: boolean;
  /** Captions, chapters and tags of the whole (the parts have none); undefined: none added. */
  publishing?: PublishingChoices | undefined;
  /** For a recording behind authentication (its media is downloaded again here). */
  credentials?: RecordingCredentials | undefined;
  signal?: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
}

/** Joins rendered parts into options.output with the recording's sound; returns its length, seconds. */
export async function joinRenderedParts(options: JoinPartsOptions): Promise<{ duration: number }> {
  const { info, target } = await readRecordingHead(options.url, options.signal, (message) => options.onEvent({ type: 'stage', stage: 'metadata', message }), options.credentials);
  const out = await openOutputWorkDir(options.output);
  const partial = out.partialOf(options.output);
  try {
    // Each part's exact length (its MP4 keeps every packet's duration), to the millisecond.
    const lengths = await Promise.all(options.parts.map(async (file) => Math.round((await probeMedia(file, { tools: options.tools, signal: options.signal })).duration * 1000)));
    const duration = lengths.reduce((a, b) => a + b, 0) / 1000;
    options.onEvent({ type: 'stage', stage: 'mux', message: `joining ${options.parts.length} parts (${duration.toFixed(3)} s), adding the sound` });
    const media = path.join(out.workDir, `media${path.extname(new URL(info.mediaUrl).pathname)}`);
    if (!(await downloadFile(info.mediaUrl, media, options.signal, {}, options.credentials?.bind(new URL(info.mediaUrl).origin))))
      throw new CaptureError('MEDIA_MISSING', `${info.mediaUrl} disappeared`);
    const segmentList = path.join(out.workDir, 'parts.ffconcat');
    await writeFile(segmentList, segmentListFile(options.parts.map((file, i) => ({ file: path.resolve(file), durationMs: lengths[i]! }))));
    await runProcess(
      options.tools.ffmpeg,
      joinArgs({ segmentList, audioSource: media, from: options.from, duration, output: partial, format: options.format, audioBitrate: options.audioBitrate }),
      { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
    );
    if (options.publishing) {
      const { docs, deskshareXml, captions, presentationText } = await fetchTimelineDocuments(target.filesUrl, options.signal);
      const sources = { info, captions, presentationText, shapesSvg: docs.xml[0] ?? '', shares: deskshareIntervals(deskshareXml) };
      await addPublishingTracks({
        sources,
        choices: { captions: options.publishing.captions, chapters: options.publishing.chapters },
        video: partial,
        format: options.format,
        from: options.from,
        duration,
        workDir: out.workDir,
        partialOf: out.partialOf,
        tools: options.tools,
        signal: options.signal,
        onEvent: options.onEvent,
      });
    }
    if (options.verify) {
      options.onEvent({ type: 'stage', stage: 'verify', message: 'checking the result' });
      await verifyOutput({ video: partial, expectedDuration: duration, expectAudio: true, tools: options.tools, signal: options.signal });
    }
    await out.commit([options.output], true);
    options.onEvent({ type: 'stage', stage: 'done', message: `wrote ${options.output}` });
    return { duration };
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal);
    throw toCaptureError(error);
  } finally {
    await out.cleanup(options.keepTemp);
  }
}
