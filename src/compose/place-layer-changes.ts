/**
 * Puts the capture engine's live box reports on the recording's timeline. The page reported each
 * change with the page clock of the animation frame that paints it; the sync measurement and the
 * page's lag (capture/compute-alignment.ts) put that on the output timeline. A change is then snapped to the captured
 * page-layer frame that shows it: tab capture sends a frame whenever the page repaints, and a
 * layout change is a repaint, so the frame is there, at most a frame interval after the
 * animation frame's own time (it is presented after it is drawn).
 */
import { snapLayer, type LayerBox, type LayeredPicture, type PageVideoLayer } from './video-layers.js';

/** A box report of the page (see player/watch-video-layers.ts). */
export interface PageLayerChange {
  /** Page clock (ms) of the animation frame that painted the change. */
  pageMs: number;
  layers: readonly PageVideoLayer[];
}

/** How far before and after its animation frame a change's captured frame is looked for, ms. */
export const SNAP_BEFORE_MS = 8;
export const SNAP_AFTER_MS = 100;

/**
 * The pictures (recording ms, sorted, one per change) the compositor draws the videos by:
 * `toOutputMs` maps the page clock to the output timeline, `fromMs`/`toMs` are the part in the
 * recording, `pageFrameTimesMs` the captured page layer's frame times on the output timeline (sorted).
 */
export function placeLayerChanges(
  changes: readonly PageLayerChange[],
  options: { toOutputMs: (pageMs: number) => number; fromMs: number; toMs: number; pageFrameTimesMs: readonly number[]; frame: { width: number; height: number } },
): LayeredPicture[] {
  const { fromMs, toMs, pageFrameTimesMs } = options;
  const placed = new Map<number, LayerBox[]>();
  for (const change of changes) {
    const outMs = options.toOutputMs(change.pageMs);
    // The first captured frame at or after the change (allowing for the capture's own timing).
    const frame = pageFrameTimesMs.find((t) => t >= outMs - SNAP_BEFORE_MS);
    const snapped = frame !== undefined && frame <= outMs + SNAP_AFTER_MS ? frame : outMs;
    const timeMs = Math.min(toMs, Math.max(fromMs, fromMs + Math.round(snapped)));
    const layers = change.layers.map((l) => snapLayer(l, options.frame)).filter((l): l is LayerBox => l !== undefined);
    // A later report for the same instant is what that frame shows.
    placed.set(timeMs, layers);
  }
  const pictures = Array.from(placed, ([timeMs, layers]) => ({ timeMs, layers })).sort((a, b) => a.timeMs - b.timeMs);
  if (pictures.length === 0 || pictures[0]!.timeMs > fromMs) pictures.unshift({ timeMs: fromMs, layers: [] });
  // The end belongs to no picture: runs end there (overlayRuns).
  return pictures.filter((p) => p.timeMs < toMs);
}
