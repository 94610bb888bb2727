/**
 * `bbb-capture dashboard`: bull-board's web view of the capture queue (waiting, active, done,
 * failed with the error; retry and remove), served with Hono. It can change the queue, so it
 * listens on loopback unless given a token or basic-auth credentials, and even on loopback it
 * answers only requests addressed to a loopback name (a page elsewhere cannot reach it by DNS
 * rebinding) and changes only from its own origin (no cross-site form posts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { getCookie, setCookie } from 'hono/cookie';
import { CaptureError } from '../errors.js';
import type { CaptureQueue } from './capture-queue.js';
import { isLoopbackHost } from './is-loopback-host.js';

/** Who may use the dashboard. */
export type DashboardAuth = { kind: 'token'; token: string } | { kind: 'basic'; user: string; password: string } | null;

export interface DashboardOptions {
  queue: CaptureQueue;
  host: string;
  port: number;
  auth: DashboardAuth;
}

/** A running dashboard. */
export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

/** Why a dashboard without credentials stays on loopback. */
export const DASHBOARD_EXPOSED = (host: string) =>
  `refusing to serve the dashboard on ${host} without --token or --basic-auth: anyone who reaches it could retry and remove jobs (use --host 127.0.0.1, or set a token and put it behind TLS)`;

/** The cookie a browser keeps the token in after opening `/?token=…` once. */
const TOKEN_COOKIE = 'bbb_capture_dashboard';

/** Compares secrets in constant time (hashed first, so lengths leak nothing either). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The bearer token, the cookie, or `?token=` (which sets the cookie and is taken off the URL). */
function tokenAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const query = c.req.query('token');
    const cookie = getCookie(c, TOKEN_COOKIE);
    if (query !== undefined && sameSecret(query, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    if ((bearer !== undefined && sameSecret(bearer, token)) || (cookie !== undefined && sameSecret(cookie, token))) return next();
    return c.text('unauthorised: open the dashboard as /?token=TOKEN once, or send Authorization: Bearer TOKEN\n', 401);
  };
}

/** Starts the dashboard; throws USAGE when it would be open to others, or the port is taken. */
export async function serveDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (!isLoopbackHost(options.host) && !options.auth) throw new CaptureError('USAGE', DASHBOARD_EXPOSED(options.host));
  const board = new HonoAdapter(serveStatic);
  createBullBoard({ queues: [new BullMQAdapter(options.queue)], serverAdapter: board, options: { uiConfig: { boardTitle: 'bbb-capture' } } });
  board.setBasePath('/');

  const app = new Hono();
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    // Without credentials, loopback is the only protection: a name that resolves elsewhere first
    // (DNS rebinding) must not reach it.
    if (!options.auth && !isLoopbackHost(url.hostname)) return c.text('forbidden: this dashboard answers loopback addresses only\n', 403);
    const origin = c.req.header('origin');
    if (!['GET', 'HEAD'].includes(c.req.method) && origin !== undefined && origin !== url.origin) return c.text("forbidden: changes only from the dashboard's own page\n", 403);
    return next();
  });
  if (options.auth?.kind === 'basic') app.use('*', basicAuth({ username: options.auth.user, password: options.auth.password, realm: 'bbb-capture dashboard' }));
  if (options.auth?.kind === 'token') app.use('*', tokenAuth(options.auth.token));
  app.route('/', board.registerPlugin());

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CaptureError('USAGE', `cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}): choose another --port or --host`, { cause: error })),
    );
  });
  const { port } = server.address() as { port: number };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
