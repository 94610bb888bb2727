import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookSender, type WebhookOutcome } from '../../../src/deliver/create-webhook-sender.js';
import { webhookPayload } from '../../../src/deliver/webhook-payload.js';
import { CaptureError } from '../../../src/errors.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
});

async function receiver(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const URL_ = `https://bbb.example.org/playback/presentation/2.3/${'a'.repeat(40)}-1700000000000`;
const done = () =>
  webhookPayload(
    { source: URL_, sender: 'record', meetingName: 'Physics 101', output: '/videos/p.mp4', duration: 61.5, engine: 'render', checks: [{ leadingBlack: 0 }] },
    { delivery: { url: 's3://archive/p.mp4', bucket: 'archive', key: 'p.mp4', bytes: 10, verifiedBy: 'sha256', removedLocal: false } },
  );

describe('createWebhookSender', () => {
  it('POSTs the JSON with an HMAC-SHA256 signature the receiver can check', async () => {
    const secret = 's3cr3t';
    const got: Array<{ valid: boolean; body: Record<string, unknown> }> = [];
    const url = await receiver((req, body, res) => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      const header = Buffer.from(String(req.headers['x-bbb-capture-signature']));
      got.push({ valid: header.length === expected.length && timingSafeEqual(header, expected), body: JSON.parse(body) as Record<string, unknown> });
      res.end('ok');
    });
    const outcomes: WebhookOutcome[] = [];
    const sender = createWebhookSender({ url, secret, attempts: 3, timeoutMs: 2000, backoffMs: 50 }, (o) => outcomes.push(o));
    sender.send(done());
    sender.send(webhookPayload({ source: URL_, sender: 'worker-1' }, { error: new CaptureError('UPLOAD_FAILED', 'cannot reach the object store') }));
    expect(await sender.drain(5000)).toEqual({ abandoned: 0 });
    expect(got.map((g) => g.valid)).toEqual([true, true]);
    const bodies = got.map((g) => g.body).sort((a, b) => String(a.event).localeCompare(String(b.event)));
    expect(bodies[0]).toMatchObject({
      event: 'export.done',
      status: 'done',
      recordingId: `${'a'.repeat(40)}-1700000000000`,
      meetingName: 'Physics 101',
      output: '/videos/p.mp4',
      uploadUrl: 's3://archive/p.mp4',
      duration: 61.5,
      engine: 'render',
      checks: [{ leadingBlack: 0 }],
      error: null,
    });
    expect(bodies[1]).toMatchObject({
      event: 'export.failed',
      status: 'failed',
      output: null,
      error: { code: 'UPLOAD_FAILED', message: 'cannot reach the object store' },
      sender: 'worker-1',
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('retries a receiver that answers 503, and does not retry a 401', async () => {
    let calls = 0;
    const flaky = await receiver((_req, _body, res) => {
      calls++;
      res.statusCode = calls < 3 ? 503 : 204;
      res.end();
    });
    let refusals = 0;
    const refusing = await receiver((_req, _body, res) => {
      refusals++;
      res.statusCode = 401;
      res.end();
    });
    const outcomes: WebhookOutcome[] = [];
    const a = createWebhookSender({ url: flaky, secret: undefined, attempts: 4, timeoutMs: 2000, backoffMs: 20 }, (o) => outcomes.push(o));
    const b = createWebhookSender({ url: refusing, secret: undefined, attempts: 4, timeoutMs: 2000, backoffMs: 20 }, (o) => outcomes.push(o));
    a.send(done());
    b.send(done());
    await Promise.all([a.drain(5000), b.drain(5000)]);
    expect(calls).toBe(3);
    expect(refusals).toBe(1);
    expect(outcomes).toContainEqual({ ok: true, event: 'export.done', attempts: 3, status: 204 });
    expect(outcomes).toContainEqual({ ok: false, event: 'export.done', attempts: 1, reason: 'HTTP 401 (not retried)' });
  });

  it('a receiver that is down: send returns at once, the tries end within bounded time with the reason', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const outcomes: WebhookOutcome[] = [];
    const sender = createWebhookSender({ url, secret: 'x', attempts: 3, timeoutMs: 1000, backoffMs: 50 }, (o) => outcomes.push(o));
    const t0 = Date.now();
    sender.send(done());
    expect(Date.now() - t0).toBeLessThan(50);
    expect(await sender.drain(5000)).toEqual({ abandoned: 0 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(outcomes).toEqual([{ ok: false, event: 'export.done', attempts: 3, reason: 'ECONNREFUSED' }]);
  });

  it('a slow receiver: each try times out, and drain gives up at its deadline without waiting for the rest', async () => {
    let calls = 0;
    const url = await receiver(() => {
      calls++; // never answers
    });
    const outcomes: WebhookOutcome[] = [];
    const sender = createWebhookSender({ url, secret: undefined, attempts: 3, timeoutMs: 300, backoffMs: 50 }, (o) => outcomes.push(o));
    sender.send(done());
    // Tries at ~0, ~350, ~800 ms: the drain deadline (600 ms) falls in the middle.
    const t0 = Date.now();
    expect(await sender.drain(600)).toEqual({ abandoned: 1 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(calls).toBe(2);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, reason: expect.stringContaining('abandoned at exit') });
  });
});
