/**
 * Opens a recording in the player and brings it to a state ready for capture: the page confined
 * to the recording's server (tldraw's font requests answered locally), the player past its
 * loading screen, media ready, slides and fonts loaded, chrome hidden, paused at the start instant.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, Response, Route } from 'playwright';
import { CaptureError, throwIfAborted } from '../errors.js';
import type { PlaybackTarget } from '../recording/parse-playback-url.js';
import type { BoundCredentials } from '../recording/recording-credentials.js';
import { tlsFailure } from '../recording/tls-failure.js';
import { layoutCss, type PageLayout } from './layout-css.js';
import { startConfinementProxy } from './start-confinement-proxy.js';
import { PAGE_STEP_DEADLINE_MS, pageHung } from './page-hung.js';
import { countClockListeners, installPlayerApi, mediaReadiness, seekPlayer } from './player-page-api.js';
import { notePolledClock } from './polled-clock-page-api.js';
import { withDeadline } from './with-deadline.js';

export interface OpenPlayerOptions {
  target: PlaybackTarget;
  width: number;
  height: number;
  layout: PageLayout;
  /** Rate of the player's time event (URL parameter f). */
  eventRate: number;
  /** A font file served for tldraw v2's font requests (unpkg.com). */
  fontFile: string;
  /** Extra same-origin resources served by us: path -> body. */
  localResources: ReadonlyMap<string, { body: Buffer; contentType: string }>;
  readyTimeoutMs: number;
  /** Accept any TLS certificate (--insecure); otherwise Chromium verifies them. */
  insecure: boolean;
  /** Cookies, headers and basic auth for the recording's origin (and only it). */
  credentials?: BoundCredentials | undefined;
  signal?: AbortSignal | undefined;
  /** Page console lines and failed requests, for --verbose and error detail. */
  onLog: (line: string) => void;
}

export interface OpenedPlayer {
  context: BrowserContext;
  page: Page;
  media: 'video' | 'audio';
}

const FONT_REQUEST = /^https:\/\/unpkg\.com\/@bigbluebutton\/assets@[^/]+\/fonts\/[^/]+\.(woff2?|ttf|otf)$/;
const TRANSLATION_REQUEST = /^https:\/\/unpkg\.com\/@bigbluebutton\/assets@[^/]+\/translations\/[^/]+\.json$/;

async function routeRequests(context: BrowserContext, options: OpenPlayerOptions): Promise<void> {
  const font = await readFile(options.fontFile).catch(() => {
    throw new CaptureError('INTERNAL', `font file ${options.fontFile} not found (install fonts-dejavu-core or pass --font)`);
  });
  const origin = options.target.origin;
  const cors = { 'access-control-allow-origin': '*' };
  const extraHeaders = options.credentials && options.credentials.origin === origin ? options.credentials.values.headers : [];
  if (extraHeaders.length > 0) {
    // Only the recording's origin gets them (setExtraHTTPHeaders would send them everywhere).
    await context.route(
      (url) => url.origin === origin,
      (route: Route) => route.fallback({ headers: { ...route.request().headers(), ...Object.fromEntries(extraHeaders.map(([k, v]) => [k.toLowerCase(), v])) } }),
    );
  }
  await context.route(
    (url) => url.origin !== origin || options.localResources.has(url.pathname),
    async (route: Route) => {
      const url = new URL(route.request().url());
      const local = url.origin === origin ? options.localResources.get(url.pathname) : undefined;
      if (local) return route.fulfill({ status: 200, body: local.body, headers: { 'content-type': local.contentType, 'accept-ranges': 'none' } });
      if (FONT_REQUEST.test(url.href)) return route.fulfill({ status: 200, body: font, headers: { ...cors, 'content-type': 'font/ttf' } });
      if (TRANSLATION_REQUEST.test(url.href)) return route.fulfill({ status: 200, body: '{}', headers: { ...cors, 'content-type': 'application/json' } });
      if (url.protocol === 'data:' || url.protocol === 'blob:') return route.fallback();
      // Everything else outside the recording's server: analytics, translation services, CDNs.
      options.onLog(`blocked outside request ${url.href}`);
      return route.abort('blockedbyclient');
    },
  );
}

function playerPageUrl(options: OpenPlayerOptions): string {
  const url = new URL(options.target.playerUrl);
  url.searchParams.set('f', String(options.eventRate));
  return url.href;
}

type Screen = 'player' | 'error' | 'loader' | 'none';

async function whichScreen(page: Page): Promise<{ screen: Screen; code: string }> {
  return page.evaluate(() => {
    const error = document.querySelector('#error');
    if (error) return { screen: 'error' as const, code: (error.querySelector('.error-code')?.textContent ?? '').trim() };
    if (document.querySelector('#player')) return { screen: 'player' as const, code: '' };
    if (document.querySelector('#loader')) return { screen: 'loader' as const, code: '' };
    return { screen: 'none' as const, code: '' };
  });
}

