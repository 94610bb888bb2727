import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelayMs, shouldRetry } from '../../../src/batch/retry-policy.js';
import { CaptureError, ERROR_CODES, type ErrorCode } from '../../../src/errors.js';

describe('retry classification', () => {
  it.each(Object.keys(ERROR_CODES) as ErrorCode[])('%s is retried exactly when it is transient', (code) => {
    const error = new CaptureError(code, 'x');
    expect(shouldRetry(error, 1, DEFAULT_RETRY_POLICY)).toBe(ERROR_CODES[code].transient && code !== 'ABORTED');
  });

  it('retries network, crash, stall and full-disk failures, not 404s, broken recordings or a stop', () => {
    for (const code of ['HOST_UNREACHABLE', 'CHROMIUM_CRASHED', 'PLAYBACK_STALLED', 'SERVER_LOST', 'PLAYER_TIMEOUT', 'DISK_FULL'] as const) {
      expect(shouldRetry(new CaptureError(code, 'x'), 1, DEFAULT_RETRY_POLICY), code).toBe(true);
    }
    for (const code of ['RECORDING_NOT_FOUND', 'NOT_A_BBB_RECORDING', 'MEDIA_MISSING', 'BAD_URL', 'ABORTED'] as const) {
      expect(shouldRetry(new CaptureError(code, 'x'), 1, DEFAULT_RETRY_POLICY), code).toBe(false);
    }
  });

  it('keeps the exit code of a full disk for a single run', () => {
    expect(new CaptureError('DISK_FULL', 'x').exitCode).toBe(51);
  });

  it('stops after the configured number of retries', () => {
    const error = new CaptureError('HOST_UNREACHABLE', 'x');
    expect([1, 2, 3].map((attempt) => shouldRetry(error, attempt, DEFAULT_RETRY_POLICY))).toEqual([true, true, false]);
    expect(shouldRetry(error, 1, { ...DEFAULT_RETRY_POLICY, retries: 0 })).toBe(false);
  });
});

describe('backoff', () => {
  it('waits 5 s, 20 s, 80 s by default, capped', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, DEFAULT_RETRY_POLICY))).toEqual([5000, 20_000, 80_000]);
    expect(retryDelayMs(20, DEFAULT_RETRY_POLICY)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
    expect(retryDelayMs(2, { ...DEFAULT_RETRY_POLICY, delayMs: 200, factor: 2 })).toBe(400);
  });
});
