import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { downloadFile } from '../../../src/recording/fetch-recording-files.js';

const BODY = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCD');
// Far shorter than the trickle below takes in all, far longer than any gap in it, even when the
// machine is so loaded that this process stalls for several hundred milliseconds (a 400 ms limit
// failed the trickle under a load average of 22).
const TIMEOUTS = { headersTimeoutMs: 1500, idleTimeoutMs: 1500 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends BODY one byte every 100 ms: 4 s in all, never quiet for long. */
async function trickle(res: ServerResponse) {
  res.writeHead(200, { 'content-length': BODY.length });
  for (const byte of BODY) {
    if (res.destroyed) return;
    res.write(Buffer.of(byte));
    await sleep(100);
  }
  res.end();
}

let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'download-'));
  server = createServer((req, res) => {
    if (req.url === '/trickle') void trickle(res);
    else if (req.url === '/stall') {
      // Part of the body, then silence with the connection open.
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 10));
    } else if (req.url === '/reset') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 10), () => setTimeout(() => res.socket?.destroy(), 50));
    } else if (req.url === '/silent') {
      // Never answers.
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function failure(name: string): Promise<CaptureError> {
  const started = Date.now();
  const error = await downloadFile(`${base}/${name}`, path.join(dir, name), undefined, TIMEOUTS).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureError);
  // Well before anything like a whole-transfer limit would have struck.
  expect(Date.now() - started).toBeLessThan(5000);
  return error as CaptureError;
}

describe('downloadFile', () => {
  it('finishes a body that takes far longer than the idle timeout, as long as bytes keep coming', async () => {
    const file = path.join(dir, 'trickle');
    const started = Date.now();
    expect(await downloadFile(`${base}/trickle`, file, undefined, TIMEOUTS)).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(2 * TIMEOUTS.idleTimeoutMs);
    expect(await readFile(file)).toEqual(BODY);
  });

  it('reports a server that stops sending mid-body as SERVER_LOST, which a retry may cure', async () => {
    const error = await failure('stall');
    expect(error.code).toBe('SERVER_LOST');
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/after 10 bytes: no data for 1.5 s/);
  });

  it('reports a connection reset mid-body as SERVER_LOST', async () => {
    const error = await failure('reset');
    expect(error.code).toBe('SERVER_LOST');
    expect(error.transient).toBe(true);
  });

  it('reports a server that never answers as SERVER_LOST', async () => {
    const error = await failure('silent');
    expect(error.code).toBe('SERVER_LOST');
    expect(error.message).toMatch(/no answer within 1.5 s/);
  });

  it('returns false for a missing file', async () => {
    expect(await downloadFile(`${base}/missing`, path.join(dir, 'missing'), undefined, TIMEOUTS)).toBe(false);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new CaptureError('ABORTED', 'stopped by SIGINT')), 100);
    const error = await downloadFile(`${base}/trickle`, path.join(dir, 'aborted'), controller.signal, TIMEOUTS).catch((e: unknown) => e);
    expect((error as CaptureError).code).toBe('ABORTED');
  });
});
