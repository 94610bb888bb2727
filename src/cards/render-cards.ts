/**
 * The cards drawn by the job's Chromium before the export starts: each template filled, loaded as a
 * local page at exactly the output's size, and screenshot once everything it asked for (images,
 * fonts) has arrived. A template that fails to load, or is still loading at the deadline, stops the
 * job with CARD_FAILED before the long export begins.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';
import { abortError, CaptureError, throwIfAborted } from '../errors.js';
import type { CardOptions, CardTemplate } from './card-options.js';
import { DEFAULT_CARD_TEMPLATE } from './default-card-template.js';
import { cardDate, fillCardTemplate } from './fill-card-template.js';

/** How long a card may take to load everything it shows. */
export const CARD_LOAD_TIMEOUT_MS = 15_000;

/** The pictures of a job's cards (PNG files at the output's size). */
export interface CardPictures {
  intro: string | null;
  outro: string | null;
}

/** Where a user's template finds its relative images and fonts: its own directory. */
function withBase(html: string, dir: string): string {
  const base = `<base href="${pathToFileURL(dir + path.sep).href}">`;
  return /<head\b[^>]*>/i.test(html) ? html.replace(/<head\b[^>]*>/i, (head) => `${head}${base}`) : `${base}${html}`;
}

async function renderOne(
  browser: Browser,
  which: 'intro' | 'outro',
  template: CardTemplate,
  html: string,
  options: { width: number; height: number; workDir: string; signal: AbortSignal | undefined; timeoutMs: number },
): Promise<string> {
  const page = await browser.newPage({ viewport: { width: options.width, height: options.height }, deviceScaleFactor: 1 });
  const file = path.join(options.workDir, `card-${which}.html`);
  await writeFile(file, template.kind === 'file' ? withBase(html, template.dir) : html);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const stop = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const stopped = new Promise<never>((_, reject) => stop.addEventListener('abort', () => reject(stop.reason), { once: true }));
  stopped.catch(() => undefined);
  try {
    // `load` waits for images, stylesheets and iframes; fonts.ready for the @font-face files they use.
    await Promise.race([page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 0 }), stopped]);
    await Promise.race([page.evaluate(() => document.fonts.ready.then(() => undefined)), stopped]);
    const png = path.join(options.workDir, `card-${which}.png`);
    await page.screenshot({ path: png, type: 'png', animations: 'disabled', timeout: options.timeoutMs });
    return png;
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const why = deadline.aborted
      ? `was still loading after ${options.timeoutMs / 1000} s (an image or font that never arrives?)`
      : `failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    throw new CaptureError('CARD_FAILED', `the --${which} card ${why}`, { cause: error });
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Renders the intro and outro pictures of `cards` for a recording, at the output's size. */
export async function renderCards(
  browser: Browser,
  cards: CardOptions,
  recording: { meetingName: string; startTime: number },
  options: { width: number; height: number; workDir: string; signal: AbortSignal | undefined; timeoutMs?: number },
): Promise<CardPictures> {
  const values = { meetingName: recording.meetingName, date: cardDate(recording.startTime), names: cards.names, lines: cards.lines, width: options.width, height: options.height };
  const pictures: CardPictures = { intro: null, outro: null };
  for (const which of ['intro', 'outro'] as const) {
    const template = cards[which];
    if (!template) continue;
    throwIfAborted(options.signal);
    const html = fillCardTemplate(template.kind === 'file' ? template.html : DEFAULT_CARD_TEMPLATE, values);
    pictures[which] = await renderOne(browser, which, template, html, { ...options, timeoutMs: options.timeoutMs ?? CARD_LOAD_TIMEOUT_MS });
  }
  return pictures;
}
