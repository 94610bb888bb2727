/**
 * Reads a recording's metadata.xml before any browser starts: it proves the URL points at a BBB
 * recording, and gives the meeting name, start time and duration. Then finds which media the
 * player will play (webcams video, or audio only), as the player does, with HEAD requests.
 */
import { XMLParser } from 'fast-xml-parser';
import { CaptureError } from '../errors.js';
import type { PlaybackTarget } from './parse-playback-url.js';
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

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

async function request(url: string, method: 'GET' | 'HEAD', signal: AbortSignal | undefined, timeoutMs: number): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await fetch(url, { method, signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'follow' });
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

/** Parses metadata.xml; undefined when it is not a BBB recording's metadata. */
export function parseMetadata(xml: string): Omit<RecordingInfo, 'media' | 'mediaUrl'> | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const recording = doc.recording as Record<string, unknown> | undefined;
  if (!recording || typeof recording !== 'object') return undefined;
  const meeting = recording.meeting as Record<string, unknown> | undefined;
  const playback = recording.playback as Record<string, unknown> | undefined;
  const meta = recording.meta as Record<string, unknown> | undefined;
  const recordId = text(recording.id);
  const meetingId = text(meeting?.['@id']) ?? recordId;
  const durationMs = Number(text(playback?.duration));
  if (!recordId || !meetingId || !Number.isFinite(durationMs) || durationMs <= 0) return undefined;
  return {
    recordId,
    meetingId,
    meetingName: text(meta?.meetingName) ?? text(meeting?.['@name']) ?? recordId,
    startTime: Number(text(recording.start_time)) || 0,
    duration: durationMs / 1000,
  };
}

/** Fetches metadata.xml and probes the media; throws a CaptureError naming what is wrong. */
export async function fetchRecordingInfo(target: PlaybackTarget, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<RecordingInfo> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const metadataUrl = `${target.filesUrl}metadata.xml`;
  const response = await request(metadataUrl, 'GET', options.signal, timeoutMs);
  if (response.status === 404 || response.status === 410) {
    throw new CaptureError('RECORDING_NOT_FOUND', `recording ${target.recordId} not found on ${target.origin} (${metadataUrl} answered ${response.status})`);
  }
  if (!response.ok) {
    throw new CaptureError('NOT_A_BBB_RECORDING', `${metadataUrl} answered HTTP ${response.status}, not a BBB recording's metadata`);
  }
  const parsed = parseMetadata(await response.text());
  if (!parsed) throw new CaptureError('NOT_A_BBB_RECORDING', `${metadataUrl} is not a BBB recording's metadata.xml`);
  const mediaBase = `${target.origin}/presentation/${parsed.meetingId}/`;
  for (const [file, media] of [['video/webcams.webm', 'video'], ['video/webcams.mp4', 'video'], ['audio/audio.webm', 'audio']] as const) {
    const head = await request(`${mediaBase}${file}`, 'HEAD', options.signal, timeoutMs);
    if (head.ok) return { ...parsed, media, mediaUrl: `${mediaBase}${file}` };
  }
  throw new CaptureError('MEDIA_MISSING', `recording ${target.recordId} has no media: neither video/webcams.webm, video/webcams.mp4 nor audio/audio.webm exists`);
}
