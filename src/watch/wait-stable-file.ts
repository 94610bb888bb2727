/**
 * Waits until a file has stopped changing: the same size and modification time, and untouched for
 * `stableMs`. `watch` uses it on files found by a scan (at start-up or with --once), where
 * chokidar's awaitWriteFinish does not apply: a recording found while still being written is not
 * exported half-way.
 */
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { abortError } from '../errors.js';

/** true once `file` has been stable for `stableMs`; false if it is gone, or still changing at the deadline. */
export async function waitStableFile(file: string, options: { stableMs: number; timeoutMs: number; signal: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let previous: { size: number; mtimeMs: number } | undefined;
  for (;;) {
    if (options.signal.aborted) throw abortError(options.signal);
    const info = await stat(file).catch(() => undefined);
    if (!info) return false;
    const quietFor = Date.now() - info.mtimeMs;
    const same = previous !== undefined && previous.size === info.size && previous.mtimeMs === info.mtimeMs;
    if (quietFor >= options.stableMs && (same || previous === undefined)) return true;
    if (Date.now() >= deadline) return false;
    previous = { size: info.size, mtimeMs: info.mtimeMs };
    const wait = Math.min(Math.max(options.stableMs - quietFor, 50), Math.max(deadline - Date.now(), 0) + 1);
    await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
