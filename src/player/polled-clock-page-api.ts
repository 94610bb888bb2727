/**
 * The second clock a BBB player can keep, for bbb-playback 2.3.x, which never dispatches its time
 * event: on the webcams player's first `play` it starts `setInterval(() =>
 * onTime(webcams.currentTime()), 1000 / rps)` and every component follows the time that poll
 * hands over. We call it the **polled media clock** (docs/how-it-works.md). These functions run
 * inside the player page (passed to page.evaluate or addInitScript, so each is self-contained):
 * the init script keeps the poll callbacks, so a step can run them at once instead of waiting for
 * the timer, and can stop the timer from moving the page between a step and its picture.
 */

/** The polls the page started from a media element's `play` event, and which of them are its clock. */
export interface PolledClock {
  /** Callbacks registered with setInterval while a media element's `play` event was dispatched. */
  polls: Array<() => void>;
  /** The polls that read the webcams media's time and hand it over without the time event (probePolledClock). */
  kept: Array<() => void>;
  /** While true the timer no longer runs the polls: only a step does (holdPolledClock). */
  held: boolean;
}

declare global {
  interface Window {
    __bbbPolledClock?: PolledClock;
  }
}

/**
 * Init script (before the player's own code runs): wraps window.setInterval and keeps every
 * callback registered while a media element's `play` event is being dispatched (window.event),
 * which is where bbb-playback 2.3 starts its poll (video.js relays the native event synchronously).
 * Other intervals pass through untouched.
 */
export function notePolledClock(): void {
  const clock: PolledClock = { polls: [], kept: [], held: false };
  Object.defineProperty(window, '__bbbPolledClock', { value: clock, configurable: true });
  const setIntervalOriginal = window.setInterval.bind(window) as (handler: TimerHandler, timeout?: number, ...args: unknown[]) => number;
  const wrapped = (handler: TimerHandler, timeout?: number, ...args: unknown[]): number => {
    const event = window.event;
    if (typeof handler === 'function' && event?.type === 'play' && event.target instanceof HTMLMediaElement) {
      const poll = () => void (handler as (...a: unknown[]) => unknown)(...args);
      clock.polls.push(poll);
      return setIntervalOriginal(() => (clock.held ? undefined : poll()), timeout);
    }
    return setIntervalOriginal(handler, timeout, ...args);
  };
  window.setInterval = wrapped as unknown as typeof window.setInterval;
}

/**
 * Whether the page keeps the polled media clock; fills `kept`. If no poll has been started yet
 * (the player starts it on its first `play`), plays the webcams media once, muted, and pauses it
 * at once, then puts its time and sound back. A poll counts as the clock when, run once, it reads
 * the webcams media's currentTime and dispatches no `bbbplaybacktimeupdate` (a player that polls
 * only to dispatch that event keeps the event contract, or none if nobody listens).
 */
export async function probePolledClock(): Promise<boolean> {
  const clock = window.__bbbPolledClock;
  const media = document.querySelector<HTMLMediaElement>('#webcams video, #webcams audio');
  if (!clock || !media) return false;
  if (clock.polls.length === 0) {
    const { muted, currentTime } = media;
    media.muted = true;
    const played = new Promise<void>((resolve) => {
      media.addEventListener('play', () => resolve(), { once: true });
      setTimeout(resolve, 5000);
    });
    // play() settles when playback starts; the `play` event (where the poll starts) comes first.
    media.play().catch(() => undefined);
    await played;
    media.pause();
    if (media.currentTime !== currentTime) {
      const seeked = new Promise<void>((resolve) => {
        media.addEventListener('seeked', () => resolve(), { once: true });
        setTimeout(resolve, 10_000);
      });
      media.currentTime = currentTime;
      await seeked;
    }
    media.muted = muted;
  }
  const kept: Array<() => void> = [];
  const ownTime = Object.getOwnPropertyDescriptor(media, 'currentTime');
  const ownDispatch = Object.getOwnPropertyDescriptor(document, 'dispatchEvent');
  const dispatch = document.dispatchEvent;
  for (const poll of clock.polls) {
    let read = false;
    let dispatched = false;
    const time = media.currentTime;
    Object.defineProperty(media, 'currentTime', {
      configurable: true,
      get: () => {
        read = true;
        return time;
      },
    });
    Object.defineProperty(document, 'dispatchEvent', {
      configurable: true,
      value: (event: Event) => {
        if (event.type === 'bbbplaybacktimeupdate') dispatched = true;
        return dispatch.call(document, event);
      },
    });
    try {
      poll();
    } catch {
      // A poll that throws is no clock.
      read = false;
    } finally {
      if (ownTime) Object.defineProperty(media, 'currentTime', ownTime);
      else delete (media as { currentTime?: number }).currentTime;
      if (ownDispatch) Object.defineProperty(document, 'dispatchEvent', ownDispatch);
      else delete (document as { dispatchEvent?: unknown }).dispatchEvent;
    }
    if (read && !dispatched) kept.push(poll);
  }
  clock.kept = kept;
  return kept.length > 0;
}

/** Stops the timer from running the clock's polls: from now on only a step moves the page (render engine). */
export function holdPolledClock(): void {
  if (window.__bbbPolledClock) window.__bbbPolledClock.held = true;
}
