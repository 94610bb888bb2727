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
}

/** How far after an instant its change is looked for, ms. */
export const RETIME_WINDOW_MS = 500;

/** What retimePageFrames decided. */
export interface PageRetiming {
  /** Each frame's new time (ms), or null when it is dropped; same order and length as the frames. */
  times: Array<number | null>;
  /** Frames moved earlier, and frames dropped. */
  moved: number;
  dropped: number;
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
 * time, and the unchanged frames from the instant up to it are dropped. A change found only after
 * the next instant goes to that one (it may be what the next instant shows); when that instant's
 * window holds a second change, the second follows the first by a millisecond.
 */
export function retimePageFrames(frames: readonly PageFrame[], instantsMs: readonly number[], windowMs = RETIME_WINDOW_MS): PageRetiming {
  const times: Array<number | null> = frames.map((f) => f.timeMs);
  for (let i = 1; i < frames.length; i++) {
    if (!(frames[i]!.timeMs > frames[i - 1]!.timeMs)) throw new RangeError(`frame times must increase: ${frames[i - 1]!.timeMs} then ${frames[i]!.timeMs}`);
  }
  const instants = Array.from(new Set(instantsMs.filter((t) => Number.isFinite(t)))).sort((a, b) => a - b);
  let moved = 0;
  let dropped = 0;
  let first = 0;
  /** The instant before, when nothing it changed was found in its own window. */
  let pending: number | undefined;
  for (let k = 0; k < instants.length; k++) {
    const instant = instants[k]!;
    const next = instants[k + 1] ?? Number.POSITIVE_INFINITY;
    const end = Math.min(instant + windowMs, next);
    while (first < frames.length && frames[first]!.timeMs < instant) first++;
    const changedFrom = (from: number, until: number) => {
      for (let j = from; j < frames.length && frames[j]!.timeMs < until; j++) if (frames[j]!.changed) return j;
      return -1;
    };
    const found = changedFrom(first, end);
    const earlier = pending;
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
  }
  const index = new Map(frames.map((f, i) => [f.timeMs, i]));
  const mapTime = (timeMs: number): number => {
    let i = index.get(timeMs);
    if (i === undefined) return timeMs;
    while (i < frames.length && times[i] === null) i++;
    return i < frames.length ? times[i]! : timeMs;
  };
  return { times, moved, dropped, mapTime };
}
