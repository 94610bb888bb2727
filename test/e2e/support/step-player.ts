/**
 * Drives a BBB player page the way a frame-stepping capture does (see docs/bbb-playback.md §4):
 * pause, seek the webcams and the screen-share video, await `seeked` on both, dispatch the
 * player's time event with that time (or run bbb-playback 2.3's poll), wait two animation frames. Works with the real player and
 * the stand-in alike, because it only uses the documented landmarks.
 *
 * One addition to the documented recipe: it also waits for requestVideoFrameCallback on each
 * visible video. Without it, about one step in thirty showed the previous position's webcam frame
 * (Chromium 156: `seeked` fires when the frame is decoded, not when it is composited). And after
 * the two frames it waits for the player's DOM to be still: BBB's tldraw v2 whiteboard showed the
 * previous instant's shapes two frames after the event, and grey placeholders for a while after
 * a screen share.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Page } from '@playwright/test';
import { readCodes } from '../../../src/frame-code/frame-code.js';
import { clockContractKept, countClockListeners } from '../../../src/player/player-page-api.js';
import { notePolledClock, probePolledClock } from '../../../src/player/polled-clock-page-api.js';
import type { SampleTruth } from '../../../src/sample/sample-truth.js';
import { decodePng } from './decode-png.js';

const FONT_URL = /^https:\/\/unpkg\.com\/@bigbluebutton\/assets@[^/]+\/fonts\/[^/]+\.woff2$/;
const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/**
 * Keeps the page on this machine and answers BBB 3.0's whiteboard font requests to unpkg.com
 * with a local font ('serve', as bbb-capture does) or a network error ('fail', as offline).
 * Returns the font URLs requested. Call before opening the player.
 */
export async function routeFonts(page: Page, how: 'serve' | 'fail'): Promise<string[]> {
  const requested: string[] = [];
  const font = how === 'serve' ? await readFile(FONT_FILE) : Buffer.alloc(0);
  // Nothing may leave the machine. (Routes registered later are tried first.)
  await page.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort('blockedbyclient'),
  );
  await page.route(FONT_URL, async (route) => {
    requested.push(route.request().url());
    if (how === 'fail') return route.abort('internetdisconnected');
    return route.fulfill({ status: 200, body: font, headers: { 'content-type': 'font/ttf', 'access-control-allow-origin': '*' } });
  });
  return requested;
}

/** Opens a recording URL and waits for the player screen (or its error screen). */
export async function openPlayer(page: Page, url: string): Promise<'player' | 'error'> {
  // As bbb-capture does: note whether the player listens to its time event, and keep the poll a
  // player without it starts on play (bbb-playback 2.3's polled clock), so stepTo can run it.
  await page.addInitScript(countClockListeners);
  await page.addInitScript(notePolledClock);
  await page.goto(url);
  const first = await page.waitForSelector('#player.player-wrapper, #error', { timeout: 60_000 });
  return (await first.getAttribute('id')) === 'error' ? 'error' : 'player';
}

/** Waits until the webcams media has data, and every slide image of the recording is decoded. */
export async function waitUntilReady(page: Page, slideUrls: readonly string[]): Promise<void> {
  await page.waitForFunction(() => (document.querySelector<HTMLMediaElement>('#webcams video')?.readyState ?? 0) >= 2, null, { timeout: 60_000 });
  // A player with the polled clock starts its poll on its first play: a muted play and pause now.
  if (!(await page.evaluate(clockContractKept))) await page.evaluate(probePolledClock);
  // Slides change by swapping an image's href; decoding them first lets a change paint at once.
  await page.evaluate(
    async (urls) => {
      const keep: HTMLImageElement[] = [];
      (window as unknown as { __slides: HTMLImageElement[] }).__slides = keep;
      await Promise.all(
        urls.map(async (url) => {
          const img = new Image();
          img.src = url;
          keep.push(img);
          await img.decode();
        }),
      );
      await document.fonts.ready;
    },
    [...slideUrls],
  );
}

/** Steps the player to `time` (paused); returns the webcams and screen-share media times. */
export async function stepTo(page: Page, time: number): Promise<{ webcams: number; screenshare: number | null }> {
  return page.evaluate(async (t) => {
    const webcams = document.querySelector<HTMLMediaElement>('#webcams video')!;
    const screenshare = document.querySelector<HTMLMediaElement>('#screenshare video');
    webcams.pause();
    screenshare?.pause();
    const media = screenshare ? [webcams, screenshare] : [webcams];
    const seeked = media.map((el) => new Promise((resolve) => el.addEventListener('seeked', resolve, { once: true })));
    // `seeked` only says the frame is decoded; a visible video may paint it a frame later.
    const shown = media
      .filter((el): el is HTMLVideoElement => el instanceof HTMLVideoElement && el.getClientRects().length > 0 && el.videoWidth > 0 && el.currentTime !== t)
      .map(
        (el) =>
          new Promise((resolve) => {
            el.requestVideoFrameCallback(() => resolve(undefined));
            setTimeout(() => resolve(undefined), 1000);
          }),
      );
    for (const el of media) el.currentTime = t;
    await Promise.all(seeked);
    // Seeking to the very time shown presents no new frame (skipped above); the timeout is a guard.
    await Promise.all(shown);
    document.dispatchEvent(new CustomEvent('bbbplaybacktimeupdate', { detail: { time: t } }));
    // The polled clock (bbb-playback 2.3) reads the seeked time now rather than at its next poll.
    for (const poll of window.__bbbPolledClock?.kept ?? []) poll();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    // BBB's tldraw v2 whiteboard applies the time in a React effect and paints a frame or more
    // later, and after its area was hidden (screen share) it may draw shapes as grey placeholders
    // (.tl-shape__culled) for a while: go on until the player's DOM has been still for two frames
    // with no placeholder left (at most about 2 s).
    let changed = false;
    const observer = new MutationObserver(() => (changed = true));
    observer.observe(document.querySelector('#player') ?? document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    for (let quiet = 0, frames = 0; quiet < 2 && frames < 120; frames++) {
      changed = false;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const placeholders = document.querySelector('#presentation:not(.inactive) .tl-shape__culled') !== null;
      quiet = changed || placeholders ? 0 : quiet + 1;
    }
    observer.disconnect();
    return { webcams: webcams.currentTime, screenshare: screenshare ? screenshare.currentTime : null };
  }, time);
}

/**
 * Shows the first slide and waits until it is on screen: BBB's tldraw v2 whiteboard mounts only
 * once the presentation has started, then loads its fonts, so its first picture comes late.
 */
export async function warmUp(page: Page, truth: SampleTruth): Promise<void> {
  const first = truth.slides[0];
  if (!first) return;
  const t = (first.start + first.end) / 2;
  await expect
    .poll(
      async () => {
        await stepTo(page, t);
        return readCodes(decodePng(await page.screenshot())).some((c) => c.kind === 'slide' && c.value === first.index);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}
