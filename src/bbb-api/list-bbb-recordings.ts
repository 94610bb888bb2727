/**
 * Lists a BBB server's recordings with `getRecordings` and turns each one's `presentation` playback
 * URL into a batch item, the same objects a list file gives. Pages with offset/limit where the
 * server does (BBB 2.6+ says how many there are in `<totalElements>`); older servers ignore both
 * and answer everything at once, which shows as an answer without `<totalElements>`.
 */
import type { BatchItem } from '../batch/parse-batch-list.js';
import { abortError, CaptureError } from '../errors.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import { tlsFailure } from '../recording/tls-failure.js';
import type { ChecksumAlgorithm } from './api-checksum.js';
import { buildApiUrl, normaliseApiBase } from './build-api-url.js';
import { parseGetRecordings, type ApiRecording } from './parse-get-recordings.js';

/** What to ask a BBB server for, resolved at the CLI edge. */
export interface BbbApiQuery {
  /** API base, e.g. https://bbb.example.org/bigbluebutton/ */
  url: string;
  secret: string;
  checksum: ChecksumAlgorithm;
  /** getRecordings' meetingID filter; [] for every meeting. */
  meetingIds: string[];
  /** getRecordings' state filter (published, unpublished, deleted, processing, any). */
  states: string[];
  /** Only recordings that started in [fromMs, toMs] (ms since the epoch). */
  fromMs: number | undefined;
  toMs: number | undefined;
}

/** What the listing found. */
export interface BbbListing {
  items: BatchItem[];
  /** Recordings the server listed that match but cannot be exported, with why. */
  skipped: Array<{ recordId: string; why: string }>;
}

/** Recordings asked for per request; BBB 2.6 takes at most 100. */
export const PAGE_SIZE = 100;
const TIMEOUT_MS = 60_000;
/** A server that never stops paging (a bug, a hostile one) is not followed for ever. */
const MAX_PAGES = 10_000;

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

async function getPage(url: string, source: string, signal: AbortSignal | undefined, fetchFn: Fetch) {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let body: string;
  try {
    const response = await fetchFn(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'follow' });
    body = await response.text();
    if (!response.ok)
      throw new CaptureError('BBB_API_REFUSED', `${source} answered HTTP ${response.status}: is --bbb-url the API base, e.g. https://bbb.example.org/bigbluebutton/?`);
  } catch (error) {
    if (error instanceof CaptureError) throw error;
    if (signal?.aborted) throw abortError(signal);
    const host = new URL(url).host;
    const refused = tlsFailure(error, host);
    if (refused) throw refused;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? String(error));
    throw new CaptureError('HOST_UNREACHABLE', `cannot reach the BBB API at ${host}: ${why}`, { cause: error });
  }
  return parseGetRecordings(body, source);
}

/** Lists the recordings `query` selects; `fetchFn` and `pageSize` are seams for tests. */
export async function listBbbRecordings(query: BbbApiQuery, options: { signal?: AbortSignal | undefined; fetchFn?: Fetch; pageSize?: number } = {}): Promise<BbbListing> {
  const fetchFn = options.fetchFn ?? ((url, init) => fetch(url, init));
  const pageSize = options.pageSize ?? PAGE_SIZE;
  // Named without the query: the checksum is no secret, but the line stays short.
  const source = `${normaliseApiBase(query.url)}api/getRecordings`;
  const filters: Array<[string, string]> = [];
  if (query.meetingIds.length > 0) filters.push(['meetingID', query.meetingIds.join(',')]);
  if (query.states.length > 0) filters.push(['state', query.states.join(',')]);
  const listed: ApiRecording[] = [];
  const seen = new Set<string>();
  for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
    const url = buildApiUrl(query.url, 'getRecordings', [...filters, ['offset', String(offset)], ['limit', String(pageSize)]], query.secret, query.checksum);
    const page = await getPage(url, source, options.signal, fetchFn);
    let added = 0;
    for (const r of page.recordings) {
      if (seen.has(r.recordId)) continue;
      seen.add(r.recordId);
      listed.push(r);
      added++;
    }
    // No total: a server before 2.6, which ignored offset and limit and sent everything.
    if (page.totalElements === undefined || added === 0 || listed.length >= page.totalElements) break;
    offset += page.recordings.length;
  }
  const anyState = query.states.length === 0 || query.states.includes('any');
  const items: BatchItem[] = [];
  const skipped: BbbListing['skipped'] = [];
  for (const r of listed) {
    // The server filters too; this keeps a server that ignores a filter from widening the selection.
    if (!anyState && !query.states.includes(r.state)) continue;
    if (query.fromMs !== undefined || query.toMs !== undefined) {
      if (!Number.isFinite(r.startTime)) {
        skipped.push({ recordId: r.recordId, why: 'no startTime to compare with the date range' });
        continue;
      }
      if ((query.fromMs !== undefined && r.startTime < query.fromMs) || (query.toMs !== undefined && r.startTime > query.toMs)) continue;
    }
    if (!r.presentationUrl) {
      skipped.push({ recordId: r.recordId, why: 'no presentation playback format' });
      continue;
    }
    try {
      parsePlaybackUrl(r.presentationUrl);
    } catch (error) {
      skipped.push({ recordId: r.recordId, why: (error as Error).message });
      continue;
    }
    items.push({ index: items.length, source: `getRecordings ${r.recordId}`, url: r.presentationUrl, settings: {} });
  }
  return { items, skipped };
}
