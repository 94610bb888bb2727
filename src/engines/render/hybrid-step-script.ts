/**
 * The hybrid path's step of the page as one script: dispatch the player's time event, wait until
 * what it changed is painted, and read the video boxes. Three page.evaluate calls made three
 * round trips to the renderer for every instant; one does the same work in the same order (the
 * functions are the very ones the separate calls ran, passed as their source text, as Playwright
 * itself passes a function to page.evaluate).
 */
import { probeVideoLayers } from '../../player/probe-video-layers.js';
import { dispatchTime, settlePaint } from './render-page-api.js';

/** Source of an expression that steps the page to `time` (s) and evaluates to its VideoLayerProbe. */
export function hybridStepScript(time: number): string {
  if (!Number.isFinite(time)) throw new RangeError(`time must be a finite number of seconds, got ${time}`);
  return `(async () => { await (${dispatchTime.toString()})(${JSON.stringify(time)}); await (${settlePaint.toString()})(); return (${probeVideoLayers.toString()})(); })()`;
}
