import { describe, expect, it } from 'vitest';
import { parseGnuTime } from '../../../src/bench/gnu-time.js';

describe('parseGnuTime', () => {
  it('reads wall and CPU seconds from /usr/bin/time -v', () => {
    const stderr =
      '\tUser time (seconds): 61.20\n\tSystem time (seconds): 9.35\n\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:09.67\n\tMaximum resident set size (kbytes): 183000\n';
    const { wall, cpu } = parseGnuTime(stderr);
    expect(wall).toBeCloseTo(69.67, 6);
    expect(cpu).toBeCloseTo(70.55, 6);
  });
});
