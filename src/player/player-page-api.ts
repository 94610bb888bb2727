/**
 * Code that runs inside the player page (passed to page.evaluate, so each function is
 * self-contained). It drives the player's master clock, the `#webcams` media element, the way the
 * player itself does, and samples when each media frame is really presented, so the capture can
 * be cut exactly at the recording's first frame.
 */

/** A presented frame: media time (s) and the page clock (ms, performance.now) it was displayed at. */
export type FrameSample = [mediaTime: number, displayTime: number];

export interface PlayerStatus {
  currentTime: number;
  duration: number;
  paused: boolean;
  ended: boolean;
  readyState: number;
  networkState: number;
  error: string | null;
  waiting: boolean;
}

declare global {
  interface Window {
    __bbbPlayer?: {
      media: HTMLMediaElement;
      samples: FrameSample[];
      playCalledAt: number | null;
      waiting: boolean;
      stopAt: number | null;
    };
  }
}

/** Finds the master media element and installs the API; returns its kind. */
export function installPlayerApi(): 'video' | 'audio' | null {
  const media = document.querySelector<HTMLMediaElement>('#webcams video, #webcams audio, video.vjs-tech, audio.vjs-tech');
  if (!media) return null;
  const api = { media, samples: [] as FrameSample[], playCalledAt: null as number | null, waiting: false, stopAt: null as number | null };
  window.__bbbPlayer = api;
  media.addEventListener('waiting', () => (api.waiting = true));
  media.addEventListener('playing', () => (api.waiting = false));
  media.addEventListener('timeupdate', () => {
    if (api.stopAt !== null && media.currentTime >= api.stopAt && !media.paused) media.pause();
  });
  return media instanceof HTMLVideoElement ? 'video' : 'audio';
}

/** Media state for readiness checks. */
export function mediaReadiness(): { readyState: number; duration: number; error: string | null } {
  const media = window.__bbbPlayer?.media;
  if (!media) return { readyState: -1, duration: NaN, error: 'no media element' };
  return { readyState: media.readyState, duration: media.duration, error: media.error ? `${media.error.code} ${media.error.message}` : null };
}

/**
 * Pauses at `time`, seeks every media element of the player (webcams and screen share), waits
 * for them to settle, tells the player's components the time (its time event, or its polled
 * clock's polls run at once), and waits for two painted frames.
 */
export async function seekPlayer(time: number): Promise<number> {
  const api = window.__bbbPlayer!;
  const media = api.media;
  media.pause();
  const others = Array.from(document.querySelectorAll<HTMLMediaElement>('#screenshare video'));
  const settle = (el: HTMLMediaElement) =>
    new Promise<void>((resolve) => {
      if (!el.seeking && Math.abs(el.currentTime - time) < 0.001) return resolve();
      el.addEventListener('seeked', () => resolve(), { once: true });
    });
  const waits = [media, ...others].map(settle);
  media.currentTime = time;
  for (const el of others) if (Math.abs(el.currentTime - time) >= 0.001) el.currentTime = Math.min(time, Number.isFinite(el.duration) ? el.duration : time);
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 10_000))]);
  document.dispatchEvent(new CustomEvent('bbbplaybacktimeupdate', { detail: { time: media.currentTime } }));
  // A player with the polled media clock (bbb-playback 2.3) reads the new time now, not at its next poll.
  for (const poll of window.__bbbPolledClock?.kept ?? []) poll();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return media.currentTime;
}

/**
 * Starts playback and samples presentation times: every frame during the first second, then
 * one a second (for drift). For audio-only media the page clock is sampled against currentTime.
 */
