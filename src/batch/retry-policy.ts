/**
 * When a failed capture is tried again, and after how long. Only failures whose error code is
 * transient (the network, a crashed or starved browser, a stalled playback: src/errors.ts) are
 * retried; a 404, a broken recording or a bad option fails the same way every time.
 */
import type { CaptureError } from '../errors.js';

/** Retries described as data, like BullMQ's `{attempts, backoff: {type, delay}}`. */
export interface RetryPolicy {
  /** Tries after the first one (2 = three attempts in all). */
  retries: number;
  /** Wait before the first retry, ms. */
  delayMs: number;
  /** Each further wait is this many times longer (4: 5 s, 20 s, 80 s). */
  factor: number;
  /** Longest wait, ms. */
  maxDelayMs: number;
}

/** Three attempts, waiting 5 s then 20 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, delayMs: 5000, factor: 4, maxDelayMs: 10 * 60_000 };

/** Whether attempt number `attempt` (1-based) that failed with `error` is tried again. */
export function shouldRetry(error: Pick<CaptureError, 'code' | 'transient'>, attempt: number, policy: RetryPolicy): boolean {
  return error.transient && error.code !== 'ABORTED' && attempt <= policy.retries;
}

/** The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed. */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, Math.round(policy.delayMs * policy.factor ** Math.max(0, attempt - 1)));
}
