/**
 * Turns what a user pastes into the one form bbb-capture works with: the 2.3 player URL of a
 * recording and where its files live. Accepts the 2.3 player URL and the legacy 2.0 form
 * (`/playback/presentation/2.0/playback.html?meetingId=<id>`), on any host and port.
 */
import { CaptureError } from '../errors.js';

/** What BBB's 2.3 player accepts as a record id (sha1 of the meeting id, '-', start ms); anything else gets its error screen 400. */
export const RECORD_ID_PATTERN = /^[a-z0-9]{40}-[0-9]{13}$/;

/** A recording on a BBB server (or on bbb-capture's own local server). */
export interface PlaybackTarget {
  /** `http://host:port` */
  origin: string;
  recordId: string;
  /** The 2.3 player page for this recording, without query parameters. */
  playerUrl: string;
  /** Where the recording's files live: `<origin>/presentation/<recordId>/`. */
  filesUrl: string;
}

/** Parses a playback URL; throws BAD_URL with what was wrong and what was expected. */
export function parsePlaybackUrl(input: string): PlaybackTarget {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new CaptureError('BAD_URL', `not a URL: "${input}" (expected https://HOST/playback/presentation/2.3/<recordId>)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CaptureError('BAD_URL', `unsupported scheme "${url.protocol}" in ${input} (expected http or https)`);
  }
  let recordId: string | undefined;
  const modern = /^\/playback\/presentation\/2\.3\/([^/?#]+)\/?$/.exec(url.pathname);
  if (modern) recordId = decodeURIComponent(modern[1]!);
  else if (/^\/playback\/presentation\/2\.0\/playback\.html$/.test(url.pathname)) {
    recordId = url.searchParams.get('meetingId') ?? undefined;
    if (!recordId) throw new CaptureError('BAD_URL', `legacy playback URL without meetingId: ${input}`);
  } else {
    throw new CaptureError(
      'BAD_URL',
      `not a BBB playback URL: ${input} (expected /playback/presentation/2.3/<recordId> or /playback/presentation/2.0/playback.html?meetingId=<recordId>)`,
    );
  }
  if (!RECORD_ID_PATTERN.test(recordId)) {
    throw new CaptureError('BAD_URL', `"${recordId}" is not a BBB recording id (expected 40 lowercase hex/letters, "-", 13 digits)`);
  }
  return {
    origin: url.origin,
    recordId,
    playerUrl: `${url.origin}/playback/presentation/2.3/${recordId}`,
    filesUrl: `${url.origin}/presentation/${recordId}/`,
  };
}
