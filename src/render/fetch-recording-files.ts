/**
 * Fetches what the render engine reads from the recording's server besides the player: the
 * timeline documents, and the media (for the audio and the frame times) into the work directory.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CaptureError } from '../errors.js';
import { tlsFailure } from '../recording/tls-failure.js';
import type { TimelineDocuments } from './timeline-times.js';

const XML_FILES = ['shapes.svg', 'panzooms.xml', 'cursor.xml', 'slides_new.xml', 'deskshare.xml', 'layout.xml'] as const;
const JSON_FILES = ['tldraw.json', 'polls.json', 'external_videos.json'] as const;

async function get(url: string, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000) });
  } catch (error) {
    if (signal?.aborted) throw new CaptureError('ABORTED', 'stopped by the user', { cause: error });
    throw tlsFailure(error, new URL(url).host) ?? new CaptureError('SERVER_LOST', `cannot fetch ${url}: ${(error as Error).message}`, { cause: error });
  }
}

/** A document's text, '' when the server has none (404) or answers with something else. */
async function optionalText(url: string, signal: AbortSignal | undefined): Promise<string> {
  const response = await get(url, signal);
  if (!response.ok) return '';
  return response.text();
}

/** The recording's timeline documents (optional ones as ''), plus deskshare.xml on its own. */
export async function fetchTimelineDocuments(filesUrl: string, signal: AbortSignal | undefined): Promise<{ docs: TimelineDocuments; deskshareXml: string }> {
  const xml = await Promise.all(XML_FILES.map((f) => optionalText(`${filesUrl}${f}`, signal)));
  const json = await Promise.all(JSON_FILES.map((f) => optionalText(`${filesUrl}${f}`, signal)));
  let locales: string[] = [];
  try {
    const captions = JSON.parse((await optionalText(`${filesUrl}captions.json`, signal)) || '[]') as unknown;
    if (Array.isArray(captions)) locales = captions.map((c) => String((c as { locale?: unknown }).locale ?? '')).filter((l) => /^[\w-]+$/.test(l));
  } catch {
    // No usable captions list: no caption instants.
  }
  const vtt = await Promise.all(locales.map((l) => optionalText(`${filesUrl}caption_${l}.vtt`, signal)));
  return { docs: { xml, json, vtt }, deskshareXml: xml[XML_FILES.indexOf('deskshare.xml')]! };
}

/** Downloads `url` to `file`; false when the server has no such file. */
export async function downloadFile(url: string, file: string, signal: AbortSignal | undefined): Promise<boolean> {
  const response = await get(url, signal);
  if (response.status === 404) return false;
  if (!response.ok || !response.body) throw new CaptureError('SERVER_LOST', `${url} answered HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(file), { signal });
  return true;
}
