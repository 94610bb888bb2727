/**
 * A local stand-in for a BBB server's playback side: recordings at `/presentation/<recordId>/…`,
 * a player at `/playback/presentation/2.3/` (any sub-path that is not a file gets its index.html,
 * as the single-page app expects) and the legacy 2.0 URL redirected to it. Files go out through
 * `send`, which does HEAD, byte ranges, ETags and content types; everything else is a true 404,
 * because the player treats an HTML fallback for an optional data file as an error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import send from 'send';
import { CaptureError, throwIfAborted } from '../errors.js';
import { answerGetRecordings, API_PATH } from './answer-get-recordings.js';
import { defaultPlayerDir } from './default-player-dir.js';
import { listRecordings } from './list-recordings.js';
import { decodeSegment, resolveInside, type ResolvedFile, type ResolveFailure } from './resolve-inside.js';

/** Where the player is served, as on a BBB server. */
export const PLAYER_PATH = '/playback/presentation/2.3';
/** The BBB 2.0–2.2 player page, which BBB servers redirect to the 2.3 player. */
export const LEGACY_PLAYER_PATH = '/playback/presentation/2.0/playback.html';
/** Where recording files are served. */
export const RECORDINGS_PATH = '/presentation';

/** One answered request, for logs and tests. */
export interface ServedRequest {
  method: string;
  url: string;
  status: number;
  ms: number;
}

export interface StartServerOptions {
  /** Directory holding one sub-directory per recording, named by record id. */
  recordingsDir: string;
  /** A player build (with index.html); defaults to the bundled stand-in player. */
  playerDir?: string | undefined;
  /** Interface to listen on; loopback unless asked otherwise. */
  host?: string | undefined;
  /** 0 picks a free port. */
  port?: number | undefined;
  /** Closes the server when aborted. */
  signal?: AbortSignal | undefined;
  /** Called once per finished response. */
  onRequest?: ((request: ServedRequest) => void) | undefined;
  /**
   * Serve only this recording (a directory name inside recordingsDir); every other record id
   * answers 404. `record DIR` uses it so the recordings beside DIR stay private.
   */
  onlyRecording?: string | undefined;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer } | undefined;
  /** Shared secret of the BBB API (`/bigbluebutton/api/getRecordings`); undefined: every call answers FAILED. */
  bbbSecret?: string | undefined;
  /**
   * Refuse the player and the recordings (not the API, which has its checksum) without these, as
   * a server behind a login does: basic auth missing or wrong answers 401 with a challenge, a
   * missing cookie or header 403. For testing recordings behind authentication.
   */
  requireAuth?: RequiredAuth | undefined;
}

/** What `requireAuth` asks of every request for the player and the recordings. */
export interface RequiredAuth {
  cookie?: { name: string; value: string } | undefined;
  header?: { name: string; value: string } | undefined;
  basicAuth?: { username: string; password: string } | undefined;
}

/** The status a request gets from `requireAuth`: 401, 403, or 0 when it may pass. */
function authStatus(req: IncomingMessage, required: RequiredAuth | undefined): 0 | 401 | 403 {
  if (!required) return 0;
  if (required.basicAuth) {
    const expected = `Basic ${Buffer.from(`${required.basicAuth.username}:${required.basicAuth.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return 401;
  }
  if (required.header && req.headers[required.header.name.toLowerCase()] !== required.header.value) return 403;
  if (required.cookie) {
    const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim());
    if (!cookies.includes(`${required.cookie.name}=${required.cookie.value}`)) return 403;
  }
  return 0;
}

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  playerDir: string;
  recordingsDir: string;
  /** The 2.3 player URL of a recording on this server. */
  playbackUrl(recordId: string): string;
  /** Stops listening and drops open connections; safe to call more than once. */
  close(): Promise<void>;
}

async function assertDirectory(dir: string, what: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch {
    // reported below
  }
  throw new CaptureError('USAGE', `${what} ${dir} is not a directory`);
}

function plain(res: ServerResponse, req: IncomingMessage, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: ResolvedFile): void {
  // send decodes the path it is given, so the already-checked names are encoded back.
  const encoded = `/${file.segments.map((s) => encodeURIComponent(s)).join('/')}`;
  send(req, encoded, { root: file.realRoot, index: false, dotfiles: 'ignore' })
    .on('error', (error: { status?: number; statusCode?: number }) => {
      const status = error.status ?? error.statusCode ?? 500;
      plain(res, req, status, status === 404 ? 'Not Found' : 'Error');
    })
    .pipe(res);
}

/** Formats host:port for a URL, turning wildcard addresses into loopback ones a browser can open. */
function urlHost(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return shown.includes(':') ? `[${shown}]:${port}` : `${shown}:${port}`;
}

