/**
 * The job's wall-clock deadline as an AbortSignal: everything the job runs already stops on its
 * signal (Chromium closes, ffmpeg is killed, downloads end), so the deadline aborts it with a
 * JOB_TIMEOUT reason, which the job reports instead of ABORTED.
 */
import { CaptureError } from '../errors.js';

export interface JobDeadline {
  /** Aborts on the caller's signal or when the limit passes (reason: a JOB_TIMEOUT CaptureError). */
  signal: AbortSignal;
  /** (Re)sets the limit, counted from when the deadline started; 0 means none. */
  limit(ms: number): void;
  /** Stops the timer (the job has ended). */
  clear(): void;
}

/** Starts a job deadline (no limit until limit() is called) that also follows `parent`. */
export function startJobDeadline(parent: AbortSignal | undefined, now: () => number = Date.now): JobDeadline {
  const started = now();
  const timeout = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const signal = parent ? AbortSignal.any([parent, timeout.signal]) : timeout.signal;
  const clear = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    signal,
    limit(ms) {
      clear();
      if (ms <= 0 || signal.aborted) return;
      const fire = () => timeout.abort(new CaptureError('JOB_TIMEOUT', `the job ran past its time limit of ${formatLimit(ms)} (--job-timeout; 0 = none)`));
      const left = started + ms - now();
      if (left <= 0) fire();
      else timer = setTimeout(fire, left);
    },
    clear,
  };
}

function formatLimit(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
}
