import { describe, expect, it } from 'vitest';
import { defaultOutputBase, LONGEST_SPLIT_PART, MAX_BASE_BYTES, NAME_MAX_BYTES, sanitizeFileName } from '../../../src/job/output-name.js';
import { truncateUtf8 } from '../../../src/job/truncate-utf8.js';

describe('output names', () => {
  it('names a file after the meeting and its start (UTC)', () => {
    expect(defaultOutputBase({ meetingName: 'Physics 101: Lecture 3', startTime: Date.UTC(2024, 2, 5, 9, 30), recordId: 'x' })).toBe('Physics 101 Lecture 3 2024-03-05 09-30');
  });

  it.each([
    ['../../etc/passwd', 'etc passwd'],
    ['a/b\\c', 'a b c'],
    ['...hidden', 'hidden'],
    ['CON', 'recording-CON'],
    ['', 'recording'],
    ['tab\there\u0000', 'tab here'],
  ])('sanitises %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });
});

/** No lone surrogate: UTF-8 encoding would turn one into U+FFFD. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('output names under hostile metadata', () => {
  const bytes = (s: string) => Buffer.byteLength(s);
  const longestWritten = (base: string) => bytes(`.${base}${LONGEST_SPLIT_PART}.webm.partial`);

  it('caps a long CJK meeting name in bytes, keeping the date, so every file written for it fits NAME_MAX', () => {
    const base = defaultOutputBase({ meetingName: '物理学講義'.repeat(40), startTime: Date.UTC(2024, 2, 5, 9, 30), recordId: 'x' });
    expect(bytes(base)).toBeLessThanOrEqual(MAX_BASE_BYTES);
    expect(longestWritten(base)).toBeLessThanOrEqual(NAME_MAX_BYTES);
    expect(base.endsWith(' 2024-03-05 09-30')).toBe(true);
    expect(base.startsWith('物理学講義物理学講義')).toBe(true);
  });

  it('never splits a surrogate pair or a grapheme when it cuts', () => {
    for (let pad = 0; pad < 4; pad++) {
      const emoji = sanitizeFileName(`${'a'.repeat(pad)}${'😀'.repeat(100)}`);
      expect(wellFormed(emoji)).toBe(true);
      expect(bytes(emoji)).toBeLessThanOrEqual(MAX_BASE_BYTES);
      expect(bytes(emoji)).toBeGreaterThan(MAX_BASE_BYTES - 4);
      // A family emoji is one grapheme of seven code points: kept whole or not at all.
      const family = '👨‍👩‍👧';
      const families = sanitizeFileName(`${'a'.repeat(pad)}${family.repeat(20)}`);
      expect(
        families
          .slice(pad)
          .split(family)
          .every((rest) => rest === ''),
      ).toBe(true);
      const accents = sanitizeFileName(`${'a'.repeat(pad)}${'e\u0301'.repeat(200)}`);
      expect(accents.normalize('NFD').endsWith('e\u0301')).toBe(true);
    }
  });

  it('a single grapheme longer than the budget is cut between code points', () => {
    expect(truncateUtf8(`x${'\u0301'.repeat(10)}`, 5)).toBe('x\u0301\u0301');
  });

  it.each([
    ['C1 controls', 'Talk\u0085next\u009bline', 'Talk next line'],
    ['a right-to-left override', 'invoice\u202Egnp.exe', 'invoicegnp.exe'],
    ['isolates, embeddings and marks', '\u2066a\u2069\u202Ab\u202C\u200Ec\u200F\u061Cd\u2067e\u2068', 'abcde'],
  ])('strips %s', (_what, input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });
});
