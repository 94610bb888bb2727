/**
 * `--chapters-file`: the chapters written beside the export, under the partial name the job
 * commits with it. The video and the audio-only paths both write it, the same way.
 */
import { writeFile } from 'node:fs/promises';
import { chaptersFileText } from './chapters-file-text.js';
import type { Chapter } from './find-chapters.js';
import { partialFileFor } from './partial-file-for.js';

/** Writes `chapters` as `file` (WebVTT, or JSON for *.json) under its partial name. */
export async function writeChaptersFile(file: string, chapters: readonly Chapter[], partialOf: (file: string) => string): Promise<void> {
  await writeFile(await partialFileFor(file, partialOf), chaptersFileText(file, chapters));
}
