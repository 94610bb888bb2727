/** Options of the render engine: a capture's options plus how many player pages step in parallel. */
import type { RecordOptions } from '../record/record-options.js';

/** Engines of `record --engine`. */
export const ENGINES = ['capture', 'render'] as const;
export type Engine = (typeof ENGINES)[number];

export interface RenderOptions extends RecordOptions {
  /** Player pages (Chromium renderer processes) rendering segments in parallel. */
  workers: number;
  /**
   * Hybrid path: the page renders everything but its videos, which ffmpeg draws from the
   * recording's own files into the player's boxes. Off: the page draws every video frame.
   */
  hybrid: boolean;
  /**
   * Write the video only (no sound): a part of a recording rendered as a farm job, joined with
   * the others and given its sound by joinRenderedParts. It joins without re-encoding, like the
   * engine's own segments.
   */
  videoOnly?: boolean | undefined;
}
