import { describe, expect, it } from 'vitest';
import { defaultOutputBase, sanitizeFileName } from '../../../src/record/output-name.js';

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
