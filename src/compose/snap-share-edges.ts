/**
 * Puts the capture engine's screen-share box on the recording's own instants. The player shows the
 * screen share from its first time event at or after deskshare.xml's `start_timestamp` and hides
 * it at the first one at or after `stop_timestamp`; the live capture reports the box in the frame
 * that painted the change, and a busy machine paints a screen share coming in (a new layout, a
 * video to show) later than a cursor move: one or two frames late beside two CPU hogs, over half
 * a second when the machine is starved, every frame of the share lost until then. The recording
 * says exactly when the share starts and stops, so the box change that starts (or ends) it near
 * an edge is moved onto the edge; the compositor then draws the share's frames from that instant,
 * as the render engine does (it steps the page exactly there).
 */
import type { LayeredPicture } from './video-layers.js';

/** How far from a share edge its box change is looked for, ms. */
export const SHARE_EDGE_WINDOW_MS = 1000;

/** A screen-share interval on the recording's timeline, ms. */
export interface ShareSpan {
  startMs: number;
  stopMs: number;
}

const sharing = (picture: LayeredPicture) => (picture.layers ?? []).some((box) => box.kind === 'screenshare');

/**
 * The pictures (sorted, from the part's start) with the screen share's boxes put on the share
 * edges inside (fromMs, toMs). At an edge, the picture in force must show the share already (a
 * start) or no longer (a stop); where it does not, the next picture, if it makes that change
 * within windowMs after the edge, is moved back onto it. Where the change came before the edge
 * (a sync measurement off by a little) it is moved forward onto it. Nothing else moves.
 */
export function snapShareEdges(
  pictures: readonly LayeredPicture[],
  shares: readonly ShareSpan[],
  range: { fromMs: number; toMs: number },
  windowMs = SHARE_EDGE_WINDOW_MS,
): LayeredPicture[] {
  const out = pictures.map((p) => ({ ...p }));
  const edges = shares
    .flatMap((s) => [
      { timeMs: Math.round(s.startMs), on: true },
      { timeMs: Math.round(s.stopMs), on: false },
    ])
    .filter((e) => e.timeMs > range.fromMs && e.timeMs < range.toMs)
    .sort((a, b) => a.timeMs - b.timeMs);
  for (const edge of edges) {
    // The picture in force at the edge.
    let i = -1;
    while (i + 1 < out.length && out[i + 1]!.timeMs <= edge.timeMs) i++;
    if (i < 0) continue;
    const current = out[i]!;
    if (sharing(current) !== edge.on) {
      // Late: the next picture makes the change soon after the edge.
      const next = out[i + 1];
      if (next && sharing(next) === edge.on && next.timeMs - edge.timeMs < windowMs) {
        next.timeMs = edge.timeMs;
        // A picture already at the edge showed the old state for no time at all.
        if (current.timeMs === edge.timeMs) out.splice(i, 1);
      }
    } else if (i > 0 && current.timeMs < edge.timeMs && edge.timeMs - current.timeMs < windowMs && sharing(out[i - 1]!) !== edge.on) {
      // Early: the change came shortly before the edge.
      current.timeMs = edge.timeMs;
    }
  }
  return out;
}
