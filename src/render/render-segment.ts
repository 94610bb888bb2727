/**
 * Renders one segment in one player page: for each instant, seek the real player there, wait
 * until the page has painted it, and take a screenshot (CDP Page.captureScreenshot). The
 * pictures are written as JPEG files for the segment's encoder.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright';
import { CaptureError, throwIfAborted } from '../errors.js';
import { seekTo } from '../player/open-player.js';
import type { RenderedFrame } from './build-render-args.js';
import type { RenderSegment } from './change-instants.js';
import { armFrameCallbacks, settlePaint } from './render-page-api.js';

/** A player page ready for stepping, with its CDP session. */
export interface RenderPage {
  page: Page;
  cdp: CDPSession;
  /** Length of the page's master media, seconds. */
  mediaDuration: number;
}

/** JPEG quality of the screenshots: high enough that slide text and frame codes survive the re-encode. */
export const SCREENSHOT_QUALITY = 92;

/**
 * Where inside a frame's lifetime the player is seeked: half a millisecond after the instant.
 * A video frame whose timestamp is exactly the instant is then shown for sure (a seek landing a
 * rounding error before it would show the previous frame), and every timeline event at the
 * instant has fired (`time >= timestamp`).
 */
export const SEEK_INTO_MS = 0.5;

/**
 * Renders `segment` into `dir`; calls onFrame after each picture. `videoFrameInstants` are the
 * instants at which a visible video shows a new frame (so its presentation is awaited).
 */
export async function renderSegment(
  target: RenderPage,
  segment: RenderSegment,
  dir: string,
  options: { videoFrameInstants: ReadonlySet<number>; signal?: AbortSignal | undefined; onFrame: (timeMs: number) => void },
): Promise<RenderedFrame[]> {
  const frames: RenderedFrame[] = [];
  const writes: Promise<void>[] = [];
  for (const timeMs of segment.instants) {
    throwIfAborted(options.signal);
    const seekTime = Math.min((timeMs + SEEK_INTO_MS) / 1000, target.mediaDuration - 0.001);
    let data: string;
    try {
      // The page came from elsewhere at a segment's first instant: its video frame may differ too.
      if (options.videoFrameInstants.has(timeMs) || timeMs === segment.startMs) await target.page.evaluate(armFrameCallbacks);
      await seekTo(target.page, seekTime);
      await target.page.evaluate(settlePaint);
      // optimizeForSpeed: Chromium's fast JPEG path; quality stays at SCREENSHOT_QUALITY.
      ({ data } = await target.cdp.send('Page.captureScreenshot', { format: 'jpeg', quality: SCREENSHOT_QUALITY, optimizeForSpeed: true, fromSurface: true, captureBeyondViewport: false }));
    } catch (error) {
      throwIfAborted(options.signal);
      throw new CaptureError('CHROMIUM_CRASHED', `the player page failed at ${(timeMs / 1000).toFixed(3)} s: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    const file = `${segment.index}-${frames.length}.jpg`;
    // The write overlaps the next seek; all are awaited before the segment is handed on.
    writes.push(writeFile(path.join(dir, file), Buffer.from(data, 'base64')));
    frames.push({ file, timeMs });
    options.onFrame(timeMs);
  }
  await Promise.all(writes);
  return frames;
}
