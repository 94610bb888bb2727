import { describe, expect, it } from 'vitest';
import { resumePart } from '../../../src/publish/resume-part.js';

describe('resumePart', () => {
  it('resumes at the start of the part the stream broke in', () => {
    const starts = [0, 4000, 8000, 12_000];
    expect(resumePart(starts, 0)).toBe(0);
    expect(resumePart(starts, 3.999)).toBe(0);
    expect(resumePart(starts, 4)).toBe(1);
    expect(resumePart(starts, 9.5)).toBe(2);
    // Past the last start (or past the end): the last part.
    expect(resumePart(starts, 99)).toBe(3);
  });
});
