/**
 * Chapters for platforms that take them beside the video (`--chapters-file`): WebVTT chapters
 * (a `<track kind="chapters">`), or JSON ([{start, end, title}], seconds) for an upload script.
 */
import type { Chapter } from './find-chapters.js';
import { webVttTimestamp as stamp } from './webvtt-timestamp.js';

/** The chapters file's text: JSON when `file` ends in .json, WebVTT otherwise. */
export function chaptersFileText(file: string, chapters: readonly Chapter[]): string {
  if (/\.json$/i.test(file))
    return `${JSON.stringify(
      chapters.map((c) => ({ start: c.start, end: c.end, title: c.title })),
      null,
      2,
    )}\n`;
  // Cue text is markup: '&' and '<' are escaped; a title is one line (a blank line ends a cue).
  const text = (title: string) => title.replace(/\s+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const cues = chapters.map((c, i) => `${i + 1}\n${stamp(c.start)} --> ${stamp(c.end)}\n${text(c.title)}`);
  return `${['WEBVTT', ...cues].join('\n\n')}\n`;
}
