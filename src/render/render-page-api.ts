/**
 * Code that runs inside the player page for the render engine (passed to page.evaluate, so each
 * function is self-contained).
 */

declare global {
  interface Window {
    /** Resolves when every visible video has presented a new frame (armFrameCallbacks). */
    __bbbRenderShown?: Promise<unknown>;
  }
}

/**
 * Call before a seek that changes a visible video's frame: `seeked` fires when the frame is
 * decoded, not when it is composited, and about one step in thirty showed the previous frame
 * without this (Chromium 156, test/e2e/support/step-player.ts). The render engine knows the
 * videos' frame times, so it arms this only where a new frame must appear; the timeout guards a
 * seek that lands on the frame already shown.
 */
export function armFrameCallbacks(): void {
  const shown = Array.from(document.querySelectorAll('video'))
    .filter((video) => video.getClientRects().length > 0 && video.videoWidth > 0)
    .map((video) => new Promise<void>((resolve) => {
      video.requestVideoFrameCallback(() => resolve());
      setTimeout(resolve, 1000);
    }));
  window.__bbbRenderShown = Promise.all(shown);
}

/**
 * Resolves once whatever the last seek changed has really been painted: new video frames
 * presented, seeks in flight settled, images in the DOM decoded, fonts loaded, then two animation
 * frames. seekPlayer already waited two frames; most instants need nothing more (slides are
 * preloaded), so the extra frames are only spent when something was still pending. Returns
 * whether it had to wait.
 */
export async function settlePaint(): Promise<boolean> {
  // The capture engine's end-of-playback repaint ticker (installPlayerApi) starts on the first
  // timeupdate near the end; it flickers one pixel, which a still picture must not have.
  const ticker = (window as unknown as { __bbbTailTicker?: HTMLElement }).__bbbTailTicker;
  const hadTicker = ticker?.isConnected === true;
  ticker?.remove();
  const pending: Array<Promise<unknown>> = Array.from(document.images)
    .filter((img) => !img.complete)
    .map((img) => img.decode().catch(() => undefined));
  // A player keeps its second video in step by seeking it again on the first one's `seeking`
  // (the screen share follows the webcams); wait for every seek still in flight.
  for (const video of Array.from(document.querySelectorAll('video'))) {
    if (video.seeking) pending.push(new Promise((r) => video.addEventListener('seeked', r, { once: true })));
  }
  if (window.__bbbRenderShown) pending.push(window.__bbbRenderShown);
  window.__bbbRenderShown = undefined;
  const fontsLoading = document.fonts.status !== 'loaded';
  const tldraw = document.querySelector('.tl-container, .tl-shape') !== null;
  if (pending.length === 0 && !fontsLoading && !hadTicker && !tldraw) return false;
  await Promise.all(pending);
  await document.fonts.ready;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  if (tldraw) {
    // BBB's tldraw v2 whiteboard applies the time in a React effect and paints a frame or more
    // later, and after a screen share it draws grey placeholders (.tl-shape__culled) for a while:
    // go on until the player's DOM has been still for two frames with no placeholder (at most ~2 s).
    let changed = false;
    const observer = new MutationObserver(() => (changed = true));
    observer.observe(document.querySelector('#player') ?? document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    for (let quiet = 0, frames = 0; quiet < 2 && frames < 120; frames++) {
      changed = false;
      await new Promise((r) => requestAnimationFrame(r));
      const placeholders = document.querySelector('#presentation:not(.inactive) .tl-shape__culled') !== null;
      quiet = changed || placeholders ? 0 : quiet + 1;
    }
    observer.disconnect();
  }
  return true;
}

/** A video the page would show, and where: the rectangle its picture fills (CSS px = output px). */
export interface PageVideoLayer {
  /** Which of the recording's videos: the webcams or the screen share. */
  kind: 'webcams' | 'screenshare';
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What probeVideoLayers found at the current instant. */
export interface VideoLayerProbe {
  layers: PageVideoLayer[];
  /** Why this instant cannot be composited (the page must draw its videos itself), or null. */
  pageOnly: string | null;
}

/** Class on <html> that hides the videos for the hybrid path (see hideVideosCss). */
export const HIDE_VIDEOS_CLASS = 'bbb-capture-hide-videos';

/**
 * CSS of the hybrid path. Videos are made transparent, not `visibility: hidden`, so they keep
 * their box and stay hit-testable for the covering check; what shows through is what the player
 * paints behind them (the video.js box's background, as in the letterbox bars). Nobody points at
 * a rendered page, so every element takes part in hit-testing, including the `pointer-events:
 * none` overlays that elementsFromPoint would otherwise skip.
 */
export function hideVideosCss(): string {
  return `html.${HIDE_VIDEOS_CLASS} video { opacity: 0 !important; }
html.${HIDE_VIDEOS_CLASS} * { pointer-events: auto !important; }`;
}

/** Shows or hides the page's videos (hybrid path vs the page drawing them itself). */
export function setVideosHidden(hidden: boolean): void {
  document.documentElement.classList.toggle('bbb-capture-hide-videos', hidden);
}

/** Dispatches the player's time event with `time` and waits two animation frames (no media seek). */
export async function dispatchTime(time: number): Promise<void> {
  document.dispatchEvent(new CustomEvent('bbbplaybacktimeupdate', { detail: { time } }));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
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
    if (['Top', 'Right', 'Bottom', 'Left'].some((side) => style.getPropertyValue(`border-${side.toLowerCase()}-style`) !== 'none' && parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) > 0)) return true;
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
          if (!el.contains(video) && paints(el)) return { layers, pageOnly: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''} covers the ${kind} video` };
        }
      }
    }
    layers.push(layer);
  }
  return { layers, pageOnly: null };
}
