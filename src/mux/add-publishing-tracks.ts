/**
 * The last step of an export before it is verified: what people publish a video with. The
 * recording's captions become subtitle tracks (or are drawn into the picture with
 * `--captions burn`, the one case that re-encodes), its slide changes and screen shares become
 * chapters, its name, date and id become the container's tags: all on the output's timeline
 * (the part [from, from + duration) of the recording). Video and sound are copied, into a new
 * file that then replaces the finished one. A caption file that is missing or not WebVTT costs
 * its track and a warning, never the export. The chapters file and the poster, if asked for, are
 * written under partial names for the job to commit with the video.
 */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordEvent } from '../progress/record-event.js';
import type { CaptionsMode } from './captions-mode.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import type { CaptionSource } from '../recording/fetch-recording-files.js';
import type { RecordingInfo } from '../recording/fetch-recording-info.js';
import type { DeskshareInterval } from '../recording/timeline-times.js';
import { burnCaptionsArgs } from './build-burn-captions-args.js';
import type { OutputFormat } from '../compose/output-format.js';
import { posterArgs } from './build-poster-args.js';
import { probeWebmOpusShift } from './probe-webm-opus-shift.js';
import { publishingArgs, type SubtitleTrack } from './build-publishing-args.js';
import { ffmetadataFile } from './ffmetadata-file.js';
import { findChapters, type Chapter } from './find-chapters.js';
import { iso6392Language } from './iso639-2-language.js';
import { parseWebVtt } from './parse-webvtt.js';
import { partialFileFor } from './partial-file-for.js';
import { publishingTags } from './publishing-tags.js';
import { serializeWebVtt } from './serialize-webvtt.js';
import { shiftWebVtt } from './shift-webvtt.js';
import { writeChaptersFile } from './write-chapters-file.js';

/** What of the recording the step reads. */
export interface PublishingSources {
  info: Pick<RecordingInfo, 'recordId' | 'meetingName' | 'startTime'>;
  captions: readonly CaptionSource[];
  presentationText: string;
  shapesSvg: string;
  shares: readonly DeskshareInterval[];
}

/** What to add (`--captions`, `--no-chapters`, `--chapters-file`, `--poster`). */
export interface PublishingChoices {
  captions: CaptionsMode;
  chapters: boolean;
  chaptersFile?: string | undefined;
  poster?: { file: string; at: number | undefined } | undefined;
}

/** Options of addPublishingTracks. */
export interface AddPublishingTracksOptions {
  sources: PublishingSources;
  choices: PublishingChoices;
  /** The finished video; replaced by the one with the tracks. */
  video: string;
  format: OutputFormat;
  /** The exported part of the recording, seconds. */
  from: number;
  duration: number;
  workDir: string;
  /** Partial name of a final file (the job's OutputWorkDir.partialOf). */
  partialOf: (file: string) => string;
  tools: FfmpegTools;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
}

/** What was added; `files` are the final names of the extra files, to commit with the video. */
export interface PublishingResult {
  /** Locales of the caption tracks (soft), and the one drawn into the picture. */
  captions: { tracks: string[]; burnt: string | null };
  chapters: Chapter[];
  files: string[];
}

/** Posters are taken this far after the first slide appears: past a fade or a half-loaded picture. */
const POSTER_DELAY_S = 0.5;

/** Adds captions, chapters, tags (and writes the chapters file and poster) for one finished video. */
export async function addPublishingTracks(options: AddPublishingTracksOptions): Promise<PublishingResult> {
  const { sources, choices, format, from, duration, workDir, tools, signal } = options;
  const emit = options.onEvent;
  const run = (args: string[], cwd?: string) => runProcess(tools.ffmpeg, args, { signal, cwd, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  emit({ type: 'stage', stage: 'mux', message: 'adding captions, chapters and tags' });

  const tracks: Array<SubtitleTrack & { locale: string }> = [];
  if (choices.captions !== 'off') {
    for (const [i, caption] of sources.captions.entries()) {
      const name = `caption_${caption.locale}.vtt`;
      if (caption.vtt.trim() === '') {
        emit({ type: 'warning', message: `${name} is missing or empty: the video has no ${caption.localeName} captions` });
        continue;
      }
      const parsed = parseWebVtt(caption.vtt);
      if (!parsed.ok) {
        emit({ type: 'warning', message: `${name} is not WebVTT (${parsed.reason}): the video has no ${caption.localeName} captions` });
        continue;
      }
      const shifted = shiftWebVtt(parsed.file, from, from + duration);
      if (shifted.cues.length === 0) {
        emit({ type: 'log', source: 'ffmpeg', line: `${name}: no captions in this part, no track` });
        continue;
      }
      const file = path.join(workDir, `captions-${i}.vtt`);
      await writeFile(file, serializeWebVtt(shifted));
      tracks.push({ file, locale: caption.locale, title: caption.localeName, language: iso6392Language(caption.locale, format === 'mp4' ? 'terminology' : 'bibliographic') });
    }
  }

  let input = options.video;
  let burnt: string | null = null;
  if (choices.captions === 'burn' && tracks.length > 0) {
    // The first listed language is drawn; any others stay selectable tracks.
    const first = tracks.shift()!;
    emit({ type: 'stage', stage: 'mux', message: `drawing the ${first.title} captions into the picture (re-encoding the video)` });
    input = path.join(workDir, `burnt.${format}`);
    await run(burnCaptionsArgs({ input: options.video, captions: path.basename(first.file), format, output: input }), workDir);
    burnt = first.locale;
  }

  const chapters =
    choices.chapters || choices.chaptersFile || choices.poster
      ? findChapters({ shapesSvg: sources.shapesSvg, shares: sources.shares, presentationText: sources.presentationText, from, to: from + duration })
      : [];
  const metadata = path.join(workDir, 'publishing.ffmeta');
  await writeFile(metadata, ffmetadataFile(publishingTags(sources.info), choices.chapters ? chapters : []));
  const published = path.join(workDir, `published.${format}`);
  // WebM: the remux copies the Opus sound, see opus-copy-lead-args.ts. (Burnt captions, re-encoding
  // the picture, keep the video at 0 on their own: measured.)
  const opusLead = format === 'webm' ? await probeWebmOpusShift(tools, workDir, signal) : 0;
  await run(publishingArgs({ input, metadata, chapters: choices.chapters && chapters.length > 0, subtitles: tracks, format, opusLead, output: published }));
  // The work directory is beside the output: the same file system, an atomic rename.
  await rename(published, options.video);

  const files: string[] = [];
  const partial = (file: string) => {
    files.push(file);
    return partialFileFor(file, options.partialOf);
  };
  if (choices.chaptersFile) {
    await writeChaptersFile(choices.chaptersFile, chapters, options.partialOf);
    files.push(choices.chaptersFile);
  }
  if (choices.poster) {
    let at = choices.poster.at ?? (chapters[0] ? chapters[0].start + POSTER_DELAY_S : 0);
    if (at >= duration) {
      const last = Math.max(0, duration - 0.1);
      emit({ type: 'warning', message: `--poster-at ${at} is past the end of the video (${duration.toFixed(3)} s): the poster is taken at ${last.toFixed(3)} s` });
      at = last;
    }
    const kind = /\.png$/i.test(choices.poster.file) ? 'png' : 'jpeg';
    await run(posterArgs(options.video, at, await partial(choices.poster.file), kind));
  }
  return { captions: { tracks: tracks.map((t) => t.locale), burnt }, chapters: choices.chapters ? chapters : [], files };
}
