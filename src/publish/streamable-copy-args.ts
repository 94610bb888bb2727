/**
 * How a finished file becomes something a pipe can carry. A pipe cannot seek, so a reader must be
 * able to play the bytes in the order they come: an MP4 written for files has its index (moov) at
 * the start only because ffmpeg went back to put it there, which is fine, but its single index
 * covers the whole file and must arrive complete before any sample; a fragmented MP4 (an empty
 * index first, then self-describing fragments) plays and decodes as it arrives. Matroska, WebM,
 * MP3 and Ogg are read front to back as they are.
 */
import type { ExportFormat } from '../options/record-options.js';
import { FFMPEG_QUIET } from '../process/ffmpeg-quiet.js';

/** ffmpeg arguments remuxing `input` into the streamable form of `format`; null when the file streams as written. */
export function streamableCopyArgs(format: ExportFormat, input: string, output: string): string[] | null {
  // M4A is written fragmented by the audio export itself when piped (audioExportArgs `streamable`).
  if (format !== 'mp4') return null;
  return [
    ...FFMPEG_QUIET,
    '-y', // the job's own work file
    '-i',
    input,
    '-map',
    '0', // every stream, as exported
    '-c',
    'copy', // the same samples: a remux, no re-encoding
    // frag_keyframe: a fragment per keyframe; default_base_moof: offsets relative to each
    // fragment, as browsers' MSE and ffprobe want. delay_moov rather than empty_moov: an index
    // written before any packet cannot carry the edit list that hides AAC's 1024 priming samples,
    // and the sound then plays 21.3 ms late (the meter saw it); written once the first fragment is
    // cut, it has it, and the file still streams from its first byte.
    '-movflags',
    'frag_keyframe+delay_moov+default_base_moof',
    '-f',
    'mp4',
    output,
  ];
}
