import { describe, expect, it } from 'vitest';
import { summarizePublishRuns } from '../../../src/bench/summarize-publish-runs.js';

describe('the published → uploaded figures', () => {
  it('are medians in seconds; the overhead is taken per run, then its median, and held to 10 s', () => {
    const summary = summarizePublishRuns([
      { startedMs: 5200, doneMs: 31_000, presentMs: 31_100, recordMs: 24_000 },
      { startedMs: 5100, doneMs: 29_000, presentMs: 29_300, recordMs: 23_000 },
      // An outlier run: slow export, its own overhead still small.
      { startedMs: 5300, doneMs: 60_000, presentMs: 60_200, recordMs: 55_000 },
    ]);
    expect(summary).toEqual({ runs: 3, latencyS: 31.1, recordS: 24, overheadS: 6.3, startS: 5.2, exportAndUploadS: 25.8, withinTarget: true });
  });

  it('says when the target is missed, and refuses an empty list', () => {
    expect(summarizePublishRuns([{ startedMs: 5000, doneMs: 40_000, presentMs: 41_000, recordMs: 30_000 }]).withinTarget).toBe(false);
    expect(() => summarizePublishRuns([])).toThrow(RangeError);
  });
});
