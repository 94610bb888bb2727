/**
 * Webhook deliveries in the background: `send` returns at once (the next job never waits on a
 * receiver), each POST is tried a few times with growing pauses, each try bounded by a timeout;
 * `drain` waits for what is still under way when the process is about to exit, up to a deadline,
 * then gives up on the rest and says how many were lost.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { signWebhook, SIGNATURE_HEADER } from './sign-webhook.js';
import type { WebhookPayload } from './webhook-payload.js';

/** Where and how webhooks are sent, resolved at the CLI edge. */
export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key of the signature header; undefined: unsigned. */
  secret: string | undefined;
  /** Tries of one POST in all. */
  attempts: number;
  /** Longest a single try may take, ms. */
  timeoutMs: number;
  /** Pause before the second try, ms; each next pause is 3 times longer. */
  backoffMs: number;
}

/** 4 tries over about 13 s of pauses, 10 s each at most: a minute at worst per event. */
export const DEFAULT_WEBHOOK_TUNING = { attempts: 4, timeoutMs: 10_000, backoffMs: 1000 } as const;

/** How one webhook ended (for the log). */
export type WebhookOutcome =
  | { ok: true; event: WebhookPayload['event']; attempts: number; status: number }
  | { ok: false; event: WebhookPayload['event']; attempts: number; reason: string };

/** Sends webhooks without blocking; see drain. */
export interface WebhookSender {
  send(payload: WebhookPayload): void;
  /** Waits for deliveries under way, at most `deadlineMs`; the rest are abandoned. */
  drain(deadlineMs: number): Promise<{ abandoned: number }>;
}

/** Receivers' answers worth trying again: their own trouble, not a refusal of this request. */
const retryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

/** A sender for `options`; `onOutcome` hears how each webhook ended. */
export function createWebhookSender(options: WebhookOptions, onOutcome: (outcome: WebhookOutcome) => void = () => undefined): WebhookSender {
  const pending = new Set<Promise<void>>();
  // Fired by drain's deadline: every try and pause still running stops.
  const giveUp = new AbortController();

  const deliver = async (payload: WebhookPayload): Promise<void> => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'bbb-capture' };
    if (options.secret) headers[SIGNATURE_HEADER] = signWebhook(body, options.secret);
    let reason = '';
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      if (attempt > 1) {
        const waited = await sleep(options.backoffMs * 3 ** (attempt - 2), true, { signal: giveUp.signal }).catch(() => false);
        if (!waited) break;
      }
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'error',
          signal: AbortSignal.any([giveUp.signal, AbortSignal.timeout(options.timeoutMs)]),
        });
        // The body is not needed; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return onOutcome({ ok: true, event: payload.event, attempts: attempt, status: response.status });
        reason = `HTTP ${response.status}`;
        if (!retryableStatus(response.status)) return onOutcome({ ok: false, event: payload.event, attempts: attempt, reason: `${reason} (not retried)` });
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        reason = e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
        if (giveUp.signal.aborted) break;
      }
    }
    onOutcome({ ok: false, event: payload.event, attempts: options.attempts, reason: giveUp.signal.aborted ? `${reason || 'still under way'}; abandoned at exit` : reason });
  };

  return {
    send(payload) {
      const delivery = deliver(payload).catch(() => undefined);
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    },
    async drain(deadlineMs) {
      const left = [...pending];
      if (left.length === 0) return { abandoned: 0 };
      const timer = sleep(deadlineMs, 'deadline' as const, { ref: false });
      const result = await Promise.race([Promise.all(left).then(() => 'done' as const), timer]);
      const abandoned = result === 'deadline' ? pending.size : 0;
      giveUp.abort();
      await Promise.all(left);
      return { abandoned };
    },
  };
}
