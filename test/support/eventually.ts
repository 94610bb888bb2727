/**
 * Retries an async check until it passes (vitest's own vi.waitFor, polling every 100 ms): for
 * state another process or a queue reaches in its own time.
 */
import { vi } from 'vitest';

/** The check's value once it stops throwing; its last error after `timeoutMs`. */
export function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  return vi.waitFor(check, { timeout: timeoutMs, interval: 100 });
}
