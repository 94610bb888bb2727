/**
 * Moves the compositor's pictures (box changes, in page order) with the page-layer frames they
 * were snapped to. A poor sync measurement snaps some changes and not others, and the retiming
 * moves only snapped ones, so a later change can land before an earlier one: drawn as they come,
 * the earlier picture would then overlap the later one (two boxes for one video). What the page
 * showed later wins: a picture holds only until the next one's time, whichever order they land in.
 */
import type { LayeredPicture } from './video-layers.js';

/** The pictures at `mapTime(timeMs)`, increasing in time and never before the first one's. */
export function retimePictures(pictures: readonly LayeredPicture[], mapTime: (timeMs: number) => number): LayeredPicture[] {
  const start = pictures[0] ? mapTime(pictures[0].timeMs) : 0;
  const out: LayeredPicture[] = [];
  let until = Number.POSITIVE_INFINITY;
  for (let i = pictures.length - 1; i >= 0; i--) {
    const timeMs = Math.max(start, mapTime(pictures[i]!.timeMs));
    // A picture at or after a later one's time is never seen.
    if (timeMs >= until) continue;
    out.push({ ...pictures[i]!, timeMs });
    until = timeMs;
  }
  return out.reverse();
}
