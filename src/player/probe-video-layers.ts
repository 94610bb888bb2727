/**
 * Where the player paints its videos, read from the page (passed to page.evaluate, so each
 * function is self-contained). Both engines use it: the page is drawn with its `<video>` elements
 * transparent, and the compositor draws the recording's own webcam and screen-share frames into
 * the boxes found here (see docs/how-it-works.md, "The page layer and the video boxes").
 */

import type { PageVideoLayer } from '../compose/video-layers.js';

/** What probeVideoLayers found at the current instant. */
export interface VideoLayerProbe {
  layers: PageVideoLayer[];
  /** Why this instant cannot be composited (the page must draw its videos itself), or null. */
  pageOnly: string | null;
}

/** Class on <html> that makes the videos transparent (see hideVideosCss). */
export const HIDE_VIDEOS_CLASS = 'bbb-capture-hide-videos';
/** Class on <html> that makes every element take part in hit-testing while the boxes are probed. */
export const PROBING_CLASS = 'bbb-capture-probing';

/**
 * CSS of the hybrid path. Videos are made transparent, not `visibility: hidden`, so they keep
 * their box and stay hit-testable for the covering check; what shows through is what the player
 * paints behind them (the video.js box's background, as in the letterbox bars). Nobody points at
 * a rendered page, so every element takes part in hit-testing, including the `pointer-events:
 * none` overlays that elementsFromPoint would otherwise skip.
 */
export function hideVideosCss(): string {
  return `html.${HIDE_VIDEOS_CLASS} video { opacity: 0 !important; }
html.${PROBING_CLASS} * { pointer-events: auto !important; }`;
}

/**
 * Shows or hides the page's videos (composited vs the page drawing them itself). Hit-testing
 * stays on for every element either way, so what covers a video is seen whether or not it shows.
 */
export function setVideosHidden(hidden: boolean): void {
  document.documentElement.classList.add('bbb-capture-probing');
  document.documentElement.classList.toggle('bbb-capture-hide-videos', hidden);
}

/**
 * The videos the player shows now and the rectangles their pictures fill, computed as the
 * browser lays them out: the element's box, then `object-fit` (contain, the default, or fill) and
 * `object-position` applied to the video's own size. An instant is `pageOnly` when compositing it
 * outside the page could differ from the player: a video other than the webcams or screen share,
 * another fit, a transform, or anything painted over a video (sampled on a 5x5 grid with
 * elementsFromPoint, skipping boxes that paint nothing).
 */
export function probeVideoLayers(): VideoLayerProbe {
  const layers: PageVideoLayer[] = [];
  const paints = (el: Element): boolean => {
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || Number(style.opacity) === 0) return false;
    if (el instanceof HTMLImageElement || el instanceof HTMLCanvasElement || el instanceof HTMLIFrameElement || el instanceof HTMLVideoElement) return true;
    if (el instanceof SVGElement && !(el instanceof SVGSVGElement) && !(el instanceof SVGGElement)) return true;
    if (style.backgroundColor !== 'rgba(0, 0, 0, 0)' || style.backgroundImage !== 'none' || style.boxShadow !== 'none') return true;
    if (
      ['Top', 'Right', 'Bottom', 'Left'].some(
        (side) => style.getPropertyValue(`border-${side.toLowerCase()}-style`) !== 'none' && parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) > 0,
      )
    )
      return true;
    return Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
  };
  const shown = (video: HTMLVideoElement): boolean => {
    if (video.getClientRects().length === 0 || video.videoWidth === 0 || video.videoHeight === 0) return false;
    for (let el: Element | null = video; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible' && el === video) return false;
      if (el !== video && Number(style.opacity) === 0) return false;
    }
    const rect = video.getBoundingClientRect();
    return rect.right > 0 && rect.bottom > 0 && rect.left < innerWidth && rect.top < innerHeight;
  };
  for (const video of Array.from(document.querySelectorAll('video'))) {
    if (!shown(video)) continue;
    const kind = video.closest('#webcams') ? 'webcams' : video.closest('#screenshare') ? 'screenshare' : null;
    if (!kind) return { layers, pageOnly: `a video outside #webcams and #screenshare (${video.currentSrc || video.id || 'no source'})` };
    for (let el: Element | null = video; el; el = el.parentElement) {
      if (getComputedStyle(el).transform !== 'none') return { layers, pageOnly: `a transformed ${kind} video` };
    }
    const style = getComputedStyle(video);
    const box = video.getBoundingClientRect();
    const [vw, vh] = [video.videoWidth, video.videoHeight];
    let [width, height] = [box.width, box.height];
    if (style.objectFit === 'contain') {
      const scale = Math.min(box.width / vw, box.height / vh);
      [width, height] = [vw * scale, vh * scale];
    } else if (style.objectFit !== 'fill') {
      return { layers, pageOnly: `object-fit ${style.objectFit} on the ${kind} video` };
    }
    // object-position: two lengths or percentages (the default is "50% 50%").
    const [px, py] = style.objectPosition.split(' ').map((v, i) => {
      const free = i === 0 ? box.width - width : box.height - height;
      return v.endsWith('%') ? (free * parseFloat(v)) / 100 : parseFloat(v);
    });
    const layer = { kind, x: box.left + (px ?? 0), y: box.top + (py ?? 0), width, height } as const;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const x = layer.x + ((i + 0.5) * layer.width) / 5;
        const y = layer.y + ((j + 0.5) * layer.height) / 5;
        for (const el of document.elementsFromPoint(x, y)) {
          if (el === video) break;
          if (!el.contains(video) && paints(el))
            return {
              layers,
              pageOnly: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''} covers the ${kind} video`,
            };
        }
      }
    }
    layers.push(layer);
  }
  return { layers, pageOnly: null };
}
