import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { checkOutputName } from '../../../src/job/check-output-name.js';

const usage = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error instanceof CaptureError ? error.code : error;
  }
  return undefined;
};

describe('checkOutputName', () => {
  it('takes a name whose partial name .NAME.partial fits in 255 bytes', () => {
    // 246 bytes + "." + ".partial" = 255.
    expect(usage(() => checkOutputName(`${'a'.repeat(242)}.mp4`))).toBeUndefined();
    expect(usage(() => checkOutputName(`${'講'.repeat(80)}.mp4`))).toBeUndefined();
  });

  it('refuses with USAGE one byte more, counting bytes, not characters', () => {
    expect(usage(() => checkOutputName(`${'a'.repeat(243)}.mp4`))).toBe('USAGE');
    // 100 characters, 300 bytes.
    expect(usage(() => checkOutputName(`${'講'.repeat(100)}.mp4`))).toBe('USAGE');
  });

  it('with --split, leaves room for NAME.presenter-N.EXT', () => {
    expect(usage(() => checkOutputName(`${'a'.repeat(230)}.mp4`))).toBeUndefined();
    expect(usage(() => checkOutputName(`${'a'.repeat(230)}.mp4`, { split: true }))).toBe('USAGE');
    expect(usage(() => checkOutputName(`${'a'.repeat(228)}.mp4`, { split: true }))).toBeUndefined();
  });
});
