/**
 * Renders one segment in one player page: for each instant, step the real player there, wait
 * until the page has painted it, and take a screenshot (CDP Page.captureScreenshot). The
 * pictures are written as PNG files for the segment's encoder, each with the video layers the
 * encoder draws over it. PNG rather than JPEG: lossless (slide text and thin lines keep every
 * pixel until the one encode, and the output came out 10 % smaller without JPEG's ringing to
 * encode), and Chromium's fast PNG path answered sooner than its JPEG at quality 92 (1080p
 * sample on a loaded 2-core machine: 47 ms vs 53 ms per picture; Playwright's page.screenshot
 * PNG took 66 ms). The encoder pays about 4 ms per picture more for RGB to YUV.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright';
import { CaptureError, throwIfAborted } from '../../errors.js';
import { seekTo } from '../../player/open-player.js';
import { PAGE_STEP_DEADLINE_MS, pageHung } from '../../player/page-hung.js';
import { withDeadline } from '../../player/with-deadline.js';
import type { RenderedFrame } from './build-render-args.js';
import type { RenderSegment } from './change-instants.js';
import { setVideosHidden, type VideoLayerProbe } from '../../player/probe-video-layers.js';
import { hybridStepScript } from './hybrid-step-script.js';
import { armFrameCallbacks, settlePaint } from './render-page-api.js';
import { snapLayer, timesBetween, type LayerBox } from '../../compose/video-layers.js';

/** A player page ready for stepping, with its CDP session. */
export interface RenderPage {
  page: Page;
  cdp: CDPSession;
  /** Length of the page's master media, seconds. */
  mediaDuration: number;
}

/**
 * The CDP screenshot request. optimizeForSpeed: Chromium's fastest zlib level (107 KB rather than
 * 72 KB at 1080p, still lossless, 13 ms sooner; ffmpeg also decoded the smaller files slower).
 */
export const SCREENSHOT_REQUEST = { format: 'png', optimizeForSpeed: true, fromSurface: true, captureBeyondViewport: false } as const;

/**
 * Where inside a frame's lifetime the player is seeked: half a millisecond after the instant.
 * A video frame whose timestamp is exactly the instant is then shown for sure (a seek landing a
 * rounding error before it would show the previous frame), and every timeline event at the
 * instant has fired (`time >= timestamp`).
 */
export const SEEK_INTO_MS = 0.5;

/** How renderSegment renders. */
export interface RenderSegmentOptions {
  /**
   * Hybrid path: the page is stepped by its time event alone, with its videos hidden, and
   * reports where they are (the encoder draws them from the source files). Otherwise the page
   * seeks and draws its videos itself, and every new video frame is a picture.
   */
  hybrid: boolean;
  /** Frame times (integer ms, sorted) of the videos the page can show, for the instants it draws them. */
  videoFrames: readonly number[];
  /** Output size, for snapping the video rectangles. */
  frame: { width: number; height: number };
  signal?: AbortSignal | undefined;
  onFrame: (timeMs: number) => void;
  /** The page had to draw its videos itself from this instant until the next timeline instant. */
  onPageOnly?: ((timeMs: number, reason: string) => void) | undefined;
}

/** One step on the page (PAGE_HUNG if the page does not answer in time). */
function step<T>(what: string, promise: Promise<T>): Promise<T> {
  return withDeadline(promise, PAGE_STEP_DEADLINE_MS, pageHung(what));
}

/**
 * Renders `segment` into `dir`: each timeline instant, and (where the page draws its videos
 * itself) every video frame until the next timeline instant. Calls onFrame after each picture.
 */
export async function renderSegment(target: RenderPage, segment: RenderSegment, dir: string, options: RenderSegmentOptions): Promise<RenderedFrame[]> {
  const frames: RenderedFrame[] = [];
  const writes: Promise<void>[] = [];
  const { page } = target;
  // Whether the page's videos are hidden, and whether they are at the instant last rendered.
  let hidden: boolean | undefined;
  let videosCurrent = false;
  const at = (timeMs: number) => Math.min((timeMs + SEEK_INTO_MS) / 1000, target.mediaDuration - 0.001);
  const shoot = async (timeMs: number, layers: LayerBox[]) => {
    const { data } = await step(`taking the picture at ${(timeMs / 1000).toFixed(3)} s`, target.cdp.send('Page.captureScreenshot', SCREENSHOT_REQUEST));
    const file = `${segment.index}-${frames.length}.${SCREENSHOT_REQUEST.format}`;
    // The write overlaps the next step; all are awaited before the segment is handed on.
    writes.push(writeFile(path.join(dir, file), Buffer.from(data, 'base64')));
    frames.push({ file, timeMs, layers });
    options.onFrame(timeMs);
  };
  const hide = async (value: boolean) => {
    if (hidden !== value) await step('hiding the videos', page.evaluate(setVideosHidden, value));
    hidden = value;
  };
  /** The page draws [timeMs, until) itself: the instant, then every video frame before `until`. */
  const drawInPage = async (timeMs: number, until: number) => {
    await hide(false);
    // Every time after the instant is a video frame's; the instant may be one too (frame times are whole ms).
    const atFrame = timesBetween(options.videoFrames, timeMs - 1, timeMs + 1).length > 0;
    for (const t of [timeMs, ...timesBetween(options.videoFrames, timeMs, until)]) {
      throwIfAborted(options.signal);
      // seeked fires before the new frame is composited: wait for it where one must appear.
      if (t !== timeMs || atFrame || !videosCurrent) await step('arming frame callbacks', page.evaluate(armFrameCallbacks));
      await seekTo(page, at(t));
      videosCurrent = true;
      await step('waiting for the paint', page.evaluate(settlePaint));
      await shoot(t, []);
    }
  };
  const instants = segment.instants;
  for (let i = 0; i < instants.length; i++) {
    throwIfAborted(options.signal);
    const timeMs = instants[i]!;
    const until = instants[i + 1] ?? segment.endMs;
    try {
      if (!options.hybrid) {
        await drawInPage(timeMs, until);
        continue;
      }
      await hide(true);
      videosCurrent = false;
      // One round trip: the time dispatched, its paint waited for, the video boxes read.
      const probe = await step(`stepping the page to ${(timeMs / 1000).toFixed(3)} s`, page.evaluate<VideoLayerProbe>(hybridStepScript(at(timeMs))));
      if (probe.pageOnly !== null) {
        options.onPageOnly?.(timeMs, probe.pageOnly);
        await drawInPage(timeMs, until);
        continue;
      }
      const layers = probe.layers.map((l) => snapLayer(l, options.frame)).filter((l): l is LayerBox => l !== undefined);
      await shoot(timeMs, layers);
    } catch (error) {
      throwIfAborted(options.signal);
      if (error instanceof CaptureError) throw error;
      throw new CaptureError('CHROMIUM_CRASHED', `the player page failed at ${(timeMs / 1000).toFixed(3)} s: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }
  await Promise.all(writes);
  return frames;
}
