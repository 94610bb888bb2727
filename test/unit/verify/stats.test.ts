import { describe, expect, it } from 'vitest';
import { driftOf, fitLine, median, round } from '../../../src/verify/stats.js';

describe('stats', () => {
  it('median of odd, even and empty lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('fits a line', () => {
    expect(fitLine([0, 1, 2], [1, 3, 5])).toEqual({ slope: 2, intercept: 1 });
    expect(fitLine([1, 1], [0, 1])).toBeNull();
  });

  it('drift is robust to a late first frame', () => {
    const times = Array.from({ length: 60 }, (_, i) => i / 10);
    const flat = times.map((t) => (t === 0 ? -0.2 : 0));
    expect(driftOf(times, flat)).toBe(0);
    const sloped = times.map((t) => t * 0.01);
    expect(driftOf(times, sloped)).toBeCloseTo(0.059, 6);
    expect(driftOf([0], [0])).toBeNull();
  });

  it('rounds without float noise', () => {
    expect(round(66.66666)).toBe(66.7);
    expect(round(0.123456, 4)).toBe(0.1235);
  });
});
