/**
 * tldraw (BBB 3.0) page coordinates: the player scales every slide to fit 1440×1080 and puts it at
 * page (1, 1) (bbb-playback utils/tldraw.js createTldrawBackgroundShape), so a slide pixel p sits
 * at 1 + p × scale on the page.
 */
import { SLIDE_HEIGHT, SLIDE_WIDTH } from './plan-sample.js';

/** The player's MAX_IMAGE_WIDTH / MAX_IMAGE_HEIGHT for tldraw v2 slides. */
export const TLDRAW_MAX_WIDTH = 1440;
export const TLDRAW_MAX_HEIGHT = 1080;

/** Page units per slide pixel. */
export const TLDRAW_SCALE = Math.min(TLDRAW_MAX_WIDTH / SLIDE_WIDTH, TLDRAW_MAX_HEIGHT / SLIDE_HEIGHT);

/** A slide-pixel coordinate on the tldraw page, rounded to 0.01. */
export function toTldrawPage(slidePixels: number): number {
  return Math.round((1 + slidePixels * TLDRAW_SCALE) * 100) / 100;
}
