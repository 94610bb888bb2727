import { describe, expect, it } from 'vitest';
import { chromiumMatrix, toOutputColour } from '../../../src/compose/colour.js';

describe('chromiumMatrix', () => {
  it('follows the tag, and reads untagged video as BT.709 from 720 lines up (as Chromium 156 showed it)', () => {
    expect(chromiumMatrix({ colorSpace: 'smpte170m', height: 1080 })).toBe('bt601');
    expect(chromiumMatrix({ colorSpace: 'bt709', height: 480 })).toBe('bt709');
    expect(chromiumMatrix({ colorSpace: 'unknown', height: 720 })).toBe('bt709');
    expect(chromiumMatrix({ height: 768 })).toBe('bt709');
    expect(chromiumMatrix({ height: 700 })).toBe('bt601');
    expect(chromiumMatrix({ colorSpace: 'unknown', height: 480 })).toBe('bt601');
  });
});

describe('toOutputColour', () => {
  it('converts the matrix (and range) only, to BT.709 limited', () => {
    expect(toOutputColour('bt709', 'tv')).toBe('format=yuv420p');
    expect(toOutputColour('bt601', 'pc')).toBe('colorspace=ispace=bt470bg:iprimaries=bt709:itrc=bt709:irange=pc:space=bt709:primaries=bt709:trc=bt709:range=tv:format=yuv420p');
  });
});
