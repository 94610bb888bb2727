/**
 * Where the player shows the presentation (slides, whiteboard, cursor), read from the page (passed
 * to page.evaluate, so self-contained). The capture engine looks for its changes there only: the
 * rest of the page (the progress bar, the clock, the chat) changes on every time event.
 */

/** A rectangle of the page, CSS px (= output px). */
export interface PageBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The presentation's box: bbb-playback and the stand-in player give it `id="presentation"`
 * (class `presentation-wrapper`). Null when the page has none, or it is too small to show anything.
 */
export function probePresentationBox(): PageBox | null {
  const element = document.querySelector('#presentation') ?? document.querySelector('.presentation-wrapper');
  if (!element) return null;
  const r = element.getBoundingClientRect();
  const x = Math.max(0, r.left);
  const y = Math.max(0, r.top);
  const width = Math.min(window.innerWidth, r.right) - x;
  const height = Math.min(window.innerHeight, r.bottom) - y;
  return width >= 16 && height >= 16 ? { x, y, width, height } : null;
}
