import { describe, expect, it } from 'vitest';
import { matchFrameTimes } from '../../../src/verify/match-frame-times.js';

describe('matchFrameTimes', () => {
  const at30 = Array.from({ length: 30 }, (_, n) => Math.round((n / 30) * 1000) / 1000);

  it('counts every frame of a 30 fps webcam found at its millisecond-rounded time', () => {
    expect(
      matchFrameTimes(
        at30,
        at30.map((t, n) => (t === 0 ? 0 : n / 30)),
      ),
    ).toBe(30);
  });

  it('a frame missing from the file is not delivered, and a packet off by more than the rounding does not stand in for it', () => {
    const file = at30.filter((_, n) => n !== 7).map((t, n) => (n === 20 ? t + 0.004 : t));
    expect(matchFrameTimes(file, at30)).toBe(28);
  });

  it('extra frames in the file (changes of the page between webcam frames) neither help nor hurt', () => {
    const file = [...at30, 0.01, 0.5005 + 0.01, 0.9].sort((a, b) => a - b);
    expect(matchFrameTimes(file, at30)).toBe(30);
  });

  it('one packet answers for one expected frame only', () => {
    expect(matchFrameTimes([1], [1, 1.001])).toBe(1);
  });

  it('takes the expected times in any order', () => {
    expect(matchFrameTimes(at30, [...at30].reverse())).toBe(30);
  });
});
