/**
 * Code that runs inside the player page during a live capture (passed to page.evaluate, so each
 * function is self-contained): the page plays with its `<video>` elements transparent, and this
 * watcher reports where the player would paint each video whenever that changes, with the page
 * clock of the frame the change is painted in. The compositor then draws the recording's own
 * webcam and screen-share frames into those boxes, so the videos in the output do not depend on
 * how many frames the tab capture kept.
 *
 * What triggers a look: the player's time event (every layout change the recording itself makes
 * follows it: screen share on and off, BBB 3.0's layout events), any attribute or child change in
 * the page (a layout, swap or fullscreen button), and a resize of the window or a video. Looks are
 * coalesced to one per animation frame and made in the animation-frame callback, where layout is
 * what that frame will paint. Where the compositor cannot draw a video as the player would
 * (something paints over it, an unknown video, another fit; see probeVideoLayers) the page draws
 * its videos itself until that is over: the boxes are then empty.
 *
 * It also keeps every time event (media time and page clock): the page shows the recording's
 * timeline as of its last time event, so these pairs say where the page fell behind the media
 * (a stall, a starved machine) and the page layer is put back on the recording's timeline there
 * (capture/compute-alignment.ts, pageLagSteps).
 */
import type { PageVideoLayer } from '../compose/video-layers.js';
import type { VideoLayerProbe } from './probe-video-layers.js';

/** One change of what the page shows: the boxes from the frame painted at `pageMs` on. */
export interface LayerChange {
  /** Page clock (performance.now, ms) of the animation frame that paints the change. */
  pageMs: number;
  /** The master media's time then, seconds (for logs and checks). */
  mediaTime: number;
  /** The videos to composite from then on; empty while the page draws them itself. */
  layers: PageVideoLayer[];
  /** Why the page draws its videos itself from then on, or null. */
  pageOnly: string | null;
}

/** A time event of the player: the media time it announced (s) and when, on the page clock (ms). */
export type TimeEvent = [mediaTime: number, pageMs: number];

declare global {
  interface Window {
    /** probeVideoLayers, installed as source text by the engine (see installVideoLayerProbe). */
    __bbbProbeVideoLayers?: () => VideoLayerProbe;
    __bbbLayerWatch?: { changes: LayerChange[]; timeEvents: TimeEvent[]; stop: () => void; probes: number; probeMs: number };
  }
}

/**
 * Starts the watcher; `hideClass` is the class on <html> that makes the videos transparent. The
 * first change is the state at the start (paused, before playback).
 */
export function watchVideoLayers(hideClass: string): void {
  const probe = window.__bbbProbeVideoLayers;
  if (!probe) throw new Error('the video layer probe is not installed');
  window.__bbbLayerWatch?.stop();
  const changes: LayerChange[] = [];
  const timeEvents: TimeEvent[] = [];
  let last = '';
  let scheduled = false;
  let stopped = false;
  const state = { changes, timeEvents, probes: 0, probeMs: 0, stop: () => undefined as undefined };
  const look = (now: number) => {
    scheduled = false;
    if (stopped) return;
    const started = performance.now();
    const found = probe();
    state.probes++;
    state.probeMs += performance.now() - started;
    const key = JSON.stringify(found);
    if (key === last) return;
    last = key;
    // The page draws its videos itself where the compositor cannot; otherwise they stay transparent.
    document.documentElement.classList.toggle(hideClass, found.pageOnly === null);
    const media = document.querySelector<HTMLMediaElement>('#webcams video, #webcams audio');
    changes.push({ pageMs: now, mediaTime: media?.currentTime ?? NaN, layers: found.pageOnly === null ? found.layers : [], pageOnly: found.pageOnly });
  };
  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    requestAnimationFrame(look);
  };
  const mutations = new MutationObserver(schedule);
  mutations.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'style', 'hidden', 'width', 'height'] });
  const resizes = new ResizeObserver(schedule);
  for (const video of Array.from(document.querySelectorAll('video'))) resizes.observe(video);
  const onVideoResize = (event: Event) => {
    if (event.target instanceof HTMLVideoElement) schedule();
  };
  // A video's own size (videoWidth) changes without a layout change: the fitted box moves.
  document.addEventListener('resize', onVideoResize, true);
  const onTime = (event: Event) => {
    const time = Number((event as CustomEvent<{ time?: unknown }>).detail?.time);
    if (Number.isFinite(time)) timeEvents.push([time, performance.now()]);
    schedule();
  };
  document.addEventListener('bbbplaybacktimeupdate', onTime);
  window.addEventListener('resize', schedule);
  state.stop = () => {
    stopped = true;
    mutations.disconnect();
    resizes.disconnect();
    document.removeEventListener('resize', onVideoResize, true);
    document.removeEventListener('bbbplaybacktimeupdate', onTime);
    window.removeEventListener('resize', schedule);
  };
  window.__bbbLayerWatch = state;
  schedule();
}

/** Stops the watcher, shows the videos again, and returns what it saw. */
export function stopVideoLayerWatch(hideClass: string): { changes: LayerChange[]; timeEvents: TimeEvent[]; probes: number; probeMs: number } {
  const state = window.__bbbLayerWatch;
  document.documentElement.classList.remove(hideClass);
  if (!state) return { changes: [], timeEvents: [], probes: 0, probeMs: 0 };
  state.stop();
  return { changes: state.changes, timeEvents: state.timeEvents, probes: state.probes, probeMs: state.probeMs };
}
