/**
 * ffmpeg arguments of the publishing remux: the finished video and sound copied as they are (no
 * re-encode, so nothing of the picture or the A/V timing changes), with the caption tracks, the
 * chapters and the container tags added, into a new file.
 */
import type { OutputFormat } from '../compose/output-format.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';
import { opusCopyLeadArgs } from './opus-copy-lead-args.js';

/** A caption track to add: a WebVTT file already on the output's timeline. */
export interface SubtitleTrack {
  file: string;
  /** ISO 639-2 code in the form the container takes (iso6392Language). */
  language: string;
  /** Name players list it by (captions.json `localeName`). */
  title: string;
}

/** What the remux adds, and where from. */
export interface PublishingPlan {
  input: string;
  /** ffmetadata file with the tags and (when `chapters`) the chapters. */
  metadata: string;
  chapters: boolean;
  subtitles: readonly SubtitleTrack[];
  format: OutputFormat;
  /** WebM: samples the copied Opus sound moves later by (opusCopyLeadArgs; 0 or absent: none). */
  opusLead?: number | undefined;
  output: string;
}

/** ffmpeg arguments of the remux. */
export function publishingArgs(plan: PublishingPlan): string[] {
  const args = [
    ...FFMPEG_QUIET,
    '-y',
    ...(plan.format === 'webm' ? opusCopyLeadArgs(plan.opusLead ?? 0).input : []),
    '-i',
    plan.input,
    '-f',
    'ffmetadata',
    '-i',
    plan.metadata, // tags and chapters, escaped (ffmetadata-file.ts)
  ];
  for (const sub of plan.subtitles) args.push('-f', 'webvtt', '-i', sub.file);
  args.push('-map', '0'); // every stream of the video as it is
  plan.subtitles.forEach((_, i) => {
    args.push('-map', `${2 + i}:s:0`);
  });
  args.push(
    '-c',
    'copy', // video and sound untouched
    ...(plan.format === 'webm' ? opusCopyLeadArgs(plan.opusLead ?? 0).output : []),
    // MP4 carries text as mov_text (3GPP timed text); Matroska and WebM carry WebVTT itself.
    '-c:s',
    plan.format === 'mp4' ? 'mov_text' : 'webvtt',
    '-map_metadata',
    '1', // the container's tags from the metadata file, not the work file's
    '-map_chapters',
    plan.chapters ? '1' : '-1',
  );
  plan.subtitles.forEach((sub, i) => {
    args.push(`-metadata:s:s:${i}`, `language=${sub.language}`, `-metadata:s:s:${i}`, `title=${sub.title}`);
    // MP4 players (and ffprobe) name a track by its handler.
    if (plan.format === 'mp4') args.push(`-metadata:s:s:${i}`, `handler_name=${sub.title}`);
  });
  // Captions are offered, not shown uninvited: no track is the default one.
  if (plan.subtitles.length > 0) args.push('-disposition:s', '0');
  if (plan.format === 'mp4') args.push('-movflags', '+faststart'); // index first: plays while downloading
  args.push('-f', plan.format === 'mkv' ? 'matroska' : plan.format, plan.output);
  return args;
}
