/**
 * A webhook receiver on a loopback port that keeps every POST it gets, with whether its
 * `X-BBB-Capture-Signature` is the HMAC-SHA256 of the body under `secret`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** What a delivered webhook looked like. */
export interface ReceivedWebhook {
  signed: boolean;
  body: Record<string, unknown>;
}

/** A running receiver: its URL, what it got so far (in order), and a way to stop it. */
export interface SignedWebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** Starts a receiver checking signatures made with `secret`. */
export async function startSignedWebhookReceiver(secret: string): Promise<SignedWebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      const header = Buffer.from(String(req.headers['x-bbb-capture-signature'] ?? ''));
      received.push({ signed: header.length === expected.length && timingSafeEqual(header, expected), body: JSON.parse(body) as Record<string, unknown> });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
