/**
 * The render's parts as the live stream takes them: in order, each as soon as it is ready. The
 * render finishes parts out of order (several pages, several encoders); the stream asks for the
 * next one and waits for it, however long, so it can fall behind the clock but never skip.
 */
import { abortError } from '../errors.js';

/** Parts handed over by index and taken by index. */
export interface PartQueue<T> {
  /** Part `index` is ready. */
  put(index: number, value: T): void;
  /** Part `index`, once ready; rejects with the failure given to fail(), or when `signal` aborts. */
  get(index: number, signal?: AbortSignal): Promise<T>;
  /** No more parts will come: every waiting and later get() rejects with `error`. */
  fail(error: unknown): void;
}

/** An empty queue of parts. */
export function createPartQueue<T>(): PartQueue<T> {
  const ready = new Map<number, T>();
  const waiting = new Map<number, Set<{ resolve: (value: T) => void; reject: (error: unknown) => void }>>();
  let failure: { error: unknown } | undefined;
  return {
    put(index, value) {
      ready.set(index, value);
      for (const waiter of waiting.get(index) ?? []) waiter.resolve(value);
      waiting.delete(index);
    },
    get(index, signal) {
      if (ready.has(index)) return Promise.resolve(ready.get(index)!);
      if (failure) return Promise.reject(failure.error);
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          waiting.get(index)?.delete(waiter);
          reject(abortError(signal!));
        };
        const waiter = {
          resolve: (value: T) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(value);
          },
          reject: (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const set = waiting.get(index) ?? new Set();
        waiting.set(index, set);
        set.add(waiter);
      });
    },
    fail(error) {
      if (failure) return;
      failure = { error };
      for (const set of waiting.values()) for (const waiter of set) waiter.reject(error);
      waiting.clear();
    },
  };
}
