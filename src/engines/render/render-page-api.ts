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
    .map(
      (video) =>
        new Promise<void>((resolve) => {
          video.requestVideoFrameCallback(() => resolve());
          setTimeout(resolve, 1000);
        }),
    );
  window.__bbbRenderShown = Promise.all(shown);
}

/**
 * Resolves once whatever the last seek changed has really been painted: new video frames
 * presented, seeks in flight settled, images in the DOM decoded, fonts loaded, then two animation
 * frames. seekPlayer already waited two frames, and dispatchTime (the hybrid step) until the DOM
 * stopped changing; most instants need nothing more (slides are preloaded), so the extra frames
 * are only spent when something was still pending. Returns whether it had to wait.
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
  // Bounded: an image that trickles in forever is painted as far as it got (the slides themselves
  // were preloaded; this is whatever else the page shows), and the picture is taken anyway.
  await Promise.race([Promise.all([...pending, document.fonts.ready]), new Promise((r) => setTimeout(r, 10_000))]);
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

/**
 * Tells the player `time` and waits until its page has stopped changing: its time event (no media
 * seek), or, for a player with the polled media clock (bbb-playback 2.3, which reads the time from
 * its webcams media), a seek of that media and its polls run at once (see
 * polled-clock-page-api.ts).
 *
 * "Stopped changing" is two task turns in a row without a DOM mutation. React 18 (bbb-playback
 * 5.x, createRoot) renders an update from outside its own events in a later task and runs its
 * effects in another; each turn here is a MessageChannel message, the channel React's scheduler
 * posts its own tasks to, so a turn ends after every task queued before it, and an update that
 * schedules the next one keeps the wait going. No animation frame is drawn meanwhile: the
 * screenshot draws the one frame that is taken (two animation frames here used to draw two
 * more, about 4.5 ms of Chromium's CPU and 7 ms of wall time a picture at 1080p). Bounded at 50
 * turns for a page that never stops changing.
 */
export async function dispatchTime(time: number): Promise<void> {
  let changed = false;
  const observer = new MutationObserver(() => {
    changed = true;
  });
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    const polls = window.__bbbPolledClock?.kept ?? [];
    const media = document.querySelector<HTMLMediaElement>('#webcams video, #webcams audio');
    if (polls.length > 0 && media) {
      media.pause();
      if (media.seeking || media.currentTime !== time) {
        const seeked = new Promise<void>((resolve) => {
          media.addEventListener('seeked', () => resolve(), { once: true });
          setTimeout(resolve, 10_000);
        });
        media.currentTime = time;
        await seeked;
      }
      for (const poll of polls) poll();
    } else {
      document.dispatchEvent(new CustomEvent('bbbplaybacktimeupdate', { detail: { time } }));
    }
    const turn = () =>
      new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve();
        };
        channel.port2.postMessage(null);
      });
    for (let quiet = 0, turns = 0; quiet < 2 && turns < 50; turns++) {
      changed = false;
      await turn();
      // Mutation records are delivered as a microtask of the task that made them: by now.
      quiet = changed ? 0 : quiet + 1;
    }
  } finally {
    observer.disconnect();
  }
}
