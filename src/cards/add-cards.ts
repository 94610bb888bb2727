/**
 * The job's one call after the export is written: the export is moved into the work directory
 * (kept there with --keep-temp, to compare with the joined file) and the cards are joined around
 * it into the file the export was written as.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { RecordEvent } from '../progress/record-event.js';
import type { OutputFormat } from '../compose/output-format.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import type { CardOptions } from './card-options.js';
import { joinCards, type CardJoinResult } from './join-cards.js';
import type { CardPictures } from './render-cards.js';

/** Joins the cards around the export written at `file`, in place. */
export async function addCards(
  file: string,
  pictures: CardPictures,
  cards: CardOptions,
  options: {
    format: OutputFormat;
    workDir: string;
    tools: FfmpegTools;
    audioBitrate: number;
    videoBitrate: number;
    signal: AbortSignal | undefined;
    onEvent: (event: RecordEvent) => void;
  },
): Promise<CardJoinResult> {
  const main = path.join(options.workDir, `main.${options.format}`);
  await rename(file, main);
  return joinCards(main, file, pictures, cards, options);
}
