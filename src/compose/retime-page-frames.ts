/**
 * Puts the capture engine's page changes back on their instants. The player applies a slide,
 * whiteboard or cursor change on its first time event after the change's instant, but Chromium
 * paints it (rasterizes a new slide on the CPU, more so on a busy machine) and the tab capture
 * sends it later still, so the captured frame that first shows it comes 60-270 ms after the
 * instant. The recording's documents name every instant at which the page can change; for each,
 * the first captured frame after it whose picture differs from the one before is the change, and
 * it is given the instant's time. Frames between the instant and that frame still show the old
 * picture and are dropped (they would otherwise come after it). A frame is never moved later than
 * it was captured, never past another frame, and only within a bounded window (a change the page
 * never painted is not invented): what is found within it is the change, or nothing moves.
 */

/** A page-layer frame: when it is shown on the output timeline and whether it differs from the frame before. */
export interface PageFrame {
  timeMs: number;
  changed: boolean;
  /** The share (0-1) of the presentation that differs from the frame before; unknown counts as a small change. */
  share?: number;
}

/** How far after an instant its change is looked for, ms. */
export const RETIME_WINDOW_MS = 500;

/**
 * A frame changing at least this share of the presentation's grid cells can be a new slide: the
 * stand-in's slides change 9-40 % of them, a cursor move under 0.5 %. (Chromium paints a page's
 * changes in order, so the first change after a slide's instant is the slide's if it shows at
 * all; this only keeps a cursor move from standing in for a slide that changed nothing.)
 */
export const SLIDE_CHANGE_SHARE = 0.03;

/** What retimePageFrames decided. */
export interface PageRetiming {
  /** Each frame's new time (ms), or null when it is dropped; same order and length as the frames. */
  times: Array<number | null>;
  /** Frames moved earlier, and frames dropped. */
  moved: number;
  dropped: number;
  /** Slides found only after the next instant (painted late) and still given their own instant. */
  lateSlides: number;
  /**
   * Where something placed on a frame's time (a video box change snapped to it) goes: the
   * frame's new time; for a dropped frame, the time of the changed frame that replaced it; any
   * other time is kept.
   */
  mapTime: (timeMs: number) => number;
}

/**
 * Retimes page-layer frames (sorted by time) by the change instants (output ms, any order): the
 * first changed frame in [instant, min(instant + windowMs, next instant)) gets the instant's
 * time, and the unchanged frames from the instant up to it are dropped. A slide instant
 * (`slideInstantsMs`) gets the first frame that repaints the presentation, also when a loaded
 * machine painted it after the next instant or after an earlier instant's late change, when that
 * is unambiguous (isLateSlide below). Any other change found only after the next instant goes to
 * that one (it may be what the next instant shows), and when that instant's window holds a second
 * change, the second follows the first by a millisecond.
 */
