/**
 * ffmpeg's metadata file (`;FFMETADATA1`, read with `-f ffmetadata`): the container's tags and
 * its chapters, which `-map_metadata` and `-map_chapters` copy into MP4 and Matroska. Values are
 * escaped as the format requires ('=', ';', '#', '\' and line breaks behind a backslash), so a
 * meeting called "Q&A #3; part=2" stays one tag.
 */
import type { Chapter } from './find-chapters.js';

function escapeValue(value: string): string {
  return value.replace(/\r\n|\r/g, '\n').replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/** The text of an ffmetadata file with `tags` (key → value) and `chapters` (milliseconds). */
export function ffmetadataFile(tags: Readonly<Record<string, string>>, chapters: readonly Chapter[]): string {
  const lines = [';FFMETADATA1'];
  for (const [key, value] of Object.entries(tags)) lines.push(`${escapeValue(key)}=${escapeValue(value)}`);
  for (const chapter of chapters) {
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(chapter.start * 1000)}`, `END=${Math.round(chapter.end * 1000)}`, `title=${escapeValue(chapter.title)}`);
  }
  return `${lines.join('\n')}\n`;
}
