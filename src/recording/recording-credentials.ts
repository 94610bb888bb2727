/**
 * Credentials for recordings behind authentication: cookies, extra headers and HTTP basic auth,
 * given for "the recording's server" (the command line, the environment) or per origin (a
 * credentials file). They go only to the recording's own origin, and they never leave the process
 * in text: JSON.stringify and util.inspect show `[redacted]`, so options, events, journals and
 * job data that carry or print them cannot leak them.
 */
import { inspect } from 'node:util';

/** What is sent to one origin. */
export interface OriginCredentials {
  cookies: ReadonlyArray<{ name: string; value: string }>;
  headers: ReadonlyArray<readonly [string, string]>;
  basicAuth: { username: string; password: string } | undefined;
}

/** Credentials bound to the one origin they may be sent to. */
export interface BoundCredentials {
  origin: string;
  values: OriginCredentials;
}

const REDACTED = '[redacted]';

/** Credentials of a run; `bind` picks those of one recording's origin. */
export class RecordingCredentials {
  readonly #anyRecording: OriginCredentials | undefined;
  readonly #byOrigin: ReadonlyMap<string, OriginCredentials>;

  /** `anyRecording`: sent to whichever origin a recording is on; `byOrigin` wins for its origins. */
  constructor(anyRecording: OriginCredentials | undefined, byOrigin: ReadonlyMap<string, OriginCredentials> = new Map()) {
    const some = (c: OriginCredentials | undefined) => c !== undefined && (c.cookies.length > 0 || c.headers.length > 0 || c.basicAuth !== undefined);
    this.#anyRecording = some(anyRecording) ? anyRecording : undefined;
    this.#byOrigin = new Map([...byOrigin].filter(([, c]) => some(c)));
  }

  /** No credentials at all. */
  get empty(): boolean {
    return this.#anyRecording === undefined && this.#byOrigin.size === 0;
  }

  /** What may be sent to a recording on `origin` (scheme://host:port), bound to it; undefined: nothing. */
  bind(origin: string): BoundCredentials | undefined {
    const values = this.#byOrigin.get(origin) ?? this.#anyRecording;
    return values ? { origin, values } : undefined;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `RecordingCredentials ${REDACTED}`;
  }
}

/** The request headers that carry `values` in Node's own requests: the extra headers, Cookie and Authorization. */
export function credentialHeaders(values: OriginCredentials): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of values.headers) headers[name.toLowerCase()] = value;
  if (values.cookies.length > 0) headers.cookie = values.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  if (values.basicAuth) headers.authorization = `Basic ${Buffer.from(`${values.basicAuth.username}:${values.basicAuth.password}`, 'utf8').toString('base64')}`;
  return headers;
}
