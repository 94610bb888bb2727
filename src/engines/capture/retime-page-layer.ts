/**
 * The capture engine's page changes put back on the recording's instants (see
 * compose/retime-page-frames.ts for why and how): finds the frames that change the presentation,
 * decides their times, and gives the compositor the filters that apply them.
 */
import { pageRetimeFilter } from '../../compose/page-retime-filter.js';
import { retimePageFrames } from '../../compose/retime-page-frames.js';
import type { PageBox } from '../../player/probe-presentation-box.js';
import type { FfmpegTools } from '../../process/find-ffmpeg.js';
import { findChangedPageFrames } from './find-changed-page-frames.js';

/** What the compositor applies, and what to log. */
export interface PageLayerRetiming {
  /** Filters to put before the page layer's colour conversion ('' when nothing moves). */
  filter: string;
  /** Where something placed on a page-layer frame's time goes (output ms). */
  mapTime: (timeMs: number) => number;
  /** One line saying what was done. */
  summary: string;
}

const UNCHANGED = { filter: '', mapTime: (timeMs: number) => timeMs };

/**
 * Retimes the page layer `file` (frames at `frameTimes`, s, on the output timeline) by the
 * recording's change instants (output ms), looking for changes inside `presentation` only.
 */
export async function retimePageLayer(
  file: string,
  frameTimes: readonly number[],
  presentation: PageBox | null,
  options: {
    instantsMs: readonly number[];
    /** The instants among them at which a new slide (or the screen share) comes in. */
    slideInstantsMs: readonly number[];
    /** The instants whose change shows inside the presentation. */
    shownInstantsMs: readonly number[];
    durationMs: number;
    tools: FfmpegTools;
    signal?: AbortSignal | undefined;
  },
): Promise<PageLayerRetiming> {
  if (!presentation) return { ...UNCHANGED, summary: 'the page has no presentation box: slide and whiteboard changes keep their captured times' };
  const framesMs = frameTimes.map((t) => Math.round(t * 1000));
  if (framesMs.some((t, i) => i > 0 && !(t > framesMs[i - 1]!)))
    return { ...UNCHANGED, summary: 'the page layer has frames out of order: slide and whiteboard changes keep their captured times' };
  const shares = await findChangedPageFrames(file, presentation, options.tools, options.signal);
  if (shares.length !== framesMs.length)
    return { ...UNCHANGED, summary: `the page layer decoded to ${shares.length} frames of ${framesMs.length}: slide and whiteboard changes keep their captured times` };
  // The part's first instant is its first frame already; the end has no frame to move.
  const instants = options.instantsMs.filter((t) => t > 0 && t < options.durationMs);
  const retiming = retimePageFrames(
    framesMs.map((timeMs, i) => ({ timeMs, changed: shares[i]! > 0, share: shares[i]! })),
    instants,
    { slideInstantsMs: options.slideInstantsMs, shownInstantsMs: options.shownInstantsMs },
  );
  const saved = framesMs.reduce((sum, t, i) => sum + (retiming.times[i] !== null && retiming.times[i] !== t ? t - retiming.times[i]! : 0), 0);
  return {
    filter: pageRetimeFilter(framesMs, retiming.times),
    mapTime: retiming.mapTime,
    summary: `page changes put back on their instants: ${retiming.moved} frame(s) moved earlier by ${retiming.moved ? Math.round(saved / retiming.moved) : 0} ms on average, ${retiming.dropped} frame(s) still showing the old picture dropped${retiming.lateSlides ? `, ${retiming.lateSlides} slide(s) painted only after the next instant kept on their own` : ''}`,
  };
}
