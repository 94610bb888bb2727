/**
 * The one ffmpeg run of an audio-only export: the recording's own sound, cut exactly by sample
 * count (as the compositor cuts it, so a podcast and a video of the same part hold the same
 * samples), encoded for the chosen container and tagged so podcast apps and players list it.
 */
import { audioCutFilter } from '../../compose/build-composite-args.js';
import type { AudioFormat } from '../../options/audio-format.js';
import { FFMPEG_QUIET } from '../../process/ffmpeg-quiet.js';

/** What audioExportArgs writes. */
export interface AudioExportPlan {
  /** The recording's media (webcams video or audio-only file); its first audio stream is used. */
  source: string;
  /** Start of the part in the media, seconds. */
  from: number;
  /** Length of the part, seconds. */
  duration: number;
  format: AudioFormat;
  /** AAC and Opus bitrate, bits/s (MP3 is VBR by quality). */
  audioBitrate: number;
  tags: { title: string; date: string | undefined; comment: string };
  /** An ffmetadata file holding the chapters (on the part's timeline), or null for none. */
  chapters: string | null;
  /** A pipe or FIFO reader: M4A is written fragmented (no seek back to place the index). */
  streamable: boolean;
  output: string;
}

/** Encoder arguments per audio format. */
function encoderArgs(plan: AudioExportPlan): string[] {
  switch (plan.format) {
    case 'm4a':
      return ['-c:a', 'aac', '-b:a', String(plan.audioBitrate), '-ar', '48000']; // the recording's rate: no resampling
    case 'mp3':
      // VBR quality 2 (~190 kbit/s): transparent for speech and music, the LAME recommendation.
      return ['-c:a', 'libmp3lame', '-q:a', '2', '-ar', '48000'];
    case 'opus':
      return ['-c:a', 'libopus', '-b:a', String(plan.audioBitrate), '-ar', '48000']; // Opus's only rate
  }
}

/** Muxer arguments per audio format. */
function muxerArgs(plan: AudioExportPlan): string[] {
  switch (plan.format) {
    case 'm4a':
      return [
        // ipod: the M4A flavour of MP4 that iTunes-style podcast apps expect. For a pipe,
        // fragments with the index after the first one (see streamableCopyArgs: delay_moov keeps
        // the edit list that hides AAC's priming samples).
        '-movflags',
        plan.streamable ? 'frag_keyframe+delay_moov+default_base_moof' : '+faststart', // index first: plays while downloading
        '-f',
        'ipod',
      ];
    case 'mp3':
      return ['-id3v2_version', '3', '-f', 'mp3']; // ID3v2.3: the version every player reads
    case 'opus':
      return ['-f', 'ogg'];
  }
}

/** ffmpeg arguments writing the part's sound as `plan.format`. */
export function audioExportArgs(plan: AudioExportPlan): string[] {
  const { tags } = plan;
  return [
    ...FFMPEG_QUIET,
    '-y', // the output is the job's own partial file
    '-i',
    plan.source,
    ...(plan.chapters ? ['-f', 'ffmetadata', '-i', plan.chapters] : []),
    '-map',
    '0:a:0',
    // The sound only, even from the webcams video. Not -dn: it also drops the text track M4A
    // carries its chapters in.
    '-vn',
    '-sn',
    // The media's own tags (encoder, a WebM title) say nothing about the talk. Global and stream
    // tags only: a bare `-map_metadata -1` would also strip the chapters' titles.
    '-map_metadata:g',
    '-1',
    '-map_metadata:s',
    '-1',
    // The talk's chapters, which each container writes its own way: M4A as a chapter track (and
    // Nero chpl), MP3 as ID3v2 CHAP frames, Ogg as CHAPTERnn comments; none from the media itself.
    '-map_chapters',
    plan.chapters ? '1' : '-1',
    // Cut by counting samples from the media's first one: the same cut as the compositor's.
    '-af',
    audioCutFilter(plan.from, plan.duration),
    ...encoderArgs(plan),
    '-metadata',
    `title=${tags.title}`,
    ...(tags.date ? ['-metadata', `date=${tags.date}`] : []),
    '-metadata',
    `comment=${tags.comment}`,
    '-t',
    plan.duration.toFixed(6), // exactly the part
    ...muxerArgs(plan),
    plan.output,
  ];
}
