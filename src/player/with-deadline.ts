/**
 * A deadline around one wait on the page (page.evaluate, a CDP call): a page that stops
 * answering (a busy loop, a hung renderer, a resource that trickles forever) must fail the job
 * with a code of its own rather than hang it, and a farm worker's lock with it.
 */
import type { CaptureError } from '../errors.js';

/**
 * Resolves as `promise` does, or rejects with `onTimeout()` after `ms` milliseconds. The promise
 * itself is left to settle on its own (its rejection is swallowed): closing the page ends it.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => CaptureError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
