/**
 * `serve`'s answer to `GET /bigbluebutton/api/getRecordings`, built from each recording's
 * metadata.xml as BBB builds it: the checksum checked as BBB checks it (sha1, sha256, sha384 or
 * sha512, by the checksum's length), the meetingID, recordID and state filters, and offset/limit
 * paging with `<totalElements>` as BBB 2.6 pages. Without a secret the API is off: every call
 * answers FAILED, as a server would to a checksum it cannot check.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { checksumValid } from '../bbb-api/api-checksum.js';
import type { FoundRecording } from './list-recordings.js';

/** Where the API lives on a BBB server. */
export const API_PATH = '/bigbluebutton/api';

/** BBB 2.6's largest page. */
const MAX_LIMIT = 100;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'object') return text((node as Record<string, unknown>)['#text']);
  return String(node).trim();
}

function failed(key: string, message: string): string {
  return `<response><returncode>FAILED</returncode><messageKey>${key}</messageKey><message>${escapeXml(message)}</message></response>`;
}

/** The fields of metadata.xml the API lists. */
interface Listed {
  recordId: string;
  internalMeetingId: string;
  meetingId: string;
  name: string;
  state: string;
  startTime: string;
  endTime: string;
  participants: string;
  rawSize: string;
  meta: Array<[string, string]>;
}

async function readListed(recording: FoundRecording): Promise<Listed | undefined> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(await readFile(path.join(recording.dir, 'metadata.xml'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const r = doc.recording as Record<string, unknown> | undefined;
  if (!r) return undefined;
  const meeting = (r.meeting ?? {}) as Record<string, unknown>;
  const metaNode = (r.meta ?? {}) as Record<string, unknown>;
  const meta = Object.entries(metaNode).flatMap(([k, v]): Array<[string, string]> => (/^[A-Za-z][\w.-]*$/.test(k) ? [[k, text(v)]] : []));
  const internalMeetingId = text(meeting['@id']) || recording.recordId;
  const published = text(r.published);
  return {
    recordId: recording.recordId,
    internalMeetingId,
    meetingId: text(meeting['@externalId']) || text(metaNode.meetingId) || internalMeetingId,
    name: text(metaNode.meetingName) || text(meeting['@name']) || recording.recordId,
    state: text(r.state) || (published === 'false' ? 'unpublished' : 'published'),
    startTime: text(r.start_time),
    endTime: text(r.end_time),
    participants: text(r.participants),
    rawSize: text(r.rawSize),
    meta,
  };
}

function recordingXml(r: Listed, playerUrl: string): string {
  const meta = r.meta.map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
  return (
    `<recording><recordID>${escapeXml(r.recordId)}</recordID><meetingID>${escapeXml(r.meetingId)}</meetingID>` +
    `<internalMeetingID>${escapeXml(r.internalMeetingId)}</internalMeetingID><name>${escapeXml(r.name)}</name>` +
    `<published>${r.state === 'published'}</published><state>${escapeXml(r.state)}</state>` +
    `<startTime>${escapeXml(r.startTime)}</startTime><endTime>${escapeXml(r.endTime)}</endTime>` +
    `<participants>${escapeXml(r.participants)}</participants><rawSize>${escapeXml(r.rawSize)}</rawSize><metadata>${meta}</metadata>` +
    `<playback><format><type>presentation</type><url>${escapeXml(playerUrl)}</url><length>0</length></format></playback><data/></recording>`
  );
}

function list(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The XML answer to getRecordings with `rawQuery` (as received), listing `recordings`; `playerUrl`
 * gives each one's served player page. `secret` undefined: the API is off.
 */
export async function answerGetRecordings(
  rawQuery: string,
  options: { secret: string | undefined; recordings: readonly FoundRecording[]; playerUrl: (recordId: string) => string },
): Promise<string> {
  if (options.secret === undefined) return failed('checksumError', 'This server has no API secret (serve was started without --bbb-secret), so no checksum can pass.');
  if (!checksumValid('getRecordings', rawQuery, options.secret)) return failed('checksumError', 'You did not pass the checksum security check');
  const params = new URLSearchParams(rawQuery);
  const meetingIds = list(params.get('meetingID'));
  const recordIds = list(params.get('recordID'));
  const states = list(params.get('state'));
  const wanted = states.length === 0 ? ['published', 'unpublished'] : states;
  const offsetText = params.get('offset');
  const limitText = params.get('limit');
  if ((offsetText !== null && !/^\d+$/.test(offsetText)) || (limitText !== null && !/^\d+$/.test(limitText)))
    return failed('validationError', 'offset and limit must be whole numbers');
  const offset = Number(offsetText ?? 0);
  const limit = limitText === null ? Infinity : Math.min(Math.max(Number(limitText), 1), MAX_LIMIT);

  const matching: Listed[] = [];
  for (const recording of options.recordings) {
    const r = await readListed(recording);
    if (!r) continue;
    // BBB matches the meeting id given at create (the external one); the internal one is taken too.
    if (meetingIds.length > 0 && !meetingIds.includes(r.meetingId) && !meetingIds.includes(r.internalMeetingId)) continue;
    if (recordIds.length > 0 && !recordIds.includes(r.recordId)) continue;
    if (!wanted.includes('any') && !wanted.includes(r.state)) continue;
    matching.push(r);
  }
  const page = matching.slice(offset, offset + limit);
  const total = `<totalElements>${matching.length}</totalElements>`;
  if (page.length === 0) {
    return `<response><returncode>SUCCESS</returncode><recordings></recordings>${total}<messageKey>noRecordings</messageKey><message>There are no recordings for the meeting(s).</message></response>`;
  }
  return `<response><returncode>SUCCESS</returncode><recordings>${page.map((r) => recordingXml(r, options.playerUrl(r.recordId))).join('')}</recordings>${total}</response>`;
}
