/**
 * The intro's timing in a Matroska join. Matroska has no edit list: a file's timeline starts at
 * its first packet, the AAC priming packet included (the export's own video starts ~21 ms in,
 * where its real sound does). The MP4 trick of starting the intro's sound before zero and hiding
 * the lead-in therefore cannot work there: the muxer moves the whole card later instead, and its
 * last picture and sound packet then overlap the export's first (two pictures at one instant, the
 * export's sound late by a few milliseconds). So in Matroska the intro's sound runs from zero in
 * whole AAC frames, the export follows where that sound ends, and the intro's pictures stop before
 * the export's first one.
 */
import { AAC_FRAME } from './plan-card-join.js';

/** Matroska stores milliseconds: the intro's last picture stays this far before the export's first. */
const MS_MARGIN_S = 0.002;

/** Where the export starts in the joined file (the intro part's length, seconds) and how many pictures the intro has. */
export function matroskaIntro(length: number, sampleRate: number | null, fps: number, firstVideoDts: number): { duration: number; frames: number } {
  const duration = sampleRate ? (Math.ceil(Math.round(length * sampleRate) / AAC_FRAME) * AAC_FRAME) / sampleRate : length;
  // The export's first picture is shown at duration + its own start (its first packet's time).
  const frames = Math.max(1, Math.ceil((duration + Math.max(0, firstVideoDts) - MS_MARGIN_S) * fps));
  return { duration, frames };
}