export async function startPlayback(stopAt: number | null): Promise<void> {
  const api = window.__bbbPlayer!;
  const media = api.media;
  api.stopAt = stopAt;
  api.samples = [];
  const first = performance.now();
  let lastSparse = 0;
  // Audio-only recordings play in a <video> element too, which then presents no frames.
  if (media instanceof HTMLVideoElement && media.videoWidth > 0 && 'requestVideoFrameCallback' in media) {
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      const t = meta.expectedDisplayTime;
      if (t - first < 1500 || t - lastSparse > 1000) {
        api.samples.push([meta.mediaTime, t]);
        if (t - first >= 1500) lastSparse = t;
      }
      if (!media.ended) media.requestVideoFrameCallback(onFrame);
    };
    media.requestVideoFrameCallback(onFrame);
  } else {
    // Audio only: currentTime follows the audio clock; keep the earliest page time seen for each value.
    let last = -1;
    const tick = () => {
      const now = performance.now();
      if (!media.paused && media.currentTime !== last) {
        last = media.currentTime;
        if (now - first < 1500 || now - lastSparse > 1000) {
          api.samples.push([media.currentTime, now]);
          if (now - first >= 1500) lastSparse = now;
        }
      }
      if (!media.ended) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  api.playCalledAt = performance.now();
  // The player may pause itself at once (a screen share still buffering); the status polling
  // sees that as a stall if it lasts, so an interrupted play() is not an error here.
  await media.play().catch((error: unknown) => {
    if (!(error instanceof DOMException && error.name === 'AbortError')) throw error;
  });
}

/** A snapshot of the master media for progress, end and stall detection. */
export function playerStatus(): PlayerStatus {
  const api = window.__bbbPlayer!;
  const m = api.media;
  return {
    currentTime: m.currentTime,
    duration: m.duration,
    paused: m.paused,
    ended: m.ended,
    readyState: m.readyState,
    networkState: m.networkState,
    error: m.error ? `${m.error.code} ${m.error.message}` : null,
    waiting: api.waiting,
  };
}

/** Presentation samples of the playback so far (see startPlayback). */
export function playerSamples(): { samples: FrameSample[]; playCalledAt: number | null } {
  const api = window.__bbbPlayer!;
  return { samples: api.samples, playCalledAt: api.playCalledAt };
}

/** Pauses playback (used when a part of the recording has been captured). */
export function pausePlayer(): void {
  window.__bbbPlayer?.media.pause();
}

/**
 * Waits until fonts are loaded and the page has not changed for two animation frames, up to
 * `maxMs`. Some players draw late: BBB 3.0's tldraw whiteboard mounts, loads its fonts and draws
 * only after the first time event, with placeholder shapes for a while. Returns whether it settled.
 */
export async function waitForStillPage(maxMs: number): Promise<boolean> {
  const start = performance.now();
  let changed = true;
  const observer = new MutationObserver(() => (changed = true));
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    let still = 0;
    while (performance.now() - start < maxMs) {
      // Bounded: a font that never loads must not hold the page past maxMs.
      await Promise.race([document.fonts.ready, new Promise((r) => setTimeout(r, Math.max(0, maxMs - (performance.now() - start))))]);
      changed = false;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const placeholders = document.querySelector('.tl-shape__culled, .tl-loading');
      still = changed || placeholders ? 0 : still + 1;
      if (still >= 2) return true;
    }
    return false;
  } finally {
    observer.disconnect();
  }
}

/** Changes one pixel's worth of the page invisibly, so the compositor paints (and tab capture sends) a frame. */
export async function repaintOnce(): Promise<void> {
  const dot = document.createElement('div');
  // A real (if imperceptible) change: the compositor skips changes it cannot see.
  dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483646;background:rgba(128,128,128,0.02);';
  document.body.appendChild(dot);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  dot.remove();
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

/**
 * Init script (before the player's own code runs): counts the listeners the page adds for the
 * player's time event on document or window, so the job can tell whether the player keeps time by
 * it (the clock contract the render engine steps it by) without playing anything.
 */
export function countClockListeners(): void {
  const add = EventTarget.prototype.addEventListener;
  let count = 0;
  Object.defineProperty(window, '__bbbClockListeners', { get: () => count, configurable: true });
  EventTarget.prototype.addEventListener = function (
    this: EventTarget,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ) {
    if (type === 'bbbplaybacktimeupdate' && (this === document || this === window)) count++;
    return add.call(this, type, listener, options);
  };
}

/** Whether the player listens to its time event (see countClockListeners). */
export function clockContractKept(): boolean {
  return ((window as unknown as { __bbbClockListeners?: number }).__bbbClockListeners ?? 0) > 0;
}
