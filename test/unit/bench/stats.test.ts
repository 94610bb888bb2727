import { describe, expect, it } from 'vitest';
import { median, medianTable } from '../../../src/bench/stats.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, skipping null and NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 5, NaN])).toBe(5);
    expect(median([])).toBeNull();
  });
});

describe('medianTable', () => {
  it('prints one row of medians per group, with its labels and run count', () => {
    const runs = [
      { x: 1, y: 10 },
      { x: 3, y: 30 },
      { x: 2, y: 20 },
    ];
    expect(
      medianTable(
        ['sample', 'workers'],
        [
          { cells: ['full 60 s', '1'], runs },
          { cells: ['lecture 600 s', '2'], runs: [] },
        ],
        [
          ['x', 'x ×', 2],
          ['y', 'y ms', 0],
        ],
      ),
    ).toBe(['| sample | workers | runs | x × | y ms |', '|---|---|---|---|---|', '| full 60 s | 1 | 3 | 2.00 | 20 |', '| lecture 600 s | 2 | 0 | NaN | NaN |'].join('\n'));
  });
});
