import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfinementProxy, type ConfinementProxy } from '../../../src/player/start-confinement-proxy.js';

let origin: http.Server;
let other: http.Server;
let originUrl: string;
let otherUrl: string;
let otherHits = 0;
let proxy: ConfinementProxy;
const blocked: string[] = [];

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A request through the proxy, in absolute form, as a browser sends it. */
function viaProxy(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: url, headers: { host: new URL(url).host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The proxy's answer to CONNECT host:port (its status line). */
function connect(authority: string): Promise<string> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`));
    let seen = '';
    socket.on('data', (c: Buffer) => {
      seen += c.toString();
      if (seen.includes('\r\n')) {
        socket.destroy();
        resolve(seen.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    if (req.url === '/hop') return void res.writeHead(302, { location: `${otherUrl}/x` }).end();
    res.writeHead(206, { 'content-range': 'bytes 0-1/10', connection: 'x-secret', 'x-secret': 'hop' }).end(`range ${req.headers.range ?? ''}`);
  });
  other = http.createServer((_req, res) => {
    otherHits += 1;
    res.end('other');
  });
  originUrl = await listen(origin);
  otherUrl = await listen(other);
  proxy = await startConfinementProxy({ origin: originUrl, onBlocked: (t) => blocked.push(t) });
});

afterAll(async () => {
  await proxy.close();
  await proxy.close();
  origin.close();
  other.close();
});

describe('startConfinementProxy', () => {
  it("passes the origin's requests on, headers and status intact, without hop-by-hop headers", async () => {
    const res = await viaProxy(`${originUrl}/presentation/x/video/webcams.webm`, { range: 'bytes=0-1' });
    expect(res.status).toBe(206);
    expect(res.body).toBe('range bytes=0-1');
    expect(res.headers['content-range']).toBe('bytes 0-1/10');
    expect(res.headers['x-secret']).toBeUndefined();
  });

  it('passes a redirect on, then refuses its hop to another port, reporting it once', async () => {
    expect((await viaProxy(`${originUrl}/hop`)).status).toBe(302);
    expect((await viaProxy(`${otherUrl}/x`)).status).toBe(403);
    expect((await viaProxy(`${otherUrl}/x`)).status).toBe(403);
    expect(otherHits).toBe(0);
    expect(blocked.filter((b) => b === `${otherUrl}/x`)).toHaveLength(1);
  });

  it('refuses another host, and https to the same host and port (another scheme)', async () => {
    expect((await viaProxy('http://example.org/')).status).toBe(403);
    expect(await connect(new URL(originUrl).host)).toMatch(/^HTTP\/1\.1 403/);
    expect(await connect(new URL(otherUrl).host)).toMatch(/^HTTP\/1\.1 403/);
    expect(otherHits).toBe(0);
  });

  it("tunnels only to an https origin's own host and port", async () => {
    const tls = await startConfinementProxy({ origin: `https://127.0.0.1:${new URL(originUrl).port}`, onBlocked: () => undefined });
    const saved = proxy;
    proxy = tls;
    try {
      expect(await connect(new URL(originUrl).host)).toMatch(/^HTTP\/1\.1 200/);
      expect(await connect(new URL(otherUrl).host)).toMatch(/^HTTP\/1\.1 403/);
      expect((await viaProxy(`${originUrl}/x`)).status).toBe(403);
    } finally {
      proxy = saved;
      await tls.close();
    }
  });
});
