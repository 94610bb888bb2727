/**
 * Reads a recording's metadata.xml before any browser starts: it proves the URL points at a BBB
 * recording, and gives the meeting name, start time and duration. Then finds which media the
 * player will play (webcams video, or audio only), as the player does, with HEAD requests.
 */
import { XMLParser } from 'fast-xml-parser';
import { CaptureError } from '../errors.js';
import { fetchWithCredentials } from './fetch-with-credentials.js';
import type { PlaybackTarget } from './parse-playback-url.js';
import type { BoundCredentials } from './recording-credentials.js';
import { tlsFailure } from './tls-failure.js';

/** What bbb-capture knows about a recording before playing it. */
export interface RecordingInfo {
  recordId: string;
  /** The id media and slides are addressed with (metadata.xml `<meeting id>`). */
  meetingId: string;
  meetingName: string;
  /** Meeting start, ms since the epoch. */
  startTime: number;
  /** `playback/duration`, seconds. The player plays the media's own length. */
  duration: number;
  /** `video` when a webcams video exists, `audio` for audio-only recordings. */
  media: 'video' | 'audio';
  mediaUrl: string;
}

// Values stay text: a meeting called "007" keeps its zeros, and refusals quote what the file says.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

async function request(url: string, method: 'GET' | 'HEAD', signal: AbortSignal | undefined, timeoutMs: number, credentials: BoundCredentials | undefined): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await fetchWithCredentials(url, { method, signal: signal ? AbortSignal.any([signal, timeout]) : timeout }, credentials);
  } catch (error) {
    if (signal?.aborted) throw new CaptureError('ABORTED', 'stopped by the user', { cause: error });
    const refused = tlsFailure(error, new URL(url).host);
    if (refused) throw refused;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? String(error));
    throw new CaptureError('HOST_UNREACHABLE', `cannot reach ${new URL(url).host}: ${why}`, { cause: error });
  }
}

function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'object') return text((node as Record<string, unknown>)['#text']);
  return String(node);
}

/** Latest plausible start_time: 2200-01-01 (ms). Anything later is not a clock reading. */
export const MAX_START_TIME_MS = Date.UTC(2200, 0, 1);
/**
 * Longest plausible recording, seconds. A capture plays the recording in real time, so two days is
 * already two days of one machine; a longer duration is a corrupt or hostile metadata.xml, and it
 * would size farm part jobs and buffers.
 */
export const MAX_DURATION_S = 48 * 3600;

/**
 * Parses metadata.xml (named `source` in messages) and checks what later steps rely on: the `<id>`
 * is the URL's record id (when `recordId` is given), start_time a plausible epoch time, the duration
 * positive and at most MAX_DURATION_S. Throws NOT_A_BBB_RECORDING naming the field and its value.
 */
