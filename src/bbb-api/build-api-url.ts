/**
 * The URL of one BBB API call: `<base>api/<call>?<query>&checksum=<hash>`, where base is the
 * server's API base as `bbb-conf --secret` prints it (`https://bbb.example.org/bigbluebutton/`).
 */
import { CaptureError } from '../errors.js';
import { apiChecksum, type ChecksumAlgorithm } from './api-checksum.js';

/** The API base with one trailing slash; a base given down to `…/api/` is taken back to its parent. */
export function normaliseApiBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CaptureError('USAGE', `--bbb-url ${JSON.stringify(base)} is not a URL (expected the API base, e.g. https://bbb.example.org/bigbluebutton/)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CaptureError('USAGE', `--bbb-url ${base}: expected an http(s) URL`);
  if (url.search || url.hash || url.username || url.password)
    throw new CaptureError('USAGE', `--bbb-url ${base}: expected the API base alone, without a query, fragment or user name`);
  let pathname = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  if (pathname.endsWith('/api/')) pathname = pathname.slice(0, -'api/'.length);
  return `${url.origin}${pathname}`;
}

/**
 * The query string of `params` in the order given (values percent-encoded as BBB's own clients
 * do: encodeURIComponent), and the URL with its checksum.
 */
export function buildApiUrl(base: string, call: string, params: ReadonlyArray<readonly [string, string]>, secret: string, algorithm: ChecksumAlgorithm = 'sha1'): string {
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const checksum = apiChecksum(call, query, secret, algorithm);
  return `${normaliseApiBase(base)}api/${call}?${query === '' ? '' : `${query}&`}checksum=${checksum}`;
}
