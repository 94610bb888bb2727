import { describe, expect, it } from 'vitest';
import { parseAmount, parseSize, parseTime, parseWorkers } from '../../../src/options/parse-values.js';

describe('option values', () => {
  it.each([
    ['90', 90],
    ['1:30', 90],
    ['1:02:03.5', 3723.5],
    ['1h2m3s', 3723],
    ['2m', 120],
    ['45.5s', 45.5],
  ])('parses time %s', (text, seconds) => expect(parseTime(text)).toBe(seconds));

  it('rejects bad times and amounts naming the value', () => {
    expect(() => parseTime('soon')).toThrow('"soon" is not a time');
    expect(() => parseAmount('fast')).toThrow('"fast" is not a number');
    expect(() => parseAmount('0')).toThrow('greater than 0');
  });

  it('parses --workers: auto or a whole number of pages', () => {
    expect(parseWorkers('auto')).toBe('auto');
    expect(parseWorkers(' 2 ')).toBe(2);
    for (const bad of ['0', '1.5', '2k', 'two', '']) expect(() => parseWorkers(bad)).toThrow('is not auto or a number of pages');
  });

  it('parses bitrates with suffixes', () => {
    expect(parseAmount('8M')).toBe(8_000_000);
    expect(parseAmount('192k')).toBe(192_000);
  });

  it('parses sizes in powers of 1024 and rejects others naming the value', () => {
    expect(['4096', '500M', '2G', '1.5GiB', '1t', '10kB'].map(parseSize)).toEqual([4096, 500 * 1024 ** 2, 2 * 1024 ** 3, 1.5 * 1024 ** 3, 1024 ** 4, 10240]);
    expect(() => parseSize('lots')).toThrow('"lots" is not a size');
    expect(() => parseSize('2X')).toThrow('is not a size');
  });
});