export function parseMetadata(xml: string, expected: { source?: string; recordId?: string } = {}): Omit<RecordingInfo, 'media' | 'mediaUrl'> {
  const source = expected.source ?? 'metadata.xml';
  const refuse = (why: string) => new CaptureError('NOT_A_BBB_RECORDING', `${source}: ${why}`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    throw refuse("not XML, not a BBB recording's metadata.xml");
  }
  const recording = doc.recording as Record<string, unknown> | undefined;
  if (!recording || typeof recording !== 'object') throw refuse("no <recording>, not a BBB recording's metadata.xml");
  const meeting = recording.meeting as Record<string, unknown> | undefined;
  const playback = recording.playback as Record<string, unknown> | undefined;
  const meta = recording.meta as Record<string, unknown> | undefined;
  const recordId = text(recording.id);
  const meetingId = text(meeting?.['@id']) ?? recordId;
  if (!recordId || !meetingId) throw refuse("no <id>, not a BBB recording's metadata.xml");
  // A server answering for another recording (a misconfigured mirror, a hostile one) would get the
  // wrong media captured under this URL's name.
  if (expected.recordId !== undefined && recordId !== expected.recordId) {
    throw refuse(`<id> is ${JSON.stringify(recordId)}, but the URL names recording ${expected.recordId}`);
  }
  const durationText = text(playback?.duration);
  if (durationText === undefined) throw refuse("no <playback><duration>, not a BBB recording's metadata.xml");
  const durationMs = Number(durationText);
  if (!(durationMs > 0 && durationMs <= MAX_DURATION_S * 1000)) {
    throw refuse(
      `playback duration ${JSON.stringify(durationText)} ms is not a plausible length (expected more than 0 and at most ${MAX_DURATION_S * 1000} ms, ${MAX_DURATION_S / 3600} h)`,
    );
  }
  // Without a start time the name falls back to the record id; a wrong one would make dates that
  // cannot be written (new Date(1e20) throws when formatted).
  const startText = text(recording.start_time)?.trim() || undefined;
  const startTime = startText === undefined ? 0 : Number(startText);
  if (startText !== undefined && !(startTime > 0 && startTime < MAX_START_TIME_MS)) {
    throw refuse(`start_time ${JSON.stringify(startText)} is not a plausible time (expected ms since 1970, before 2200)`);
  }
  return {
    recordId,
    meetingId,
    meetingName: text(meta?.meetingName) ?? text(meeting?.['@name']) ?? recordId,
    startTime,
    duration: durationMs / 1000,
  };
}

/** AUTH_REQUIRED for a 401/403 from `url`: which credentials to give, or that those given were refused (never what they are). */
export function authRequired(url: string, status: number, credentials: BoundCredentials | undefined): CaptureError {
  const why = credentials
    ? 'the credentials given were refused'
    : 'it needs credentials: --cookie, --header or --basic-auth (or BBB_CAPTURE_COOKIE, BBB_CAPTURE_HEADER, BBB_CAPTURE_BASIC_AUTH)';
  return new CaptureError('AUTH_REQUIRED', `${url} answered HTTP ${status}: ${why}`);
}

/** Fetches metadata.xml and probes the media; throws a CaptureError naming what is wrong. */
export async function fetchRecordingInfo(
  target: PlaybackTarget,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number; credentials?: BoundCredentials | undefined } = {},
): Promise<RecordingInfo> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const metadataUrl = `${target.filesUrl}metadata.xml`;
  const response = await request(metadataUrl, 'GET', options.signal, timeoutMs, options.credentials);
  if (response.status === 401 || response.status === 403) throw authRequired(metadataUrl, response.status, options.credentials);
  if (response.status === 404 || response.status === 410) {
    throw new CaptureError('RECORDING_NOT_FOUND', `recording ${target.recordId} not found on ${target.origin} (${metadataUrl} answered ${response.status})`);
  }
  if (!response.ok) {
    throw new CaptureError('NOT_A_BBB_RECORDING', `${metadataUrl} answered HTTP ${response.status}, not a BBB recording's metadata`);
  }
  const parsed = parseMetadata(await response.text(), { source: metadataUrl, recordId: target.recordId });
  const mediaBase = `${target.origin}/presentation/${parsed.meetingId}/`;
  for (const [file, media] of [
    ['video/webcams.webm', 'video'],
    ['video/webcams.mp4', 'video'],
    ['audio/audio.webm', 'audio'],
  ] as const) {
    const head = await request(`${mediaBase}${file}`, 'HEAD', options.signal, timeoutMs, options.credentials);
    if (head.status === 401 || head.status === 403) throw authRequired(`${mediaBase}${file}`, head.status, options.credentials);
    if (head.ok) return { ...parsed, media, mediaUrl: `${mediaBase}${file}` };
  }
  throw new CaptureError('MEDIA_MISSING', `recording ${target.recordId} has no media: neither video/webcams.webm, video/webcams.mp4 nor audio/audio.webm exists`);
}
