/**
 * Fetches what the render engine reads from the recording's server besides the player: the
 * timeline documents, and the media (for the audio and the frame times) into the work directory.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { abortError, CaptureError, toCaptureError } from '../errors.js';
import { authRequired } from './fetch-recording-info.js';
import { fetchWithCredentials } from './fetch-with-credentials.js';
import type { BoundCredentials } from './recording-credentials.js';
import { tlsFailure } from './tls-failure.js';
import type { TimelineDocuments } from './timeline-times.js';

const XML_FILES = ['shapes.svg', 'panzooms.xml', 'cursor.xml', 'slides_new.xml', 'deskshare.xml', 'layout.xml'] as const;
const JSON_FILES = ['tldraw.json', 'polls.json', 'external_videos.json'] as const;

async function get(url: string, signal: AbortSignal | undefined, credentials: BoundCredentials | undefined): Promise<Response> {
  try {
    return await fetchWithCredentials(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000) }, credentials);
  } catch (error) {
    if (signal?.aborted) throw new CaptureError('ABORTED', 'stopped by the user', { cause: error });
    throw tlsFailure(error, new URL(url).host) ?? new CaptureError('SERVER_LOST', `cannot fetch ${url}: ${(error as Error).message}`, { cause: error });
  }
}

/** A document's text, '' when the server has none (404) or answers with something else. */
async function optionalText(url: string, signal: AbortSignal | undefined, credentials: BoundCredentials | undefined): Promise<string> {
  const response = await get(url, signal, credentials);
  if (response.status === 401 || response.status === 403) throw authRequired(url, response.status, credentials);
  if (!response.ok) return '';
  try {
    return await response.text();
  } catch (error) {
    // Cut off mid-body (reset, or the 60 s limit, generous for documents): a retry may succeed.
    if (signal?.aborted) throw abortError(signal);
    throw new CaptureError('SERVER_LOST', `cannot read ${url}: ${(error as Error).message}`, { cause: error });
  }
}

/** A caption track of captions.json: its locale, name, and WebVTT text ('' when missing). */
export interface CaptionSource {
  locale: string;
  localeName: string;
  vtt: string;
}

/**
 * The recording's timeline documents (optional ones as ''), plus deskshare.xml on its own, the
 * caption tracks, and presentation_text.json (the slides' text: chapter titles).
 */
export async function fetchTimelineDocuments(
  filesUrl: string,
  signal: AbortSignal | undefined,
  credentials?: BoundCredentials,
): Promise<{ docs: TimelineDocuments; deskshareXml: string; captions: CaptionSource[]; presentationText: string }> {
  const xml = await Promise.all(XML_FILES.map((f) => optionalText(`${filesUrl}${f}`, signal, credentials)));
  const json = await Promise.all(JSON_FILES.map((f) => optionalText(`${filesUrl}${f}`, signal, credentials)));
  let listed: Array<{ locale: string; localeName: string }> = [];
  try {
    const captions = JSON.parse((await optionalText(`${filesUrl}captions.json`, signal, credentials)) || '[]') as unknown;
    if (Array.isArray(captions)) {
      listed = captions
        .map((c) => ({ locale: String((c as { locale?: unknown }).locale ?? ''), localeName: String((c as { localeName?: unknown }).localeName ?? '') }))
        .filter((c) => /^[\w-]+$/.test(c.locale));
    }
  } catch {
    // No usable captions list: no caption instants.
  }
  const vtt = await Promise.all(listed.map((c) => optionalText(`${filesUrl}caption_${c.locale}.vtt`, signal, credentials)));
  const presentationText = await optionalText(`${filesUrl}presentation_text.json`, signal, credentials);
  const captions = listed.map((c, i) => ({ ...c, localeName: c.localeName || c.locale, vtt: vtt[i]! }));
  return { docs: { xml, json, vtt }, deskshareXml: xml[XML_FILES.indexOf('deskshare.xml')]!, captions, presentationText };
}

/**
 * How long a download may wait. There is no limit on the whole transfer: a large webcams video on
 * a slow link takes as long as it takes, as long as bytes keep coming.
 */
export interface DownloadTimeouts {
  /** From the request to the response's headers. */
  headersTimeoutMs?: number | undefined;
  /** Longest gap between two pieces of the body. */
  idleTimeoutMs?: number | undefined;
}

const HEADERS_TIMEOUT_MS = 60_000;
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Downloads `url` to `file`; false when the server has no such file. A server that stops answering
 * or sending, or drops the connection, is SERVER_LOST (transient: a retry may well succeed).
 */
export async function downloadFile(url: string, file: string, signal: AbortSignal | undefined, timeouts: DownloadTimeouts = {}, credentials?: BoundCredentials): Promise<boolean> {
  const headersMs = timeouts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const idleMs = timeouts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  // One controller stops the request at a stall; the caller's signal stops it at a user's stop.
  const stall = new AbortController();
  const stop = signal ? AbortSignal.any([signal, stall.signal]) : stall.signal;
  let why = '';
  const watch = (ms: number, reason: string) =>
    setTimeout(() => {
      why = reason;
      stall.abort();
    }, ms);
  let timer = watch(headersMs, `no answer within ${headersMs / 1000} s`);
  let received = 0;
  let writeError: unknown;
  const lost = (error: unknown): CaptureError => {
    if (signal?.aborted) return abortError(signal);
    if (writeError) return toCaptureError(writeError);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = why || (cause?.code ?? cause?.message ?? (error as Error).message);
    return new CaptureError('SERVER_LOST', `download of ${url} failed after ${received} bytes: ${detail}`, { cause: error });
  };
  try {
    let response: Response;
    try {
      response = await fetchWithCredentials(url, { signal: stop }, credentials);
    } catch (error) {
      throw lost(error);
    }
    clearTimeout(timer);
    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      return false;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw authRequired(url, response.status, credentials);
    }
    if (!response.ok || !response.body) throw new CaptureError('SERVER_LOST', `${url} answered HTTP ${response.status}`);
    timer = watch(idleMs, `no data for ${idleMs / 1000} s`);
    // Every piece of the body restarts the idle clock.
    const watchdog = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        timer.refresh();
        done(null, chunk);
      },
    });
    const out = createWriteStream(file);
    out.on('error', (error) => (writeError ??= error));
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), watchdog, out, { signal: stop });
    } catch (error) {
      throw lost(error);
    }
    return true;
  } finally {
    clearTimeout(timer);
  }
}
