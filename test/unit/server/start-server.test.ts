import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { defaultPlayerDir } from '../../../src/server/default-player-dir.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { selfSignedCert } from '../../support/self-signed-cert.js';
import { rawRequest } from './http-helpers.js';

const ID = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000000';
const SECRET = 'SECRET-OUTSIDE-THE-ROOTS';
const MEDIA = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) % 251));

let tmp: string;
let recordings: string;
let player: string;
let outside: string;
let server: RunningServer;

async function put(file: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-server-'));
  recordings = path.join(tmp, 'recordings');
  player = path.join(tmp, 'player');
  outside = path.join(tmp, 'outside');
  const rec = path.join(recordings, ID);
  await put(path.join(outside, 'secret.txt'), SECRET);
  await put(path.join(player, 'index.html'), '<!doctype html><title>player index</title>');
  await put(path.join(player, 'static', 'js', 'main.js'), 'console.log("main")');
  await put(path.join(rec, 'metadata.xml'), '<recording><id>x</id></recording>');
  await put(path.join(rec, 'shapes.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await put(path.join(rec, 'captions.json'), '[]');
  await put(path.join(rec, 'caption_en.vtt'), 'WEBVTT\n');
  await put(path.join(rec, 'video', 'webcams.webm'), MEDIA);
  await put(path.join(rec, 'video', 'webcams.mp4'), MEDIA);
  await put(path.join(rec, 'presentation', 'p1', 'slide-1.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await put(path.join(rec, 'fonts', 'f.woff2'), 'wOF2');
  await put(path.join(rec, 'notes.html'), '<html><body>\nnotes\n</body></html>');
  await put(path.join(rec, 'odd name %2e.txt'), 'odd');
  await symlink(path.join(outside, 'secret.txt'), path.join(rec, 'leak.txt'));
  await symlink(outside, path.join(recordings, 'linked-outside'));
  await symlink(path.join(rec, 'metadata.xml'), path.join(rec, 'alias.xml'));
  server = await startServer({ recordingsDir: recordings, playerDir: player });
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const get = (p: string, headers?: Record<string, string>) => rawRequest(server.port, p, { headers });
const head = (p: string, headers?: Record<string, string>) => rawRequest(server.port, p, { method: 'HEAD', headers });
const media = `/presentation/${ID}/video/webcams.webm`;

describe('startServer', () => {
  it('listens on loopback by default and names its URLs', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.playbackUrl(ID)).toBe(`${server.url}/playback/presentation/2.3/${ID}`);
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await head(media);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('10000');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('video/webm');
    expect(res.body.length).toBe(0);
  });

  it('serves a byte range', async () => {
    const res = await get(media, { Range: 'bytes=100-199' });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 100-199/10000');
    expect(res.body.equals(MEDIA.subarray(100, 200))).toBe(true);
  });

  it('serves a suffix range (the last N bytes)', async () => {
    const res = await get(media, { Range: 'bytes=-500' });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 9500-9999/10000');
    expect(res.body.equals(MEDIA.subarray(9500))).toBe(true);
  });

  it('serves an open range (from N to the end)', async () => {
    const res = await get(media, { Range: 'bytes=9000-' });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 9000-9999/10000');
    expect(res.body.equals(MEDIA.subarray(9000))).toBe(true);
  });

  it('answers 416 for a range past the end', async () => {
    const res = await get(media, { Range: 'bytes=20000-' });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */10000');
  });

  it('answers a range on HEAD too', async () => {
    const res = await head(media, { Range: 'bytes=0-9' });
    expect(res.status).toBe(206);
    expect(res.headers['content-length']).toBe('10');
  });

  it('gives ETags and honours If-None-Match', async () => {
    const first = await get(`/presentation/${ID}/metadata.xml`);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await get(`/presentation/${ID}/metadata.xml`, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
  });

  it.each([
    ['metadata.xml', 'application/xml'],
    ['shapes.svg', 'image/svg+xml'],
    ['captions.json', 'application/json; charset=utf-8'],
    ['caption_en.vtt', 'text/vtt; charset=utf-8'],
    ['video/webcams.webm', 'video/webm'],
    ['video/webcams.mp4', 'video/mp4'],
    ['presentation/p1/slide-1.png', 'image/png'],
    ['fonts/f.woff2', 'font/woff2'],
    ['notes.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s', async (file, type) => {
    const res = await head(`/presentation/${ID}/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it.each([
    `/presentation/${ID}/polls.json`,
    `/presentation/${ID}/external_videos.json`,
    `/presentation/${ID}/video/missing.webm`,
    `/presentation/${ID}/video`,
    `/presentation/${ID}/`,
    `/presentation/${ID}`,
    '/presentation/',
    '/presentation/0000000000000000000000000000000000000000-1700000000000/metadata.xml',
    '/',
    '/favicon.ico',
    '/playback/presentation/2.0/other.html',
    '/playback/presentation/2.3x/index.html',
  ])('answers a true 404 (never HTML) for %s', async (p) => {
    for (const res of [await get(p), await head(p)]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('merges empty segments, as nginx does', async () => {
    expect((await get(`/presentation//${ID}//metadata.xml`)).status).toBe(200);
  });

  it('serves file names that only look encoded', async () => {
    const res = await get(`/presentation/${ID}/odd%20name%20%252e.txt`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('odd');
  });

  it('follows symlinks that stay inside the recordings directory', async () => {
    expect((await get(`/presentation/${ID}/alias.xml`)).status).toBe(200);
  });

  it.each([
    '/presentation/../outside/secret.txt',
    `/presentation/${ID}/../../outside/secret.txt`,
    '/presentation/..%2foutside%2fsecret.txt',
    '/presentation/..%2Foutside%2Fsecret.txt',
    '/presentation/%2e%2e/outside/secret.txt',
    '/presentation/%2E%2E%2Foutside%2Fsecret.txt',
    '/presentation/%252e%252e%252foutside%252fsecret.txt',
    '/presentation/%252e%252e/outside/secret.txt',
    '/presentation/..%5coutside%5csecret.txt',
    '/presentation/..\\outside\\secret.txt',
    `/presentation/${ID}/..%5c..%5coutside%5csecret.txt`,
    '/presentation/%2ftmp%2fsecret.txt',
    '/presentation//etc/passwd',
    `/presentation/${ID}/leak.txt`,
    '/presentation/linked-outside/secret.txt',
    '/presentation/x%00/secret.txt',
    '/playback/presentation/2.3/../../../outside/secret.txt',
    '/playback/presentation/2.3/..%2f..%2f..%2foutside%2fsecret.txt',
    '/playback/presentation/2.3/%2e%2e/%2e%2e/%2e%2e/outside/secret.txt',
    '/playback/presentation/2.3/..%5c..%5coutside%5csecret.txt',
  ])('refuses to leave its directories: %s', async (p) => {
    const res = await get(p);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain(SECRET);
  });

  it('refuses absolute paths to files outside', async () => {
    const abs = path.join(tmp, 'outside', 'secret.txt');
    for (const p of [`/presentation/${abs}`, `/presentation/${encodeURIComponent(abs)}`, `/playback/presentation/2.3/${encodeURIComponent(abs)}`]) {
      const res = await get(p);
      expect([400, 404]).toContain(res.status);
      expect(res.body.toString()).not.toContain(SECRET);
    }
  });

  it('answers 400 for undecodable paths', async () => {
    expect((await get('/presentation/%E0%A4%A')).status).toBe(400);
  });

  it('serves the player index for the recording URL and any other non-file sub-path', async () => {
    for (const p of [
      `/playback/presentation/2.3/${ID}`,
      `/playback/presentation/2.3/${ID}?t=1m2s&l=content`,
      '/playback/presentation/2.3/',
      '/playback/presentation/2.3',
      '/playback/presentation/2.3/static/js/missing.js',
      '/playback/presentation/2.3/not-a-record-id',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString()).toContain('player index');
    }
  });

  it('serves player files as themselves', async () => {
    const res = await get('/playback/presentation/2.3/static/js/main.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body.toString()).toContain('main');
  });

  it('redirects the legacy 2.0 player URL to the 2.3 player', async () => {
    const res = await get(`/playback/presentation/2.0/playback.html?meetingId=${ID}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/playback/presentation/2.3/${ID}`);
    expect((await get('/playback/presentation/2.0/playback.html')).status).toBe(404);
  });

  it('allows only GET and HEAD', async () => {
    const res = await rawRequest(server.port, `/presentation/${ID}/metadata.xml`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('startServer options and lifetime', () => {
  it('serves the bundled stand-in player by default', async () => {
    const s = await startServer({ recordingsDir: recordings });
    try {
      expect(s.playerDir).toBe(path.resolve(defaultPlayerDir()));
      const res = await rawRequest(s.port, `/playback/presentation/2.3/${ID}`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(await readFile(path.join(defaultPlayerDir(), 'index.html'), 'utf8'));
    } finally {
      await s.close();
    }
  });

  it('closes idempotently and when its signal aborts', async () => {
    const controller = new AbortController();
    const s = await startServer({ recordingsDir: recordings, playerDir: player, signal: controller.signal });
    expect((await rawRequest(s.port, '/')).status).toBe(404);
    controller.abort();
    await s.close();
    await s.close();
    await expect(rawRequest(s.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports every request', async () => {
    const seen: string[] = [];
    const s = await startServer({ recordingsDir: recordings, playerDir: player, onRequest: (r) => seen.push(`${r.method} ${r.url} ${r.status}`) });
    try {
      await rawRequest(s.port, `/presentation/${ID}/polls.json`);
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([`GET /presentation/${ID}/polls.json 404`]);
    } finally {
      await s.close();
    }
  });

  it('serves only one recording with onlyRecording: a sibling answers 404, however the path is spelled', async () => {
    const sibling = 'b94a8fe5ccb19ba61c4c0873d391e987982fbbd3-1700000000001';
    await put(path.join(recordings, sibling, 'metadata.xml'), '<recording><id>sibling</id></recording>');
    const s = await startServer({ recordingsDir: recordings, playerDir: player, onlyRecording: ID });
    try {
      const own = await rawRequest(s.port, `/presentation/${ID}/metadata.xml`);
      expect(own.status).toBe(200);
      expect((await rawRequest(s.port, `/presentation//${ID}/video/webcams.webm`, { headers: { Range: 'bytes=0-9' } })).status).toBe(206);
      for (const p of [
        `/presentation/${sibling}/metadata.xml`,
        `/presentation//${sibling}/metadata.xml`,
        `/presentation/${ID}/../${sibling}/metadata.xml`,
        `/presentation/${ID}/%2e%2e/${sibling}/metadata.xml`,
        '/presentation/linked-outside/secret.txt',
      ]) {
        const res = await rawRequest(s.port, p);
        expect(res.status, p).toBe(404);
        expect(res.body.toString(), p).not.toContain('sibling');
      }
      // Without the option the same server layout shows the sibling: the test can tell.
      expect((await get(`/presentation/${sibling}/metadata.xml`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('serves HTTPS with a key and certificate', async () => {
    const { key, cert } = await selfSignedCert();
    const s = await startServer({ recordingsDir: recordings, playerDir: player, tls: { key, cert } });
    try {
      expect(s.url).toBe(`https://127.0.0.1:${s.port}`);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: s.port, path: `/presentation/${ID}/metadata.xml`, ca: cert, servername: 'localhost', agent: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toContain('<recording>');
    } finally {
      await s.close();
    }
  });

  it('rejects a missing recordings directory', async () => {
    await expect(startServer({ recordingsDir: path.join(tmp, 'nope'), playerDir: player })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('rejects a player directory without index.html', async () => {
    await expect(startServer({ recordingsDir: recordings, playerDir: outside })).rejects.toMatchObject({ code: 'NOT_A_BBB_PLAYER' });
  });

  it('reports a port in use as a usage error', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = startServer({ recordingsDir: recordings, playerDir: player, port });
      await expect(attempt).rejects.toBeInstanceOf(CaptureError);
      await expect(attempt).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining(String(port)) });
    } finally {
      blocker.close();
    }
  });
});