export function retimePageFrames(
  frames: readonly PageFrame[],
  instantsMs: readonly number[],
  options: {
    windowMs?: number;
    /** The instants at which a new slide (or the screen share) comes in. */
    slideInstantsMs?: readonly number[];
    /** The instants whose change shows in the presentation (a cursor move, a stroke); all when not given. */
    shownInstantsMs?: readonly number[];
  } = {},
): PageRetiming {
  const windowMs = options.windowMs ?? RETIME_WINDOW_MS;
  const slideInstants = new Set(options.slideInstantsMs ?? []);
  const shown = options.shownInstantsMs ? new Set(options.shownInstantsMs) : undefined;
  const times: Array<number | null> = frames.map((f) => f.timeMs);
  for (let i = 1; i < frames.length; i++) {
    if (!(frames[i]!.timeMs > frames[i - 1]!.timeMs)) throw new RangeError(`frame times must increase: ${frames[i - 1]!.timeMs} then ${frames[i]!.timeMs}`);
  }
  const instants = Array.from(new Set(instantsMs.filter((t) => Number.isFinite(t)))).sort((a, b) => a - b);
  let moved = 0;
  let dropped = 0;
  let lateSlides = 0;
  let first = 0;
  /** The last frame given to an instant: later instants look after it. */
  let claimed = -1;
  /** The instant before, when nothing it changed was found in its own window. */
  let pending: number | undefined;
  const changedFrom = (from: number, until: number) => {
    for (let j = from; j < frames.length && frames[j]!.timeMs < until; j++) if (frames[j]!.changed) return j;
    return -1;
  };
  /**
   * Whether frame `late`, the first after slide instant `slide` that repaints the presentation,
   * is that slide painted late by a loaded machine. Chromium shows a page's changes in the order
   * they were made, so it is when no other slide was due before it and every instant due before
   * it whose change shows has a change of its own after it: otherwise its picture holds that
   * instant's change too (a cursor already moved), which would show early on the slide's instant.
   */
  const isLateSlide = (late: number, slide: number): boolean => {
    const at = frames[late]!;
    const between = instants.filter((t) => t > slide && t <= at.timeMs);
    if (between.some((t) => slideInstants.has(t))) return false;
    const due = between.filter((t) => shown === undefined || shown.has(t));
    if (due.length === 0) return true;
    let after = 0;
    for (let j = late + 1; j < frames.length && frames[j]!.timeMs < due.at(-1)! + windowMs; j++) if (frames[j]!.changed) after++;
    return after >= due.length;
  };
  /** The first frame from `from` on, before `until`, that changes enough of the presentation to be a slide. */
  const slideFrameFrom = (from: number, until: number) => {
    for (let j = from; j < frames.length && frames[j]!.timeMs < until; j++) if (frames[j]!.changed && (frames[j]!.share ?? 0) >= SLIDE_CHANGE_SHARE) return j;
    return -1;
  };
  const drop = (j: number) => {
    if (times[j] === null) return;
    times[j] = null;
    dropped++;
  };
  for (let k = 0; k < instants.length; k++) {
    const instant = instants[k]!;
    const next = instants[k + 1] ?? Number.POSITIVE_INFINITY;
    const end = Math.min(instant + windowMs, next);
    while (first < frames.length && (frames[first]!.timeMs < instant || first <= claimed)) first++;
    const found = changedFrom(first, end);
    const earlier = pending;
    // A slide's own frame is the first that repaints the presentation, also when a loaded machine
    // painted it after the next instant or after an earlier instant's late cursor move.
    const slide = slideInstants.has(instant) ? slideFrameFrom(first, instant + windowMs) : -1;
    if (slide >= 0 && slide !== found && isLateSlide(slide, instant)) {
      let from = first;
      // Chromium paints in order: a smaller change before the slide's frame is an earlier
      // instant's, painted late. The instant before that found nothing gets it when nothing else
      // changed since that instant; any other is dropped (the slide's frame shows it too).
      if (found >= 0 && found < slide && earlier !== undefined && frames[found]!.timeMs - earlier < windowMs) {
        let start = claimed + 1;
        while (start < found && frames[start]!.timeMs < earlier) start++;
        if (changedFrom(start, frames[found]!.timeMs) < 0) {
          for (let j = start; j < found; j++) drop(j);
          times[found] = earlier;
          moved++;
          from = found + 1;
        }
      }
      for (let j = from; j < slide; j++) drop(j);
      times[slide] = instant;
      moved++;
      lateSlides++;
      claimed = slide;
      pending = undefined;
      continue;
    }
    pending = found < 0 ? instant : undefined;
    if (found < 0) continue;
    if (frames[found]!.timeMs !== instant) {
      for (let j = first; j < found; j++) {
        times[j] = null;
        dropped++;
      }
      times[found] = instant;
      moved++;
    }
    claimed = found;
    // The instant before painted nothing in its window: a second change in this one, before the
    // next instant, is likely its (a slide painted after the next cursor move). It follows this
    // instant's change by a millisecond: later than its own instant, never before this one's.
    if (earlier === undefined) continue;
    const second = changedFrom(found + 1, Math.min(earlier + windowMs, next));
    if (second < 0) continue;
    for (let j = found + 1; j < second; j++) {
      times[j] = null;
      dropped++;
    }
    times[second] = times[found]! + 1;
    moved++;
    claimed = second;
  }
  const index = new Map(frames.map((f, i) => [f.timeMs, i]));
  const mapTime = (timeMs: number): number => {
    let i = index.get(timeMs);
    if (i === undefined) return timeMs;
    while (i < frames.length && times[i] === null) i++;
    return i < frames.length ? times[i]! : timeMs;
  };
  return { times, moved, dropped, lateSlides, mapTime };
}
