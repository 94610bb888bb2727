/**
 * Options for recordings behind authentication, shared by `record`, `batch`, `worker` and
 * `enqueue`: --cookie, --header and --basic-auth (or BBB_CAPTURE_COOKIE, BBB_CAPTURE_HEADER,
 * BBB_CAPTURE_BASIC_AUTH) for the recording's own server, and --credentials-file for several
 * servers (JSON keyed by origin). Messages about a bad value name the option, never the value.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CaptureError } from '../../errors.js';
import { RecordingCredentials, type OriginCredentials } from '../../recording/recording-credentials.js';
import type { CliContext } from '../cli-context.js';

export interface CredentialFlags {
  cookie?: string[];
  header?: string[];
  basicAuth?: string;
  credentialsFile?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Cookie values as RFC 6265 allows them: no spaces, quotes, commas, semicolons or backslashes.
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/** Headers the request itself owns: sending another value would break it, not authenticate it. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'range', 'cookie', 'authorization']);

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds --cookie, --header, --basic-auth and --credentials-file. */
export function addCredentialOptions(command: Command): Command {
  return command
    .option('--cookie <name=value>', 'a cookie for the recording\'s server (player, media, metadata); repeatable; env BBB_CAPTURE_COOKIE ("a=1; b=2")', collect)
    .option('--header <"Name: value">', "a request header for the recording's server only; repeatable; env BBB_CAPTURE_HEADER (one per line)", collect)
    .option('--basic-auth <user:pass>', "HTTP basic auth for the recording's server only; env BBB_CAPTURE_BASIC_AUTH")
    .option(
      '--credentials-file <file>',
      'JSON credentials per server: {"https://bbb.example.org": {"cookies": {"name": "value"}, "headers": {"Name": "value"}, "basicAuth": "user:pass"}}',
    );
}

function cookie(text: string, where: string): { name: string; value: string } {
  const eq = text.indexOf('=');
  const name = eq === -1 ? '' : text.slice(0, eq).trim();
  const value = eq === -1 ? '' : text.slice(eq + 1).trim();
  if (!TOKEN.test(name) || !COOKIE_VALUE.test(value))
    throw new CaptureError('USAGE', `${where}: expected NAME=VALUE (a cookie name, then a value without spaces, quotes, commas or semicolons)`);
  return { name, value };
}

function header(name: string, value: string, where: string): readonly [string, string] {
  if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) throw new CaptureError('USAGE', `${where}: expected "Name: value" (a header name, then a value on one line)`);
  if (RESERVED.has(name.toLowerCase()))
    throw new CaptureError(
      'USAGE',
      `${where}: ${name} cannot be set this way${name.toLowerCase() === 'cookie' ? ' (use --cookie)' : name.toLowerCase() === 'authorization' ? ' for basic auth (use --basic-auth); other schemes are not supported' : ''}`,
    );
  return [name, value.trim()];
}

function headerLine(text: string, where: string): readonly [string, string] {
  const colon = text.indexOf(':');
  if (colon === -1) throw new CaptureError('USAGE', `${where}: expected "Name: value"`);
  return header(text.slice(0, colon).trim(), text.slice(colon + 1), where);
}

function basicAuth(text: string, where: string): { username: string; password: string } {
  const colon = text.indexOf(':');
  if (colon <= 0 || /[\r\n\0]/.test(text)) throw new CaptureError('USAGE', `${where}: expected USER:PASS`);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function fromFile(file: string): Map<string, OriginCredentials> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new CaptureError('USAGE', `--credentials-file ${file}: ${why}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new CaptureError('USAGE', `--credentials-file ${file}: expected an object keyed by origin (https://host[:port])`);
  const byOrigin = new Map<string, OriginCredentials>();
  for (const [key, entry] of Object.entries(doc as Record<string, unknown>)) {
    const where = `--credentials-file ${file}, ${JSON.stringify(key)}`;
    let origin: string;
    try {
      origin = new URL(key).origin;
    } catch {
      throw new CaptureError('USAGE', `${where}: not an origin (expected https://host[:port])`);
    }
    if (origin === 'null' || new URL(key).pathname !== '/') throw new CaptureError('USAGE', `${where}: not an origin (expected https://host[:port], no path)`);
    const e = (entry ?? {}) as { cookies?: unknown; headers?: unknown; basicAuth?: unknown };
    const unknown = Object.keys(e).filter((k) => !['cookies', 'headers', 'basicAuth'].includes(k));
    if (typeof entry !== 'object' || unknown.length > 0) throw new CaptureError('USAGE', `${where}: expected {"cookies": {...}, "headers": {...}, "basicAuth": "user:pass"}`);
    const strings = (v: unknown, what: string): Array<[string, string]> => {
      if (v === undefined) return [];
      if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))
        throw new CaptureError('USAGE', `${where}: "${what}" must map names to string values`);
      return Object.entries(v as Record<string, string>);
    };
    if (e.basicAuth !== undefined && typeof e.basicAuth !== 'string') throw new CaptureError('USAGE', `${where}: "basicAuth" must be "user:pass"`);
    byOrigin.set(origin, {
      cookies: strings(e.cookies, 'cookies').map(([n, v]) => cookie(`${n}=${v}`, `${where} cookie ${n}`)),
      headers: strings(e.headers, 'headers').map(([n, v]) => header(n, v, `${where} header ${n}`)),
      basicAuth: e.basicAuth === undefined ? undefined : basicAuth(e.basicAuth as string, `${where} basicAuth`),
    });
  }
  return byOrigin;
}

/** The credentials from the options, else the environment, and the file; resolved once at the CLI edge. */
export function resolveCredentials(flags: CredentialFlags, context: Pick<CliContext, 'env'>): RecordingCredentials {
  const env = context.env;
  const cookies = flags.cookie?.length
    ? flags.cookie.map((c, i) => cookie(c, `--cookie #${i + 1}`))
    : (env.BBB_CAPTURE_COOKIE ?? '')
        .split(';')
        .filter((c) => c.trim() !== '')
        .map((c, i) => cookie(c, `BBB_CAPTURE_COOKIE cookie #${i + 1}`));
  const headers = flags.header?.length
    ? flags.header.map((h, i) => headerLine(h, `--header #${i + 1}`))
    : (env.BBB_CAPTURE_HEADER ?? '')
        .split(/\r?\n/)
        .filter((h) => h.trim() !== '')
        .map((h, i) => headerLine(h, `BBB_CAPTURE_HEADER line ${i + 1}`));
  const auth =
    flags.basicAuth !== undefined
      ? basicAuth(flags.basicAuth, '--basic-auth')
      : env.BBB_CAPTURE_BASIC_AUTH
        ? basicAuth(env.BBB_CAPTURE_BASIC_AUTH, 'BBB_CAPTURE_BASIC_AUTH')
        : undefined;
  return new RecordingCredentials({ cookies, headers, basicAuth: auth }, flags.credentialsFile ? fromFile(flags.credentialsFile) : new Map());
}
