/**
 * The wall-clock limit of one job, from the length of what it exports: a job that outlives it is
 * stuck somewhere no finer deadline caught (and in a farm its lock would renew forever), so it
 * fails with JOB_TIMEOUT (transient: the retry runs on a fresh browser).
 */
import type { Engine } from './job-options.js';

/**
 * Time per second of recording, with margin. Measured on a loaded 2-core machine (see README,
 * Soak benchmark): capture plays in real time plus the sync clip and the compositor (~1.3x);
 * render steps and encodes (~1-2x with one page): the factors leave room for a machine three
 * times slower than that.
 */
export const JOB_TIME_FACTOR: Record<Engine, number> = { capture: 2, render: 6 };
/** Fixed part: Chromium start, the player's loading (--ready-timeout is 120 s), downloads, verify. */
export const JOB_TIME_BASE_MS = 5 * 60_000;

/**
 * The job's limit in ms for `seconds` of recording exported by `engine`; `overrideSeconds`
 * (--job-timeout) replaces it, 0 meaning none (returns 0).
 */
export function jobTimeoutMs(seconds: number, engine: Engine, overrideSeconds: number | null): number {
  if (overrideSeconds !== null) return Math.round(overrideSeconds * 1000);
  return Math.round(JOB_TIME_BASE_MS + JOB_TIME_FACTOR[engine] * Math.max(0, seconds) * 1000);
}