/** Starts the server; resolves once it is listening. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  throwIfAborted(options.signal);
  const recordingsDir = path.resolve(options.recordingsDir);
  const playerDir = path.resolve(options.playerDir ?? defaultPlayerDir());
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CaptureError('USAGE', `port ${port} is not a port number (0–65535, 0 picks a free one)`);
  await assertDirectory(recordingsDir, 'the recordings directory');
  await assertDirectory(playerDir, 'the player directory');
  try {
    if (!(await stat(path.join(playerDir, 'index.html'))).isFile()) throw new Error('not a file');
  } catch {
    throw new CaptureError('NOT_A_BBB_PLAYER', `${playerDir} has no index.html: expected a bbb-playback build (its build/ folder)`);
  }

  const only = options.onlyRecording;
  if (only !== undefined) await assertDirectory(path.join(recordingsDir, only), 'the recording directory');
  /** With onlyRecording, the first segment must name it, and the rest is resolved inside it. */
  const resolveRecordingFile = async (segments: string[]): Promise<ResolvedFile | ResolveFailure> => {
    if (only === undefined) return resolveInside(recordingsDir, segments);
    // Empty segments are merged away by resolveInside, so the record id is the first non-empty one.
    const first = segments.findIndex((s) => s !== '');
    const id = first === -1 ? undefined : decodeSegment(segments[first]!);
    if (!id || !('name' in id) || id.name !== only) return 'not-found';
    return resolveInside(path.join(recordingsDir, only), segments.slice(first + 1));
  };

  // Set once listening; the API's player URLs fall back to it.
  let baseUrl = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const rawPath = query === -1 ? rawUrl : rawUrl.slice(0, query);
    const search = query === -1 ? '' : rawUrl.slice(query + 1);
    if (!rawPath.startsWith('/')) return plain(res, req, 400, 'Bad Request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, req, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });

    const denied = rawPath.startsWith(`${API_PATH}/`) ? 0 : authStatus(req, options.requireAuth);
    if (denied === 401) return plain(res, req, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="bbb-capture serve", charset="UTF-8"' });
    if (denied === 403) return plain(res, req, 403, 'Forbidden');

    if (rawPath === LEGACY_PLAYER_PATH) {
      const meetingId = new URLSearchParams(search).get('meetingId');
      if (!meetingId) return plain(res, req, 404, 'Not Found');
      return plain(res, req, 302, 'Found', { Location: `${PLAYER_PATH}/${encodeURIComponent(meetingId)}` });
    }

    if (rawPath === PLAYER_PATH || rawPath.startsWith(`${PLAYER_PATH}/`)) {
      const found = await resolveInside(playerDir, rawPath.slice(PLAYER_PATH.length).split('/'));
      if (typeof found !== 'string') return sendFile(req, res, found);
      if (found === 'bad-request') return plain(res, req, 400, 'Bad Request');
      if (found === 'refused') return plain(res, req, 404, 'Not Found');
      // The app routes /<recordId> itself, so every other sub-path gets index.html (nginx's try_files).
      const index = await resolveInside(playerDir, ['index.html']);
      if (typeof index === 'string') return plain(res, req, 404, 'Not Found');
      return sendFile(req, res, index);
    }

    if (rawPath === `${API_PATH}/getRecordings`) {
      const listed = await listRecordings(recordingsDir);
      // The player URLs name the host the client asked for, so a client elsewhere can open them.
      const hostHeader = req.headers.host;
      const origin = hostHeader && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d+)?$/.test(hostHeader) ? `${options.tls ? 'https' : 'http'}://${hostHeader}` : baseUrl;
      const xml = await answerGetRecordings(search, {
        secret: options.bbbSecret,
        recordings: only === undefined ? listed : listed.filter((r) => r.recordId === only),
        playerUrl: (recordId) => `${origin}${PLAYER_PATH}/${encodeURIComponent(recordId)}`,
      });
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : xml);
      return;
    }

    if (rawPath.startsWith(`${RECORDINGS_PATH}/`)) {
      const found = await resolveRecordingFile(rawPath.slice(RECORDINGS_PATH.length).split('/'));
      if (typeof found !== 'string') return sendFile(req, res, found);
      return plain(res, req, found === 'bad-request' ? 400 : 404, found === 'bad-request' ? 'Bad Request' : 'Not Found');
    }

    return plain(res, req, 404, 'Not Found');
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    if (options.onRequest) {
      const onRequest = options.onRequest;
      res.on('finish', () => onRequest({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode, ms: performance.now() - started }));
    }
    handle(req, res).catch(() => plain(res, req, 500, 'Internal Server Error'));
  };
  const server: Server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  // The player keeps media connections open; do not let them hold the process for minutes.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE')
        reject(new CaptureError('USAGE', `port ${port} on ${host} is already in use: pick another with --port (0 picks a free one)`, { cause: error }));
      else if (error.code === 'EACCES') reject(new CaptureError('USAGE', `not allowed to listen on ${where}: use a port above 1023`, { cause: error }));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        reject(new CaptureError('USAGE', `cannot listen on ${where}: no such local address`, { cause: error }));
      else reject(new CaptureError('INTERNAL', `cannot listen on ${where}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address();
  if (address === null || typeof address === 'string') throw new CaptureError('INTERNAL', 'the server has no TCP address');
  const url = `${options.tls ? 'https' : 'http'}://${urlHost(host, address.port)}`;
  baseUrl = url;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      options.signal?.removeEventListener('abort', onAbort);
      server.close(() => resolve());
      // Keep-alive and half-read media responses would otherwise keep close() waiting.
      server.closeAllConnections();
    });
    return closing;
  };
  const onAbort = () => void close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) await close();

  return {
    url,
    port: address.port,
    playerDir,
    recordingsDir,
    playbackUrl: (recordId) => `${url}${PLAYER_PATH}/${encodeURIComponent(recordId)}`,
    close,
  };
}
