import { describe, expect, it, vi } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { pageHung } from '../../../src/player/page-hung.js';
import { withDeadline } from '../../../src/player/with-deadline.js';

describe('withDeadline', () => {
  it('passes the value through when the wait ends in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, pageHung('a step'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 1000, pageHung('a step'))).rejects.toThrow('boom');
  });

  it('rejects with PAGE_HUNG when the wait never ends', async () => {
    vi.useFakeTimers();
    try {
      const waiting = withDeadline(new Promise<never>(() => undefined), 30_000, pageHung('taking the picture'));
      const seen = waiting.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(30_000);
      const error = (await seen) as CaptureError;
      expect(error).toBeInstanceOf(CaptureError);
      expect(error.code).toBe('PAGE_HUNG');
      expect(error.exitCode).toBe(33);
      expect(error.message).toContain('taking the picture took more than 30 s');
    } finally {
      vi.useRealTimers();
    }
  });
});
