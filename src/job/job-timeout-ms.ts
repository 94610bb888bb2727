/**
 * The wall-clock limit of one job, from the length of what it exports: a job that outlives it is
 * stuck somewhere no finer deadline caught (and in a farm its lock would renew forever), so it
 * fails with JOB_TIMEOUT (transient: the retry runs on a fresh browser).
 */
import type { Engine } from './job-options.js';

/**
 * Time per second of recording, with margin. On the 2-core reference machine (README,
 * Benchmarks) a capture takes 1.16x the length at 1080p; a render 0.37x, 0.53x beside two CPU
 * hogs; a 3 s recording about 10-17 s, mostly the fixed part (Chromium, loading, verify). The
 * factors leave room for a machine several times slower than that.
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
