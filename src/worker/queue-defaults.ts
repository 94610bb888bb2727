/**
 * The queue's defaults, apart from capture-queue.ts so that the CLI's option definitions can show
 * them without loading BullMQ and ioredis.
 */

/** Default queue name (several farms can share a Redis with --queue). */
export const DEFAULT_QUEUE = 'bbb-capture';

/** Retries as data: attempts in all, and BullMQ's exponential backoff (delay × 2^(n−1)). */
export interface JobRetry {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_JOB_RETRY: JobRetry = { attempts: 3, backoffMs: 5000 };

/**
 * How many finished jobs Redis keeps, and for how long: `status` lists them and a re-enqueue of
 * a kept job is recognised; beyond that they would only grow Redis (a few hundred bytes each).
 */
export interface JobRetention {
  /** Completed jobs kept (the newest). */
  keepDone: number;
  /** Failed jobs kept (the newest); they are what people act on, so more of them. */
  keepFailed: number;
  /** Finished jobs older than this are removed, whatever the counts. */
  maxAgeDays: number;
}

/** A month of history, bounded: a busy farm stays at a few MB of Redis. */
export const DEFAULT_JOB_RETENTION: JobRetention = { keepDone: 1000, keepFailed: 5000, maxAgeDays: 30 };
