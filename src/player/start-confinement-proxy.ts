/**
 * A forward proxy on loopback that the player's browser context sends every request through: it
 * lets only the recording's origin (scheme, host and port) through and refuses everything else.
 *
 * Why a proxy and not Playwright's request routing alone: routing sees only the first URL of a
 * redirect chain (a same-origin 302 to another host loads it into the video), and no WebSocket;
 * Chromium's network stack asks the proxy for every hop of every scheme, from the page, its
 * workers and its service workers alike. Written here rather than taken from npm because the
 * one thing it must do, refuse by origin, is not what the proxy packages are built for (the
 * `proxy` package can only refuse with 407 and rewrites headers; proxy-chain brings an upstream
 * chaining stack we do not need); what remains is Node's http and net.
 */
import http from 'node:http';
import net from 'node:net';
import { CaptureError } from '../errors.js';

/** A running confinement proxy. */
export interface ConfinementProxy {
  /** http://127.0.0.1:PORT, for the browser context's `proxy.server`. */
  url: string;
  /** Stops listening and drops every connection and tunnel; safe to call more than once. */
  close(): Promise<void>;
}

export interface ConfinementProxyOptions {
  /** The only origin let through, e.g. https://bbb.example.org or http://127.0.0.1:8080. */
  origin: string;
  /** Called once for each refused target (a URL, or host:port for a tunnel). */
  onBlocked: (target: string) => void;
}

/** Headers that belong to one connection and must not be passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .toLowerCase()
      .split(',')
      .map((h) => h.trim()),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(key) && !named.has(key)) out[key] = value;
  }
  return out;
}

/** host:port with the scheme's default port filled in; hostnames as URL normalises them. */
function authority(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** Starts the proxy on a free loopback port. */
export async function startConfinementProxy(options: ConfinementProxyOptions): Promise<ConfinementProxy> {
  let origin: URL;
  try {
    origin = new URL(options.origin);
  } catch (error) {
    throw new CaptureError('INTERNAL', `confinement proxy: ${options.origin} is not an origin`, { cause: error });
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') throw new CaptureError('INTERNAL', `confinement proxy: ${options.origin} is not an http(s) origin`);
  const allowedAuthority = authority(origin);
  const reported = new Set<string>();
  const blocked = (target: string): void => {
    if (reported.has(target)) return;
    reported.add(target);
    options.onBlocked(target);
  };
  // Keep-alive upstream: media is fetched in many range requests.
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = http.createServer((req, res) => {
    // A browser sends plain-http requests in absolute form (GET http://host:port/path).
    let target: URL | undefined;
    try {
      target = new URL(req.url ?? '');
    } catch {
      target = undefined;
    }
    // An https origin is reached only through CONNECT tunnels; a plain-http request is another scheme.
    if (!target || origin.protocol !== 'http:' || target.origin !== origin.origin) {
      blocked(target?.href ?? String(req.url));
      res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end("bbb-capture: outside the recording's server\n");
      return;
    }
    const upstream = http.request(
      {
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || 80,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: endToEnd(req.headers),
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    // The server is gone: drop the browser's connection too, as if there were no proxy. (A 502
    // would reach the media element as a fatal answer rather than as a lost server.)
    upstream.on('error', () => res.destroy());
    // The browser gave up (a seek cancels a media request): stop the upstream transfer too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });

  // CONNECT host:port: https and wss. Only the https origin's own host and port get a tunnel,
  // and what flows through it is TLS that Chromium verifies against that host.
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    let target: URL | undefined;
    try {
      target = new URL(`https://${req.url ?? ''}`);
    } catch {
      target = undefined;
    }
    if (!target || origin.protocol !== 'https:' || authority(target) !== allowedAuthority) {
      blocked(String(req.url));
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(target.port || 443), target.hostname.replace(/^\[|\]$/g, ''));
    track(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (upstream.connecting) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });

  // An Upgrade (WebSocket) in absolute form: never let through; the player uses none.
  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket) => {
    blocked(String(req.url));
    client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  server.on('connection', track);
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new CaptureError('INTERNAL', `cannot start the confinement proxy: ${error.message}`, { cause: error })));
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}
