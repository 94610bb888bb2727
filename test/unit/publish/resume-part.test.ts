import { describe, expect, it } from 'vitest';
import { IN_FLIGHT_S, resumePart } from '../../../src/publish/resume-part.js';

describe('resumePart', () => {
  it('resumes at the start of the part holding what may still have been in flight when it broke', () => {
    const starts = [0, 4000, 8000, 12_000];
    expect(resumePart(starts, 0)).toBe(0);
    expect(resumePart(starts, 3.999)).toBe(0);
    // Sent up to 6 s: the last IN_FLIGHT_S of it may be lost, so from the part holding 4 s.
    expect(resumePart(starts, 4 + IN_FLIGHT_S)).toBe(1);
    // Sent just past a part's start: that part's start is not enough, the one before holds the loss.
    expect(resumePart(starts, 8.05)).toBe(1);
    expect(resumePart(starts, 11.5)).toBe(2);
    // Past the last start (or past the end): the last part.
    expect(resumePart(starts, 99)).toBe(3);
  });
});
