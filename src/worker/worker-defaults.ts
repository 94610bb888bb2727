/**
 * A worker's lock, stall and disk defaults, apart from run-worker.ts so that the CLI's option
 * definitions can show them without loading BullMQ.
 */

/** Lock and stall settings, explicit because captures are long and workers may die. */
export interface LockSettings {
  /** How long a job's lock lasts without renewal, ms (renewed every half of it). */
  lockDurationMs: number;
  /** How often this worker looks for jobs whose lock expired, ms. */
  stalledIntervalMs: number;
  /** How many times a job may be put back after its worker died before it fails. */
  maxStalledCount: number;
}

/**
 * A dead worker's job is back in the queue within lockDuration + stalledInterval (about a minute);
 * a live worker renews every 15 s, so only an event loop blocked for 30 s would lose a lock.
 */
export const DEFAULT_LOCK_SETTINGS: LockSettings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };

/** When a worker stops taking jobs for want of disk space, and how often it looks again. */
export interface DiskWatchSettings {
  /** Below this many free bytes on the output directory's file system the worker takes no job. */
  minFreeBytes: number;
  /** How often a paused worker looks at the free space, ms. */
  diskPollMs: number;
}

/** 2 GiB: room for an hour of 1080p at the default bitrate with its staging copy. */
export const DEFAULT_DISK_WATCH: DiskWatchSettings = { minFreeBytes: 2 * 1024 ** 3, diskPollMs: 15_000 };
