/**
 * The per-recording choices a batch list or a queued job may carry: which part, which layout, what
 * size and container. Everything else (tool paths, timeouts, bitrates) belongs to the machine that
 * captures and comes from its command line.
 */
import { createHash } from 'node:crypto';
import type { OutputFormat } from '../compose/output-format.js';
import type { PageLayout } from '../player/layout-css.js';
import { RESOLUTIONS, type RecordOptions, type Resolution } from '../options/record-options.js';

/** Options one item may set; unset ones fall back to the batch's (or worker's) flags. */
export interface CaptureSettings {
  from?: number | undefined;
  to?: number | undefined;
  layout?: PageLayout | undefined;
  resolution?: Resolution | undefined;
  format?: OutputFormat | undefined;
}

/** RecordOptions without what each capture gets on its own (url, output, events, signal). */
export type BaseCaptureOptions = Omit<RecordOptions, 'url' | 'output' | 'onEvent' | 'signal'>;

export const LAYOUTS: readonly PageLayout[] = ['player', 'content', 'webcams'];
export const FORMATS: readonly OutputFormat[] = ['mp4', 'mkv', 'webm'];

/**
 * Applies an item's settings over the base options. A different resolution scales the video
 * bitrate with the pixel count, so --quality keeps meaning the same bits per pixel.
 */
export function applyCaptureSettings(base: BaseCaptureOptions, settings: CaptureSettings): BaseCaptureOptions {
  const size = settings.resolution ? RESOLUTIONS[settings.resolution] : { width: base.width, height: base.height };
  const scale = (size.width * size.height) / (base.width * base.height);
  return {
    ...base,
    width: size.width,
    height: size.height,
    videoBitrate: Math.round(base.videoBitrate * scale),
    layout: settings.layout ?? base.layout,
    from: settings.from ?? base.from,
    to: settings.to ?? base.to,
    format: settings.format ?? base.format,
  };
}

/**
 * A short stable hash of a recording URL and the effective options that change the output: the
 * same recording exported the same way is the same work, whatever line, list or run it comes from.
 * `extra` adds what else makes two items different (an explicit output name).
 */
export function workKey(url: string, options: Pick<BaseCaptureOptions, 'from' | 'to' | 'layout' | 'width' | 'height' | 'format'>, extra = ''): string {
  const canonical = JSON.stringify([url.trim(), options.from, options.to ?? null, options.layout, options.width, options.height, options.format, extra]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
