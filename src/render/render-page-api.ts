/**
 * Code that runs inside the player page for the render engine (passed to page.evaluate, so each
 * function is self-contained).
 */

/**
 * Resolves once whatever the last seek changed has really been painted: images in the DOM
 * decoded, fonts loaded, then two animation frames. seekPlayer already waited two frames; most
 * instants need nothing more (slides are preloaded), so the extra frames are only spent when
 * something was still loading.
 */
export async function settlePaint(): Promise<boolean> {
  // The capture engine's end-of-playback repaint ticker (installPlayerApi) starts on the first
  // timeupdate near the end; it flickers one pixel, which a still picture must not have.
  const ticker = (window as unknown as { __bbbTailTicker?: HTMLElement }).__bbbTailTicker;
  const hadTicker = ticker?.isConnected === true;
  ticker?.remove();
  const pending = Array.from(document.images)
    .filter((img) => !img.complete)
    .map((img) => img.decode().catch(() => undefined));
  // A player keeps its second video in step by seeking it again on the first one's `seeking`
  // (the screen share follows the webcams); wait for every seek still in flight.
  const seeking = Array.from(document.querySelectorAll('video'))
    .filter((video) => video.seeking)
    .map((video) => new Promise((r) => video.addEventListener('seeked', r, { once: true })));
  pending.push(...seeking.map((p) => p.then(() => undefined)));
  const fontsLoading = document.fonts.status !== 'loaded';
  if (pending.length === 0 && !fontsLoading && !hadTicker) return false;
  await Promise.all(pending);
  await document.fonts.ready;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return true;
}
