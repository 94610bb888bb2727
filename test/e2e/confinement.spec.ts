/**
 * The player page is confined to the recording's origin at the network level: a same-origin
 * redirect to another local port, a WebSocket to another local port and a service worker all
 * fail, WebRTC sends no UDP, and the other server never hears from the page. Drives the product's own openPlayer
 * against a front server (in front of the local BBB server) that can answer a redirect.
 */
import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { findChromium } from '../../src/browser/find-chromium.js';
import { launchBrowser } from '../../src/browser/launch-browser.js';
import { openPlayer, type OpenedPlayer } from '../../src/player/open-player.js';
import { parsePlaybackUrl } from '../../src/recording/parse-playback-url.js';
import { expect, test } from './support/samples-fixture.js';

const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

interface LocalServer {
  url: string;
  port: number;
  /** Request lines (`GET /path`) and `upgrade /path`, in order. */
  seen: string[];
  /** TCP connections accepted, whatever came over them. */
  connections: () => number;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener, seen: string[]): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket) => {
    seen.push(`upgrade ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    connections: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server elsewhere on this machine that the page must never reach. */
function startOutsider(): Promise<LocalServer> {
  return listen((_req, res) => res.writeHead(404).end(), []);
}

/** Forwards to the BBB server; paths matching `redirect` answer 302 to `location` instead. */
function startFront(target: string, redirect?: { path: RegExp; location: string }): Promise<LocalServer> {
  return listen((req, res) => {
    if (redirect?.path.test(req.url ?? '')) return void res.writeHead(302, { location: redirect.location }).end();
    const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }, []);
}

function open(browser: Browser, playbackUrl: string, log: string[], readyTimeoutMs = 60_000): Promise<OpenedPlayer> {
  return openPlayer(browser, {
    target: parsePlaybackUrl(playbackUrl),
    width: 1280,
    height: 720,
    layout: 'player',
    eventRate: 15,
    fontFile: FONT_FILE,
    localResources: new Map(),
    readyTimeoutMs,
    insecure: false,
    onLog: (line) => log.push(line),
  });
}

test('a same-origin redirect of the media to another local port is not followed', async ({ browser, bbbServer, sample }) => {
  const rec = await sample('full', 4);
  const outsider = await startOutsider();
  const front = await startFront(bbbServer.url, { path: /\/video\/webcams\.(webm|mp4)$/, location: `${outsider.url}/webcams.webm` });
  const log: string[] = [];
  try {
    const opening = open(browser, `${front.url}/playback/presentation/2.3/${rec.recordId}`, log, 15_000);
    await expect(opening).rejects.toMatchObject({ code: expect.stringMatching(/^(MEDIA_MISSING|PLAYER_TIMEOUT|PLAYER_ERROR_SCREEN)$/) });
    // The redirect was asked for, and its target never heard from the page.
    expect(front.seen.some((l) => /\/video\/webcams\./.test(l))).toBe(true);
    expect(outsider.seen).toEqual([]);
    expect(outsider.connections()).toBe(0);
    expect(log.filter((l) => l === `blocked outside request ${outsider.url}/webcams.webm`)).toHaveLength(1);
  } finally {
    await front.close();
    await outsider.close();
  }
});

test('a WebSocket to another local port does not connect', async ({ browser, bbbServer, sample }) => {
  const rec = await sample('full', 4);
  const outsider = await startOutsider();
  const front = await startFront(bbbServer.url);
  const log: string[] = [];
  const { context, page } = await open(browser, `${front.url}/playback/presentation/2.3/${rec.recordId}`, log);
  try {
    const socket = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('error');
          setTimeout(() => resolve('no answer'), 10_000);
        }),
      `ws://127.0.0.1:${outsider.port}/socket`,
    );
    expect(socket).toBe('error');
    expect(outsider.seen).toEqual([]);
    expect(outsider.connections()).toBe(0);
    expect(log.filter((l) => l === `blocked outside request 127.0.0.1:${outsider.port}`)).toHaveLength(1);
  } finally {
    await context.close();
    await front.close();
    await outsider.close();
  }
});

test('a service worker cannot be registered', async ({ browser, bbbServer, sample }) => {
  const rec = await sample('full', 4);
  // A real service worker script on the recording's own server, so registering it would work.
  await writeFile(path.join(rec.dir, 'sw.js'), 'self.addEventListener("fetch", () => {});\n');
  const front = await startFront(bbbServer.url);
  const { context, page } = await open(browser, `${front.url}/playback/presentation/2.3/${rec.recordId}`, []);
  try {
    const worker = await page.evaluate(async (url) => {
      try {
        const registration = await navigator.serviceWorker.register(url);
        return registration ? 'registered' : 'blocked';
      } catch (error) {
        return `rejected: ${String(error)}`;
      }
    }, `/presentation/${rec.recordId}/sw.js`);
    expect(worker).toBe('blocked');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    expect(front.seen.filter((l) => l.includes('sw.js'))).toEqual([]);
  } finally {
    await context.close();
    await front.close();
  }
});

test('WebRTC sends nothing past the proxy (a STUN request to another local port never arrives)', async ({ sample }) => {
  const rec = await sample('full', 4);
  const stun = createSocket('udp4');
  let packets = 0;
  stun.on('message', () => (packets += 1));
  await new Promise<void>((resolve) => stun.bind(0, '127.0.0.1', resolve));
  // The product's own launch, with its own switches (the fixture's browser has Playwright's).
  const browser = await launchBrowser({ executablePath: findChromium(process.env.BBB_CAPTURE_CHROMIUM), runningAsRoot: process.getuid?.() === 0 });
  try {
    const { page } = await open(browser, rec.url, []);
    const candidates = await page.evaluate(
      async (port) => {
        const pc = new RTCPeerConnection({ iceServers: [{ urls: `stun:127.0.0.1:${port}` }] });
        pc.createDataChannel('x');
        const found: string[] = [];
        pc.onicecandidate = (e) => void (e.candidate && found.push(e.candidate.candidate));
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise((resolve) => setTimeout(resolve, 3000));
        pc.close();
        return found;
      },
      (stun.address() as { port: number }).port,
    );
    expect(candidates).toEqual([]);
    expect(packets).toBe(0);
  } finally {
    await browser.close();
    stun.close();
  }
});
