/**
 * fetch() that adds a recording's credentials to the requests for its origin and to no other:
 * redirects are followed here, hop by hop, because fetch's own following would carry custom
 * headers (and, in some versions, cookies) to whatever host a redirect names.
 */
import { credentialHeaders, type BoundCredentials } from './recording-credentials.js';

const MAX_REDIRECTS = 20;

/** Like fetch(url, init) with redirect 'follow'; `credentials` go only to their own origin. */
export async function fetchWithCredentials(url: string, init: RequestInit, credentials: BoundCredentials | undefined): Promise<Response> {
  if (!credentials) return fetch(url, { ...init, redirect: 'follow' });
  let current = url;
  let method = init.method ?? 'GET';
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(current).origin === credentials.origin;
    const headers = { ...(init.headers as Record<string, string> | undefined), ...(sameOrigin ? credentialHeaders(credentials.values) : {}) };
    const response = await fetch(current, { ...init, method, headers, redirect: 'manual' });
    const location = response.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(response.status) || !location || hop >= MAX_REDIRECTS) return response;
    await response.body?.cancel().catch(() => undefined);
    current = new URL(location, current).href;
    if (response.status === 303 && method !== 'HEAD') method = 'GET';
  }
}
