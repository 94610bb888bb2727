import { describe, expect, it } from 'vitest';
import { matchBursts } from '../../../src/verify/match-bursts.js';

const expected = [0.5, 2.5, 4.5, 6.5, 8.5];

describe('matchBursts', () => {
  it('pairs every burst with no shift', () => {
    const pairs = matchBursts(
      expected,
      expected.map((t) => t + 0.0004),
    );
    expect(pairs).toHaveLength(5);
    expect(pairs.every((p) => Math.abs(p.found - p.expected - 0.0004) < 1e-9)).toBe(true);
  });

  it('finds a shift larger than the tolerance, in both directions', () => {
    for (const shift of [0.12, -0.08, 1.0, -0.7]) {
      const pairs = matchBursts(
        expected,
        expected.map((t) => t + shift).filter((t) => t >= 0),
      );
      expect(pairs.length).toBeGreaterThanOrEqual(4);
      for (const p of pairs) expect(p.found - p.expected).toBeCloseTo(shift, 9);
    }
  });

  it('skips missing bursts and ignores spurious onsets', () => {
    const found = [0.52, 4.52, 5.1, 6.52, 7.77, 8.52];
    const pairs = matchBursts(expected, found);
    expect(pairs.map((p) => p.expected)).toEqual([0.5, 4.5, 6.5, 8.5]);
  });

  it('uses the prior to choose between shifts a whole period apart', () => {
    // Shifted by 1 s with a 2 s period: +1 and −1 both fit; the video offset decides.
    const found = expected.map((t) => t + 1);
    expect(matchBursts(expected, found, { prior: 1.0 })[0]!.found - 0.5).toBeCloseTo(1, 9);
    expect(matchBursts(expected, found, { prior: -0.9 })[0]).toMatchObject({ expected: 2.5, found: 1.5 });
  });

  it('follows a slow drift beyond the tolerance', () => {
    const many = Array.from({ length: 200 }, (_, i) => 0.5 + 2 * i);
    const drifting = many.map((t) => t + 0.02 + t * 0.0004); // 160 ms over 400 s
    const pairs = matchBursts(many, drifting);
    expect(pairs).toHaveLength(200);
  });

  it('returns nothing when either side is empty', () => {
    expect(matchBursts([], [1])).toEqual([]);
    expect(matchBursts([1], [])).toEqual([]);
  });
});
