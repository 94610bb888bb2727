/** Writes a WebVTT file back as text (the inverse of parseWebVtt). */
import type { WebVttFile } from './parse-webvtt.js';
import { webVttTimestamp as stamp } from './webvtt-timestamp.js';

/** WebVTT text of `file`: header, STYLE/REGION blocks, then the cues, one blank line apart. */
export function serializeWebVtt(file: WebVttFile): string {
  const cues = file.cues.map((cue) =>
    [...(cue.id ? [cue.id] : []), `${stamp(cue.start)} --> ${stamp(cue.end)}${cue.settings ? ` ${cue.settings}` : ''}`, ...(cue.text ? [cue.text] : [])].join('\n'),
  );
  return `${[file.header, ...file.blocks, ...cues].join('\n\n')}\n`;
}
