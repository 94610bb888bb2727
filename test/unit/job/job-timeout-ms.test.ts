import { describe, expect, it } from 'vitest';
import { JOB_TIME_BASE_MS, jobTimeoutMs } from '../../../src/job/job-timeout-ms.js';

describe('jobTimeoutMs', () => {
  it('gives capture 5 min + 2x the duration and render 5 min + 6x', () => {
    expect(jobTimeoutMs(600, 'capture', null)).toBe(5 * 60_000 + 1_200_000);
    expect(jobTimeoutMs(600, 'render', null)).toBe(5 * 60_000 + 3_600_000);
    expect(jobTimeoutMs(2.5, 'render', null)).toBe(JOB_TIME_BASE_MS + 15_000);
  });

  it('takes --job-timeout as given, 0 meaning none', () => {
    expect(jobTimeoutMs(600, 'render', 90)).toBe(90_000);
    expect(jobTimeoutMs(600, 'capture', 0)).toBe(0);
  });

  it('never goes below the fixed part', () => {
    expect(jobTimeoutMs(-1, 'capture', null)).toBe(JOB_TIME_BASE_MS);
  });
});
