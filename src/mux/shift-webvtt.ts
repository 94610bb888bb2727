/**
 * Moves a caption file onto an export's timeline: what the recording shows at `from` is at 0 in
 * the output, so every cue moves back by `from`, cues outside [from, to) go, and cues that straddle
 * either end are cut at it. Inline cue timestamps (karaoke `<00:01:02.000>`) move with them.
 */
import type { WebVttCue, WebVttFile } from './parse-webvtt.js';
import { webVttTimestamp as stamp } from './webvtt-timestamp.js';

const INLINE_TIMESTAMP = /<((?:\d+:)?[0-5]\d:[0-5]\d\.\d{3})>/g;

function seconds(text: string): number {
  const parts = text.split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** The cues of `file` on the timeline of the part [from, to) of the recording (to: Infinity for the end). */
export function shiftWebVtt(file: WebVttFile, from: number, to: number): WebVttFile {
  const length = to - from;
  const cues: WebVttCue[] = [];
  for (const cue of file.cues) {
    // Whole milliseconds, as the output's timestamps are: no cue of 0.0004 s survives a cut.
    const start = Math.round(Math.max(0, cue.start - from) * 1000) / 1000;
    const end = Math.round(Math.min(length, cue.end - from) * 1000) / 1000;
    if (!(end > start)) continue;
    const text = cue.text.replace(INLINE_TIMESTAMP, (_, t: string) => `<${stamp(Math.min(end, Math.max(start, seconds(t) - from)))}>`);
    cues.push({ ...cue, start, end, text });
  }
  return { ...file, cues };
}
