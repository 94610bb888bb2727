/**
 * Reads a `getRecordings` answer. BBB answers HTTP 200 whatever happened: `<returncode>FAILED`
 * with a messageKey (checksumError, …) is a refusal, reported as BBB_API_REFUSED with the server's
 * own words; `SUCCESS` with `<recordings/>` (messageKey noRecordings) is simply an empty list.
 */
import { XMLParser } from 'fast-xml-parser';
import { CaptureError } from '../errors.js';

/** One recording as getRecordings lists it: what selecting and exporting it needs. */
export interface ApiRecording {
  recordId: string;
  /** The meeting's own (external) id, as the API's meetingID parameter takes it. */
  meetingId: string;
  name: string;
  state: string;
  /** ms since the epoch; NaN when the server gives none. */
  startTime: number;
  /** The `presentation` format's playback URL; undefined when the recording has no such format. */
  presentationUrl: string | undefined;
}

/** A page of recordings, and the server's total where it pages (BBB 2.6+: `<totalElements>`). */
export interface GetRecordingsPage {
  recordings: ApiRecording[];
  totalElements: number | undefined;
}

// Values stay text (ids of digits keep their zeros); these may occur once or many times.
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name, jpath) => jpath === 'response.recordings.recording' || name === 'format' });

function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'object') return text((node as Record<string, unknown>)['#text']);
  return String(node).trim();
}

/** Parses the XML of a getRecordings answer from `source` (named in messages, without the secret). */
export function parseGetRecordings(xml: string, source: string): GetRecordingsPage {
  const notApi = () =>
    new CaptureError(
      'BBB_API_REFUSED',
      `${source} did not answer as a BBB API does (no <response><returncode>): is --bbb-url the API base, e.g. https://bbb.example.org/bigbluebutton/?`,
    );
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    throw notApi();
  }
  const response = doc.response as Record<string, unknown> | undefined;
  const returncode = text(response?.returncode);
  if (!response || !returncode) throw notApi();
  if (returncode !== 'SUCCESS') {
    const key = text(response.messageKey) || 'unknown';
    const message = text(response.message);
    const hint = key === 'checksumError' ? ' (check --bbb-secret, and --bbb-checksum if the server takes only sha256 or stronger)' : '';
    throw new CaptureError('BBB_API_REFUSED', `the BBB API refused getRecordings: ${returncode} ${key}${message ? `: ${message}` : ''}${hint}`);
  }
  const list = response.recordings;
  const entries = list && typeof list === 'object' ? (((list as Record<string, unknown>).recording as unknown[] | undefined) ?? []) : [];
  const recordings: ApiRecording[] = [];
  for (const entry of entries) {
    const r = entry as Record<string, unknown>;
    const recordId = text(r.recordID);
    if (!recordId) continue;
    const formats = ((r.playback as Record<string, unknown> | undefined)?.format as unknown[] | undefined) ?? [];
    const presentation = formats.map((f) => f as Record<string, unknown>).find((f) => text(f.type) === 'presentation');
    const metadata = r.metadata as Record<string, unknown> | undefined;
    recordings.push({
      recordId,
      meetingId: text(r.meetingID) ?? text(metadata?.meetingId) ?? '',
      name: text(r.name) ?? text(metadata?.meetingName) ?? recordId,
      state: text(r.state) ?? (text(r.published) === 'true' ? 'published' : 'unpublished'),
      startTime: Number(text(r.startTime) ?? NaN),
      presentationUrl: text(presentation?.url) || undefined,
    });
  }
  const total = text(response.totalElements);
  const totalElements = total !== undefined && /^\d+$/.test(total) ? Number(total) : undefined;
  return { recordings, totalElements };
}