async function waitForPlayer(page: Page, options: OpenPlayerOptions): Promise<void> {
  const started = Date.now();
  // A BBB player shows its loader (or its error screen) as soon as its script runs.
  const notPlayerAfterMs = Math.min(20_000, options.readyTimeoutMs);
  let sawPlayerUi = false;
  for (;;) {
    throwIfAborted(options.signal);
    // A page that stops answering is still loading as far as the deadline is concerned.
    const left = Math.max(1000, options.readyTimeoutMs - (Date.now() - started));
    const { screen, code } = await withDeadline(whichScreen(page), left, () => loadTimeout(options, 'the player page stopped answering while loading')).catch((error: unknown) => {
      if (error instanceof CaptureError) throw error;
      return { screen: 'none' as Screen, code: '' };
    });
    if (screen === 'error') {
      throw new CaptureError(
        'PLAYER_ERROR_SCREEN',
        `the player shows its error screen${code ? ` (code ${code})` : ''}: ${code === '400' ? 'it rejects the recording id' : 'a recording file is missing or malformed'}`,
      );
    }
    if (screen === 'player') return;
    if (screen === 'loader') sawPlayerUi = true;
    const waited = Date.now() - started;
    if (!sawPlayerUi && waited > notPlayerAfterMs) {
      throw new CaptureError(
        'NOT_A_BBB_PLAYER',
        `${options.target.playerUrl} is not a BBB playback player (no loader, player or error screen after ${Math.round(waited / 1000)} s)`,
      );
    }
    if (waited > options.readyTimeoutMs) {
      throw new CaptureError('PLAYER_TIMEOUT', `the player stayed on its loading screen for ${Math.round(waited / 1000)} s (a recording file never answered)`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function loadTimeout(options: OpenPlayerOptions, what: string): CaptureError {
  return new CaptureError('PLAYER_TIMEOUT', `${what} (--ready-timeout ${Math.round(options.readyTimeoutMs / 1000)} s)`);
}

/**
 * Preloads every slide of the recording so slide changes paint at once during capture; gives up
 * after `maxMs` (a slide that trickles in forever) and returns what had not loaded by then.
 */
async function preloadSlides(maxMs: number): Promise<{ pending: string[]; fonts: boolean }> {
  const hrefs = new Set<string>();
  for (const el of Array.from(document.querySelectorAll('image, img'))) {
    const href = el.getAttribute('href') ?? el.getAttribute('xlink:href') ?? (el as HTMLImageElement).src;
    if (href) hrefs.add(new URL(href, document.baseURI).href);
  }
  const pending = new Set<string>();
  let fonts = false;
  const all = (async () => {
    try {
      const base = location.pathname.replace(/\/playback\/presentation\/2\.3\/([^/]+).*/, '/presentation/$1/');
      pending.add(`${base}shapes.svg`);
      const svg = await (await fetch(`${base}shapes.svg`)).text();
      pending.delete(`${base}shapes.svg`);
      for (const m of svg.matchAll(/(?:xlink:)?href="([^"]+\.(?:png|jpe?g|svg))"/g)) hrefs.add(new URL(m[1]!, location.origin + base).href);
    } catch {
      // Not every recording has slides.
      pending.clear();
    }
    const keep: HTMLImageElement[] = [];
    (window as unknown as { __bbbSlides: HTMLImageElement[] }).__bbbSlides = keep;
    await Promise.all(
      Array.from(hrefs).map(async (href) => {
        pending.add(href);
        const img = new Image();
        img.src = href;
        keep.push(img);
        await img.decode().catch(() => undefined);
        pending.delete(href);
      }),
    );
    await document.fonts.ready;
    fonts = true;
  })();
  await Promise.race([all, new Promise((r) => setTimeout(r, maxMs))]);
  return { pending: Array.from(pending), fonts };
}

/** Waits until the media can play and every slide image and font is loaded and decoded. */
async function waitForContent(page: Page, options: OpenPlayerOptions): Promise<'video' | 'audio'> {
  const started = Date.now();
  const left = () => Math.max(1000, options.readyTimeoutMs - (Date.now() - started));
  const stuck = () => loadTimeout(options, 'the player page stopped answering while loading');
  let media: 'video' | 'audio' | null = null;
  for (;;) {
    throwIfAborted(options.signal);
    media ??= await withDeadline(page.evaluate(installPlayerApi), left(), stuck);
    if (media) {
      const state = await withDeadline(page.evaluate(mediaReadiness), left(), stuck);
      if (state.error) throw new CaptureError('MEDIA_MISSING', `the player could not load the recording's media: ${state.error}`);
      if (state.readyState >= 2 && Number.isFinite(state.duration)) break;
    }
    if (Date.now() - started > options.readyTimeoutMs) {
      throw new CaptureError('PLAYER_TIMEOUT', media ? "the recording's media did not load in time" : 'the player shows no #webcams media element');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The in-page wait gives up by itself; the deadline around it catches a page that stopped answering.
  const budget = left();
  const preload = await withDeadline(page.evaluate(preloadSlides, budget), budget + 5000, stuck);
  if (preload.pending.length > 0) {
    const [first] = preload.pending;
    throw loadTimeout(options, `${preload.pending.length} slide file(s) did not load in time (${first}${preload.pending.length > 1 ? ', ...' : ''})`);
  }
  if (!preload.fonts) throw loadTimeout(options, "the page's fonts did not load in time");
  return media;
}

/** Opens the player for capture. The caller closes `context` (which also stops its proxy). */
export async function openPlayer(browser: Browser, options: OpenPlayerOptions): Promise<OpenedPlayer> {
  // Every request of the context, every redirect hop, WebSocket and worker included, goes
  // through this proxy, which lets only the recording's origin through. `<-loopback>` makes
  // Chromium proxy loopback too: a recording served on 127.0.0.1 must not reach other local ports.
  const proxy = await startConfinementProxy({ origin: options.target.origin, onBlocked: (target) => options.onLog(`blocked outside request ${target}`) });
  let context: BrowserContext;
  try {
    context = await browser.newContext({
      viewport: { width: options.width, height: options.height },
      deviceScaleFactor: 1,
      ignoreHTTPSErrors: options.insecure,
      proxy: { server: proxy.url, bypass: '<-loopback>' },
      // A service worker could answer the page's requests from its own cache; the player needs none.
      serviceWorkers: 'block',
      // Basic auth answered for the recording's origin only.
      ...(options.credentials?.values.basicAuth && options.credentials.origin === options.target.origin
        ? { httpCredentials: { ...options.credentials.values.basicAuth, origin: options.target.origin } }
        : {}),
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  context.on('close', () => void proxy.close());
  try {
    const cookies = options.credentials?.origin === options.target.origin ? options.credentials.values.cookies : [];
    if (cookies.length > 0) await context.addCookies(cookies.map((c) => ({ name: c.name, value: c.value, url: options.target.origin })));
    await routeRequests(context, options);
    // Before the player's own code: notes whether it listens to its time event (the clock contract).
    await context.addInitScript(countClockListeners);
    // And keeps the poll a player without that event starts on its first play (bbb-playback 2.3's clock).
    await context.addInitScript(notePolledClock);
    const page = await context.newPage();
    page.on('console', (message) => options.onLog(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => options.onLog(`page error: ${error.message}`));
    page.on('requestfailed', (request) => options.onLog(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    let response: Response | null;
    try {
      response = await page.goto(playerPageUrl(options), { waitUntil: 'domcontentloaded', timeout: options.readyTimeoutMs });
    } catch (error) {
      throwIfAborted(options.signal);
      // Chromium's own word for a 401 whose challenge it could not answer (Playwright reports net errors only as text).
      if ((error as Error).message.includes('net::ERR_INVALID_AUTH_CREDENTIALS')) {
        throw new CaptureError(
          'AUTH_REQUIRED',
          `${options.target.playerUrl} asked for HTTP authentication: ${options.credentials?.values.basicAuth ? 'the credentials given were refused' : 'give --basic-auth'}`,
          { cause: error },
        );
      }
      throw (
        tlsFailure(error, new URL(options.target.origin).host) ??
        new CaptureError('HOST_UNREACHABLE', `cannot open ${options.target.playerUrl}: ${(error as Error).message.split('\n')[0]}`, { cause: error })
      );
    }
    if (response && (response.status() === 401 || response.status() === 403)) {
      throw new CaptureError(
        'AUTH_REQUIRED',
        `${options.target.playerUrl} answered HTTP ${response.status()}: ${options.credentials ? 'the credentials given were refused' : 'it needs credentials: --cookie, --header or --basic-auth'}`,
      );
    }
    if (!response || response.status() >= 400) {
      throw new CaptureError('NOT_A_BBB_PLAYER', `${options.target.playerUrl} answered HTTP ${response?.status() ?? '?'}: no BBB player there`);
    }
    await waitForPlayer(page, options);
    const media = await waitForContent(page, options);
    await withDeadline(page.addStyleTag({ content: layoutCss(options.layout) }), PAGE_STEP_DEADLINE_MS, pageHung('laying the player out'));
    return { context, page, media };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

/** Seeks the player to `time` (paused) and lets the page settle (the page gives a seek 10 s). */
export async function seekTo(page: Page, time: number): Promise<number> {
  return withDeadline(page.evaluate(seekPlayer, time), PAGE_STEP_DEADLINE_MS, pageHung(`seeking to ${time.toFixed(3)} s`));
}
